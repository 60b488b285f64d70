//===- CompileModelFile.cpp - model file -> module bytes ------------------===//
#include "loom/compiler/Driver.h"
#include "loom/compiler/compile.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/SourceMgr.h"

namespace loom {

bool compileModelFile(const std::string &path, const CompileOptions &options,
                      std::string &moduleBytes, std::string &error) {
  mlir::DialectRegistry registry;
  registerCompilerDialects(registry);
  mlir::MLIRContext context(registry);
  context.printOpOnDiagnostic(false);
  std::string diagnostics;
  llvm::raw_string_ostream os(diagnostics);
  llvm::SourceMgr sourceMgr;
  mlir::SourceMgrDiagnosticHandler handler(sourceMgr, &context, os);

  mlir::OwningOpRef<mlir::ModuleOp> module = parseModelFile(path, context);
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

} // namespace loom
