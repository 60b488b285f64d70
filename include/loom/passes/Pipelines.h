//===- Pipelines.h - Loom's pass pipelines ----------------------*- C++ -*-===//
#ifndef LOOM_PASSES_PIPELINES_H
#define LOOM_PASSES_PIPELINES_H

#include <cstdint>
#include <string>
#include <vector>

namespace mlir {
class OpPassManager;
}

namespace loom {

/// Options of the default pipelines that users can set from loom-compile.
struct PipelineOptions {
  std::string contractionOptimizer = "auto";
  double contractionMemoryLimit = 0;  // elements; 0: no limit
  // Sliced contractions as loom.slice_loop (a loop the runtime runs) rather
  // than unrolled: the target's runtime device must run them.
  bool sliceLoops = false;
  // --loom-tt-compress before the contraction passes when either is > 0.
  int64_t ttRank = 0;
  double ttTolerance = 0;
  int64_t ttCores = 0;
  std::vector<int64_t> ttOutModes, ttInModes;
};

/// What the CPU code generation needs to know of the target CPU's vector
/// registers (defaults: AVX-512's).
struct CpuCodegenOptions {
  int64_t vectorBits = 512;
  int64_t vectorRegisters = 32;
  /// Threads the module will mostly run on (scan kernels' blocks of rows).
  int64_t threads = 4;
};

/// loom -> linalg -> fused dispatch regions -> outlined kernels, distributed
/// into workgroups and bufferized (the host functions keep loom.launch ops).
/// The schedule is built from the IR at this point.
void buildLoomCpuKernelPipeline(mlir::OpPassManager &pm,
                                const PipelineOptions &options = {},
                                const CpuCodegenOptions &cpu = {});

/// What the CPU lowering needs to know of the target CPU.
struct CpuLoweringOptions {
  /// Outputs at least this large are written with non-temporal stores
  /// (x86); 0: never.
  int64_t streamingOutputBytes = 0;
};

/// The kernel module to the LLVM dialect with the CPU kernel ABI:
/// --loom-cpu-prepare-lowering, the upstream conversions, then
/// --loom-cpu-kernel-abi.
void buildLoomCpuLoweringPipeline(mlir::OpPassManager &pm,
                                  const CpuLoweringOptions &options = {});

/// loom -> ... -> outlined kernels (target independent; the first steps of
/// every target's kernel pipeline).
void buildLoomFrontendPipeline(mlir::OpPassManager &pm,
                               const PipelineOptions &options = {});

/// What the GPU strategy may use of a workgroup.
struct GpuPipelineOptions {
  int64_t maxWorkgroupSize = 128;
  int64_t maxSharedMemory = 16384;
  int64_t subgroupSize = 32;
  /// Warp-level matrix multiply-accumulate for f16 matmuls (CUDA sm_70+).
  bool tensorCores = false;
};

/// The frontend, then kernels distributed onto workgroups and invocations,
/// bufferized and mapped onto GPU ids (kernels are still func.func with
/// their #loom.kernel: the schedule is built here).
void buildLoomGpuKernelPipeline(mlir::OpPassManager &pm,
                                const PipelineOptions &options = {},
                                const GpuPipelineOptions &gpu = {});

/// gpu.func kernels, then one spirv.module (target environment text as in
/// include/loom/passes/VulkanTargetEnv.h; empty: its default).
void buildLoomVulkanLoweringPipeline(mlir::OpPassManager &pm,
                                     const std::string &targetEnv = "");

/// The CUDA architecture the NVVM lowering targets (the CUDA backend,
/// lib/target/cuda, owns the defaults).
struct CudaLoweringOptions {
  std::string chip;      // sm_NN
  std::string features;  // +ptxNN
  unsigned optLevel = 3;
};

/// gpu.func kernels, then NVVM with an #nvvm.target for `options.chip`.
void buildLoomCudaLoweringPipeline(mlir::OpPassManager &pm,
                                   const CudaLoweringOptions &options);

/// Registers the target-independent pipelines with the pass registry:
/// --loom-cpu-kernel-pipeline, --loom-cpu-lower-to-llvm and
/// --loom-gpu-to-spirv. The backends register the per-target ones
/// (TargetBackend::registerPipelines).
void registerLoomPipelines();

} // namespace loom

#endif // LOOM_PASSES_PIPELINES_H
