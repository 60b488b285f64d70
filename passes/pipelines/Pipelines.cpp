//===- Pipelines.cpp - Loom's pass pipelines ------------------------------===//
#include "loom/passes/Pipelines.h"
#include "loom/passes/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace loom {

/// The frontend up to dispatch regions (before outlining).
static void buildLoomFusionPipeline(OpPassManager &pm,
                                    const PipelineOptions &options) {
  // Dense layers as tensor trains, on request.
  if (options.ttRank > 0 || options.ttTolerance > 0) {
    LoomTtCompressOptions tt;
    tt.rank = options.ttRank;
    tt.tolerance = options.ttTolerance;
    tt.cores = options.ttCores;
    tt.outModes.assign(options.ttOutModes.begin(), options.ttOutModes.end());
    tt.inModes.assign(options.ttInModes.begin(), options.ttInModes.end());
    pm.addNestedPass<func::FuncOp>(createLoomTtCompress(tt));
  }
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
}

void buildLoomFrontendPipeline(OpPassManager &pm,
                               const PipelineOptions &options) {
  buildLoomFusionPipeline(pm, options);
  pm.addPass(createLoomOutlineDispatches());
}

void buildLoomCpuKernelPipeline(OpPassManager &pm,
                                const PipelineOptions &options) {
  buildLoomFusionPipeline(pm, options);
  pm.addPass(createLoomCpuPackWeights());
  pm.addPass(createLoomOutlineDispatches());
  pm.addPass(createLoomCpuDistribute());
  // Producers fused into several consumers of a tile (softmax's max and
  // exp) are cloned per consumer: one copy each.
  pm.addPass(createCSEPass());
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

void buildLoomGpuKernelPipeline(OpPassManager &pm,
                                const PipelineOptions &options,
                                const GpuPipelineOptions &gpu) {
  buildLoomFrontendPipeline(pm, options);
  LoomGpuDistributeOptions distribute;
  distribute.maxWorkgroupSize = gpu.maxWorkgroupSize;
  distribute.maxSharedMemory = gpu.maxSharedMemory;
  distribute.subgroupSize = gpu.subgroupSize;
  distribute.tensorCores = gpu.tensorCores;
  pm.addPass(createLoomGpuDistribute(distribute));
  LoomGpuBufferizeOptions bufferize;
  bufferize.maxSharedMemory = gpu.maxSharedMemory;
  pm.addPass(createLoomGpuBufferize(bufferize));
  if (gpu.tensorCores)
    pm.addPass(createLoomGpuTensorCores());
  pm.addPass(createLoomGpuMapForall());
}

void buildLoomVulkanLoweringPipeline(OpPassManager &pm,
                                     const std::string &targetEnv) {
  pm.addPass(createLoomGpuCreateKernels());
  LoomGpuToSpirvOptions spirv;
  spirv.targetEnv = targetEnv;
  pm.addPass(createLoomGpuToSpirv(spirv));
}

void buildLoomCudaLoweringPipeline(OpPassManager &pm, const std::string &chip,
                                   const std::string &features) {
  pm.addPass(createLoomGpuCreateKernels());
  LoomGpuToNvvmOptions nvvm;
  nvvm.chip = chip;
  nvvm.features = features;
  pm.addPass(createLoomGpuToNvvm(nvvm));
}

void registerLoomPipelines() {
  PassPipelineRegistration<>(
      "loom-vulkan-pipeline",
      "From the loom dialect to one spirv.module of kernels for the default "
      "Vulkan target environment (host functions keep loom.launch ops)",
      [](OpPassManager &pm) {
        buildLoomGpuKernelPipeline(pm);
        buildLoomVulkanLoweringPipeline(pm);
      });
  PassPipelineRegistration<>(
      "loom-cuda-pipeline",
      "From the loom dialect to a gpu.binary of PTX kernels for sm_80 "
      "(host functions keep loom.launch ops)",
      [](OpPassManager &pm) {
        GpuPipelineOptions gpu;
        gpu.maxWorkgroupSize = 256;
        gpu.maxSharedMemory = 48 * 1024;
        gpu.tensorCores = true;
        buildLoomGpuKernelPipeline(pm, PipelineOptions(), gpu);
        buildLoomCudaLoweringPipeline(pm);
      });
  PassPipelineRegistration<>(
      "loom-cpu-kernel-pipeline",
      "From the loom dialect to bufferized CPU kernels, before their "
      "lowering to LLVM (--loom-cpu-lower-to-llvm)",
      [](OpPassManager &pm) { buildLoomCpuKernelPipeline(pm); });
  PassPipelineRegistration<>(
      "loom-cpu-pipeline",
      "From the loom dialect to kernels in the LLVM dialect with the CPU "
      "kernel ABI (host functions keep loom.launch ops)",
      buildLoomCpuPipeline);
}

} // namespace loom
