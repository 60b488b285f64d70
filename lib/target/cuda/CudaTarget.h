//===- CudaTarget.h - the CUDA (PTX) target ---------------------*- C++ -*-===//
//
// The CUDA backend's target description (an sm_NN architecture, its PTX ISA
// and limits), and its last steps: the NVVM gpu.module to PTX (LLVM's NVPTX
// backend), and PTX to a cubin (the toolkit's ptxas).
//
//===----------------------------------------------------------------------===//
#ifndef LOOM_TARGET_CUDA_CUDATARGET_H
#define LOOM_TARGET_CUDA_CUDATARGET_H

#include "loom/passes/Pipelines.h"

#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace loom {

struct CudaTargetOptions {
  /// The default architecture (loom-compile --cuda-arch): sm_80, whose
  /// PTX every later GPU also runs (JIT-compiled by the driver).
  static constexpr const char *kDefaultArch = "sm_80";
  std::string arch = kDefaultArch;  // sm_70, sm_75, sm_80, sm_86, sm_90...
  /// The NN of sm_NN.
  unsigned sm() const;
  /// The PTX ISA the kernels are written in (LLVM's +ptxNN feature).
  std::string features() const;
  /// What the GPU code generation may use of a workgroup: 256 invocations
  /// and the 48 KiB of static shared memory every architecture has, 32-wide
  /// warps, and tensor cores (warp matrix ops) from sm_70.
  GpuPipelineOptions limits() const;
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

#endif // LOOM_TARGET_CUDA_CUDATARGET_H
