//===- CpuBufferize.cpp - bufferize kernels into their bindings -----------===//
#include "loom/passes/KernelModule.h"
#include "loom/passes/Passes.h"

#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/OneShotAnalysis.h"
#include "mlir/Dialect/Bufferization/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

namespace loom {
#define GEN_PASS_DEF_LOOMCPUBUFFERIZE
#include "passes/Passes.h.inc"
} // namespace loom

using namespace mlir;
using namespace loom;

namespace {

/// Largest temporary a kernel keeps on the stack, and the most it keeps
/// there in all. Kernels also run on the thread that calls the runtime,
/// whose stack the embedding application chose (musl's default is 128
/// KiB): a few rows at most.
constexpr int64_t kMaxStackBufferBytes = 16 << 10;
constexpr int64_t kMaxStackBytesPerKernel = 64 << 10;

/// Small temporaries with static shapes (a row of a softmax or norm, a
/// register tile's partial sums) live on the stack instead of the heap: one
/// workgroup is often a single row, and a malloc/free pair per temporary
/// per workgroup would cost more than the row. Allocations inside loops stay
/// on the heap (a stack allocation there would grow the frame on every
/// iteration).
void promoteSmallBuffersToStack(func::FuncOp kernel) {
  SmallVector<memref::AllocOp> candidates;
  int64_t total = 0;
  kernel.walk([&](memref::AllocOp alloc) {
    MemRefType type = alloc.getType();
    if (!type.hasStaticShape() || !type.getLayout().isIdentity() ||
        !type.getElementType().isIntOrFloat() ||
        alloc->getParentOfType<LoopLikeOpInterface>() &&
            !isa<scf::ForallOp>(alloc->getParentOp()))
      return;
    int64_t bytes = type.getNumElements() *
                    ((type.getElementTypeBitWidth() + 7) / 8);
    if (bytes > kMaxStackBufferBytes || total + bytes > kMaxStackBytesPerKernel)
      return;
    total += bytes;
    candidates.push_back(alloc);
  });
  IRRewriter rewriter(kernel.getContext());
  for (memref::AllocOp alloc : candidates) {
    rewriter.setInsertionPoint(alloc);
    rewriter.replaceOpWithNewOp<memref::AllocaOp>(
        alloc, alloc.getType(), alloc.getDynamicSizes(),
        alloc.getSymbolOperands(), alloc.getAlignmentAttr());
  }
}

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

    for (func::FuncOp kernel : getKernels(kernels))
      promoteSmallBuffersToStack(kernel);
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
