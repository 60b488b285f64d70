//===- CudaTarget.h - the CUDA (PTX) target ---------------------*- C++ -*-===//
//
// The step from the NVVM gpu.module that --loom-gpu-to-nvvm leaves to the
// PTX a .loom module stores (LLVM's NVPTX backend).
//
//===----------------------------------------------------------------------===//
#ifndef LOOM_TARGET_CUDATARGET_H
#define LOOM_TARGET_CUDATARGET_H

#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace loom {

struct CudaTargetOptions {
  std::string arch = "sm_80";  // sm_70, sm_75, sm_80, sm_86, sm_89, sm_90...
  /// The PTX ISA the kernels are written in (LLVM's +ptxNN feature).
  std::string features() const;
};

/// Checks `--cuda-arch` text. On failure returns false and sets `error`.
bool parseCudaArch(llvm::StringRef text, CudaTargetOptions &options,
                   std::string &error);

struct CudaArtifacts {
  std::string ptx;  // one PTX module, one .entry per kernel
};

/// Compiles the NVVM gpu.module in `top` to PTX.
mlir::LogicalResult buildCudaArtifacts(mlir::ModuleOp top,
                                       CudaArtifacts &artifacts);

} // namespace loom

#endif // LOOM_TARGET_CUDATARGET_H
