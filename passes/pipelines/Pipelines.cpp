//===- Pipelines.cpp - Loom's pass pipelines ------------------------------===//
#include "loom/passes/Pipelines.h"
#include "loom/passes/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace loom {

void buildLoomCpuKernelPipeline(OpPassManager &pm,
                                const PipelineOptions &options) {
  // Tensor networks: pairwise order, then GEMMs (constant transposes fold).
  LoomContractOrderOptions order;
  order.optimizer = options.contractionOptimizer;
  order.memoryLimit = options.contractionMemoryLimit;
  pm.addNestedPass<func::FuncOp>(createLoomContractOrder(order));
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createLoomContractLowering());
  pm.addNestedPass<func::FuncOp>(createLoomToLinalg());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addNestedPass<func::FuncOp>(createLoomFuse());
  pm.addPass(createLoomOutlineDispatches());
  pm.addPass(createLoomCpuDistribute());
  pm.addPass(createLoomCpuVectorize());
  pm.addPass(createLoomCpuBufferize());
  pm.addPass(createLoomMapWorkgroups());
}

void buildLoomCpuLoweringPipeline(OpPassManager &pm) {
  pm.addPass(createLoomCpuLowerToLLVM());
}

void buildLoomCpuPipeline(OpPassManager &pm) {
  buildLoomCpuKernelPipeline(pm, PipelineOptions());
  buildLoomCpuLoweringPipeline(pm);
}

void registerLoomPipelines() {
  PassPipelineRegistration<>(
      "loom-cpu-pipeline",
      "From the loom dialect to kernels in the LLVM dialect with the CPU "
      "kernel ABI (host functions keep loom.launch ops)",
      buildLoomCpuPipeline);
}

} // namespace loom
