//===- Driver.h - the compiler driver (MLIR-facing) -------------*- C++ -*-===//
//
// What loom-compile does, as a library: parse a model, run the pipeline for
// a target, and produce the requested emission. Diagnostics go through the
// MLIRContext (callers install a handler).
//
//===----------------------------------------------------------------------===//
#ifndef LOOM_COMPILER_DRIVER_H
#define LOOM_COMPILER_DRIVER_H

#include "loom/compiler/compile.h"
#include "loom/target/TargetBackend.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/raw_ostream.h"

namespace loom {

struct DriverOptions {
  CompileOptions compile;
  Emission emit = Emission::Module;
  bool printMemoryPlan = false;
  bool printDispatchStats = false;
};

/// Every dialect, interface and translation the compiler uses.
void registerCompilerDialects(mlir::DialectRegistry &registry);

/// Parses and verifies a model file (.mlir, or .onnx where the importer is
/// built, with `inputShapes` binding its inputs' shapes; they are an error
/// for .mlir). Errors are reported through the context's diagnostic
/// handler; returns null on failure.
mlir::OwningOpRef<mlir::ModuleOp> parseModelFile(
    llvm::StringRef path, mlir::MLIRContext &context,
    const std::map<std::string, std::vector<int64_t>> &inputShapes = {});

/// Parses and verifies model text in MLIR's syntax; `bufferName` names it in
/// diagnostics. Errors as parseModelFile's.
mlir::OwningOpRef<mlir::ModuleOp> parseModelText(llvm::StringRef text,
                                                 llvm::StringRef bufferName,
                                                 mlir::MLIRContext &context);

/// The backend of `options.compile.target`, configured: the target exists,
/// writes the emission, and every target option is one of its own and
/// parses. Nothing is compiled. On failure returns null and sets `error` to
/// a one-line message.
std::unique_ptr<TargetBackend> configureTarget(const DriverOptions &options,
                                               std::string &error);

/// Compiles `module` in place and writes the emission to `output`. Extra
/// reports (memory plan) go to `info`.
mlir::LogicalResult compileModule(mlir::ModuleOp module,
                                  const DriverOptions &options,
                                  std::string &output, llvm::raw_ostream &info);

} // namespace loom

#endif // LOOM_COMPILER_DRIVER_H
