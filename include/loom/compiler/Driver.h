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

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/raw_ostream.h"

namespace loom {

enum class Emission {
  Module,  // a .loom module file (default)
  MLIR,    // the lowered MLIR (CPU: kernels in the LLVM dialect; GPU
           // targets: gpu.func kernels before the SPIR-V/NVVM lowering)
  LLVMIR,  // optimized LLVM IR of the kernels
  Object,  // an ELF object of the kernels
  SPIRV,   // the SPIR-V binary of the kernels (--target=vulkan)
  PTX,     // the PTX of the kernels (--target=cuda)
  Cubin,   // the PTX assembled by ptxas for --cuda-arch (--target=cuda)
};

struct DriverOptions {
  CompileOptions compile;
  Emission emit = Emission::Module;
  bool printMemoryPlan = false;
  bool printDispatchStats = false;
};

/// Every dialect, interface and translation the compiler uses.
void registerCompilerDialects(mlir::DialectRegistry &registry);

/// Parses and verifies a model file (.mlir). Errors are reported through the
/// context's diagnostic handler; returns null on failure.
mlir::OwningOpRef<mlir::ModuleOp> parseModelFile(llvm::StringRef path,
                                                 mlir::MLIRContext &context);

/// Checks the options of the GPU targets (target and emission agree, the
/// Vulkan target environment and CUDA architecture parse). On failure
/// returns false and sets `error` to a one-line message.
bool checkGpuOptions(const DriverOptions &options, std::string &error);

/// Compiles `module` in place and writes the emission to `output`. Extra
/// reports (memory plan) go to `info`.
mlir::LogicalResult compileModule(mlir::ModuleOp module,
                                  const DriverOptions &options,
                                  std::string &output, llvm::raw_ostream &info);

} // namespace loom

#endif // LOOM_COMPILER_DRIVER_H
