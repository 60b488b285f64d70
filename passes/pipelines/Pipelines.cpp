//===- Pipelines.cpp - Loom's pass pipelines ------------------------------===//
//
// Every pipeline is built here in C++ from typed pass constructors; no pass
// parses a textual pipeline. Target facts (cache sizes, CUDA architecture,
// Vulkan environment) come in as arguments: the backends in lib/target own
// them and register the per-target pipelines (--loom-cpu-pipeline...).
//
//===----------------------------------------------------------------------===//
#include "loom/passes/Pipelines.h"
#include "loom/passes/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVOps.h"
#include "mlir/Dialect/SPIRV/Transforms/Passes.h"
#include "mlir/Dialect/Vector/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"
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
  order.sliceLoops = options.sliceLoops;
  pm.addPass(createLoomContractOrder(order));
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
                                const PipelineOptions &options,
                                const CpuCodegenOptions &cpu) {
  buildLoomFusionPipeline(pm, options);
  pm.addPass(createLoomCpuPackWeights());
  pm.addPass(createLoomOutlineDispatches());
  pm.addPass(createLoomCpuDistribute());
  LoomCpuDistributeScansOptions scans;
  scans.maxWorkgroups = cpu.threads;
  pm.addPass(createLoomCpuDistributeScans(scans));
  // Producers fused into several consumers of a tile (softmax's max and
  // exp) are cloned per consumer: one copy each.
  pm.addPass(createCSEPass());
  LoomCpuVectorizeOptions vectorize;
  vectorize.vectorBits = cpu.vectorBits;
  vectorize.vectorRegisters = cpu.vectorRegisters;
  pm.addPass(createLoomCpuVectorize(vectorize));
  pm.addPass(createLoomCpuBufferize());
  pm.addPass(createLoomMapWorkgroups());
}

void buildLoomCpuLoweringPipeline(OpPassManager &pm,
                                  const CpuLoweringOptions &options) {
  LoomCpuPrepareLoweringOptions prepare;
  prepare.streamingOutputBytes = options.streamingOutputBytes;
  pm.addPass(createLoomCpuPrepareLowering(prepare));
  // The upstream conversions run on the kernel module's functions; the
  // host functions (loom.launch) are left alone.
  OpPassManager &kernels = pm.nest<ModuleOp>();
  kernels.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  kernels.addNestedPass<func::FuncOp>(vector::createLowerVectorMaskPass());
  kernels.addNestedPass<func::FuncOp>(
      vector::createLowerVectorMultiReductionPass());
  kernels.addPass(createConvertVectorToSCFPass(
      VectorTransferToSCFOptions().enableFullUnroll()));
  kernels.addPass(memref::createExpandStridedMetadataPass());
  kernels.addPass(createLowerAffinePass());
  kernels.addPass(createSCFToControlFlowPass());
  // bf16 conversions as integer code: LLVM would call compiler-rt's
  // __truncsfbf2 on CPUs without AVX512-BF16, which no library provides to
  // a kernel library loaded by the runtime.
  arith::ArithExpandOpsPassOptions expand;
  expand.includeBf16 = true;
  kernels.addPass(arith::createArithExpandOpsPass(expand));
  ConvertVectorToLLVMPassOptions vectorToLLVM;
  vectorToLLVM.vectorContractLowering =
      vector::VectorContractLowering::OuterProduct;
  vectorToLLVM.reassociateFPReductions = true;
  kernels.addPass(createConvertVectorToLLVMPass(vectorToLLVM));
  kernels.addPass(createConvertMathToLLVMPass());
  kernels.addPass(createConvertMathToLibmPass());
  kernels.addPass(createFinalizeMemRefToLLVMConversionPass());
  kernels.addPass(createArithToLLVMConversionPass());
  kernels.addPass(createConvertIndexToLLVMPass());
  ConvertFuncToLLVMPassOptions funcToLLVM;
  funcToLLVM.useBarePtrCallConv = true;
  kernels.addPass(createConvertFuncToLLVMPass(funcToLLVM));
  kernels.addPass(createConvertControlFlowToLLVMPass());
  kernels.addPass(createUBToLLVMConversionPass());
  kernels.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createLoomCpuKernelAbi());
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

/// gpu.func kernels with loops, scalar memory accesses and no affine ops.
static void buildGpuScalarLowering(OpPassManager &pm) {
  pm.addPass(createLoomGpuCreateKernels());
  OpPassManager &kernels = pm.nest<gpu::GPUModuleOp>();
  kernels.addPass(createConvertLinalgToLoopsPass());
  kernels.addPass(memref::createFoldMemRefAliasOpsPass());
  kernels.addPass(memref::createExpandStridedMetadataPass());
  kernels.addPass(createLowerAffinePass());
  kernels.addPass(createCanonicalizerPass());
  kernels.addPass(createCSEPass());
}

void buildLoomVulkanLoweringPipeline(OpPassManager &pm,
                                     const std::string &targetEnv) {
  buildGpuScalarLowering(pm);
  LoomGpuPrepareSpirvOptions prepare;
  prepare.targetEnv = targetEnv;
  pm.addPass(createLoomGpuPrepareSpirv(prepare));
  OpPassManager &kernels = pm.nest<gpu::GPUModuleOp>();
  arith::ArithExpandOpsPassOptions expand;
  expand.includeBf16 = true;
  kernels.addPass(arith::createArithExpandOpsPass(expand));
  kernels.addPass(createCanonicalizerPass());
  kernels.addPass(createCSEPass());
  kernels.addPass(createConvertMathToSPIRVPass());
  pm.addPass(createConvertGPUToSPIRVPass());
  pm.addPass(createLoomSpirvPushConstants());
  OpPassManager &spirvModule = pm.nest<spirv::ModuleOp>();
  spirvModule.addPass(spirv::createSPIRVLowerABIAttributesPass());
  spirvModule.addPass(spirv::createSPIRVUpdateVCEPass());
  spirvModule.addPass(createCanonicalizerPass());
  spirvModule.addPass(createCSEPass());
  pm.addPass(createLoomSpirvTargetVersion());
}

void buildLoomCudaLoweringPipeline(OpPassManager &pm,
                                   const CudaLoweringOptions &options) {
  buildGpuScalarLowering(pm);
  pm.addPass(createLoomGpuPrepareNvvm());
  GpuNVVMAttachTargetOptions target;
  target.chip = options.chip;
  target.features = options.features;
  target.optLevel = options.optLevel;
  pm.addPass(createGpuNVVMAttachTarget(target));
  OpPassManager &kernels = pm.nest<gpu::GPUModuleOp>();
  kernels.addPass(createSCFToControlFlowPass());
  ConvertGpuOpsToNVVMOpsOptions toNvvm;
  toNvvm.useBarePtrCallConv = true;
  kernels.addPass(createConvertGpuOpsToNVVMOps(toNvvm));
  kernels.addPass(createCanonicalizerPass());
  kernels.addPass(createCSEPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createLoomNvvmNativeIntrinsics());
}

namespace {

struct CpuLoweringPipelineOptions
    : public PassPipelineOptions<CpuLoweringPipelineOptions> {
  Option<int64_t> streamingOutputBytes{
      *this, "streaming-output-bytes",
      llvm::cl::desc("Outputs at least this large (bytes) are written with "
                     "streaming stores; 0: never"),
      llvm::cl::init(0)};
};

struct VulkanLoweringPipelineOptions
    : public PassPipelineOptions<VulkanLoweringPipelineOptions> {
  Option<std::string> targetEnv{
      *this, "target-env",
      llvm::cl::desc("Vulkan target environment (include/loom/passes/"
                     "VulkanTargetEnv.h); empty: its default"),
      llvm::cl::init("")};
};

} // namespace

void registerLoomPipelines() {
  PassPipelineRegistration<>(
      "loom-cpu-kernel-pipeline",
      "From the loom dialect to bufferized CPU kernels, before their "
      "lowering to LLVM (--loom-cpu-lower-to-llvm)",
      [](OpPassManager &pm) { buildLoomCpuKernelPipeline(pm); });
  PassPipelineRegistration<CpuLoweringPipelineOptions>(
      "loom-cpu-lower-to-llvm",
      "The kernel module to the LLVM dialect with the CPU kernel ABI",
      [](OpPassManager &pm, const CpuLoweringPipelineOptions &options) {
        CpuLoweringOptions lowering;
        lowering.streamingOutputBytes = options.streamingOutputBytes;
        buildLoomCpuLoweringPipeline(pm, lowering);
      });
  PassPipelineRegistration<VulkanLoweringPipelineOptions>(
      "loom-gpu-to-spirv",
      "GPU kernels (after --loom-gpu-map-forall) to one spirv.module",
      [](OpPassManager &pm, const VulkanLoweringPipelineOptions &options) {
        buildLoomVulkanLoweringPipeline(pm, options.targetEnv);
      });
}

} // namespace loom
