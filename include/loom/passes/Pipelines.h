//===- Pipelines.h - Loom's pass pipelines ----------------------*- C++ -*-===//
#ifndef LOOM_PASSES_PIPELINES_H
#define LOOM_PASSES_PIPELINES_H

#include <string>

namespace mlir {
class OpPassManager;
}

namespace loom {

/// Options of the default pipelines that users can set from loom-compile.
struct PipelineOptions {
  std::string contractionOptimizer = "auto";
  double contractionMemoryLimit = 0;  // elements; 0: no limit
};

/// loom -> linalg -> fused dispatch regions -> outlined kernels, distributed
/// into workgroups and bufferized (the host functions keep loom.launch ops).
/// The schedule is built from the IR at this point.
void buildLoomCpuKernelPipeline(mlir::OpPassManager &pm,
                                const PipelineOptions &options = {});

/// The kernel module to the LLVM dialect with the CPU kernel ABI.
void buildLoomCpuLoweringPipeline(mlir::OpPassManager &pm);

/// Both of the above: --loom-cpu-pipeline.
void buildLoomCpuPipeline(mlir::OpPassManager &pm);

/// Registers --loom-cpu-pipeline with the pass registry.
void registerLoomPipelines();

} // namespace loom

#endif // LOOM_PASSES_PIPELINES_H
