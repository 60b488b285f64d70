//===- CpuBufferize.cpp - bufferize kernels into their bindings -----------===//
#include "loom/passes/KernelModule.h"
#include "loom/passes/Passes.h"

#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/OneShotAnalysis.h"
#include "mlir/Dialect/Bufferization/Transforms/Transforms.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

namespace loom {
#define GEN_PASS_DEF_LOOMCPUBUFFERIZE
#include "passes/Passes.h.inc"
} // namespace loom

using namespace mlir;
using namespace loom;

namespace {

struct LoomCpuBufferizePass
    : public loom::impl::LoomCpuBufferizeBase<LoomCpuBufferizePass> {
  void runOnOperation() override {
    ModuleOp kernels = getKernelModule(getOperation());
    if (!kernels)
      return;
    // Copies are linalg.copy: lowered and vectorized like every other op,
    // with no runtime helper.
    if (failed(bufferizeKernelsInPlace(kernels)))
      return signalPassFailure();

    // Temporary buffers inside kernels: freed where they die.
    OpPassManager pm(ModuleOp::getOperationName());
    bufferization::buildBufferDeallocationPipeline(pm);
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
    pm.addPass(createCanonicalizerPass());
    if (failed(runPipeline(pm, kernels)))
      return signalPassFailure();
  }
};

} // namespace
