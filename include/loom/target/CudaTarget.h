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

/// The CUDA toolkit's PTX assembler: $LOOM_PTXAS if set (it must exist),
/// else `ptxas` on PATH, else /usr/local/cuda/bin/ptxas. On failure returns
/// false and sets `error`.
bool findPtxas(std::string &path, std::string &error);

/// Assembles `ptx` with `ptxas -arch=<arch>` into a cubin (an ELF for that
/// GPU architecture). On failure (no ptxas, or ptxas rejects the PTX)
/// returns false and sets `error` to a message with ptxas's own output.
bool assembleCubin(llvm::StringRef ptx, llvm::StringRef arch,
                   std::string &cubin, std::string &error);

} // namespace loom

#endif // LOOM_TARGET_CUDATARGET_H
