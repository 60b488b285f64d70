//===- CompileModelFile.cpp - model file or text -> module bytes ----------===//
#include "loom/compiler/Driver.h"
#include "loom/compiler/compile.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/SourceMgr.h"

#include <functional>

namespace loom {

namespace {

/// Parses with `parse` in a fresh context whose diagnostics are collected,
/// then compiles to module bytes.
bool compileParsed(
    const std::function<mlir::OwningOpRef<mlir::ModuleOp>(mlir::MLIRContext &)>
        &parse,
    const CompileOptions &options, std::string &moduleBytes,
    std::string &error) {
  mlir::DialectRegistry registry;
  registerCompilerDialects(registry);
  mlir::MLIRContext context(registry);
  context.printOpOnDiagnostic(false);
  std::string diagnostics;
  llvm::raw_string_ostream os(diagnostics);
  llvm::SourceMgr sourceMgr;
  mlir::SourceMgrDiagnosticHandler handler(sourceMgr, &context, os);

  mlir::OwningOpRef<mlir::ModuleOp> module = parse(context);
  DriverOptions driverOptions;
  driverOptions.compile = options;
  std::string info;
  llvm::raw_string_ostream infoStream(info);
  if (!module ||
      failed(compileModule(*module, driverOptions, moduleBytes, infoStream))) {
    error = diagnostics.empty() ? "compilation failed" : diagnostics;
    return false;
  }
  return true;
}

} // namespace

bool compileModelFile(const std::string &path, const CompileOptions &options,
                      std::string &moduleBytes, std::string &error) {
  return compileParsed(
      [&](mlir::MLIRContext &context) {
        return parseModelFile(path, context, options.inputShapes);
      },
      options, moduleBytes, error);
}

bool compileModelText(const std::string &text, const std::string &bufferName,
                      const CompileOptions &options, std::string &moduleBytes,
                      std::string &error) {
  return compileParsed(
      [&](mlir::MLIRContext &context) {
        return parseModelText(text, bufferName, context);
      },
      options, moduleBytes, error);
}

} // namespace loom
