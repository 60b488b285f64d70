//===- GpuBufferize.cpp - bufferize GPU kernels into their bindings -------===//
#include "GpuUtils.h"

#include "loom/dialect/ConstantData.h"
#include "loom/passes/KernelModule.h"
#include "loom/passes/Passes.h"

#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/Dialect/Bufferization/Transforms/OneShotAnalysis.h"
#include "mlir/Dialect/Bufferization/Transforms/Transforms.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Interfaces/ValueBoundsOpInterface.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

namespace loom {
#define GEN_PASS_DEF_LOOMGPUBUFFERIZE
#include "passes/Passes.h.inc"
} // namespace loom

using namespace mlir;
using namespace loom;

namespace {

/// `type` with memory space `space`.
MemRefType withMemorySpace(MemRefType type, Attribute space) {
  return MemRefType::get(type.getShape(), type.getElementType(),
                         type.getLayout(), space);
}

/// Gives the buffer `root` (a fresh allocation) the memory space `space`,
/// and every view of it too.
LogicalResult setMemorySpace(Value root, Attribute space) {
  SmallVector<Value> worklist = {root};
  while (!worklist.empty()) {
    Value v = worklist.pop_back_val();
    auto type = cast<MemRefType>(v.getType());
    v.setType(withMemorySpace(type, space));
    for (OpOperand &use : v.getUses()) {
      Operation *user = use.getOwner();
      if (isa<ViewLikeOpInterface>(user) &&
          cast<ViewLikeOpInterface>(user).getViewSource() == v) {
        for (Value r : user->getResults())
          if (isa<MemRefType>(r.getType()))
            worklist.push_back(r);
        continue;
      }
      if (isa<scf::YieldOp, scf::ForOp, scf::IfOp, scf::WhileOp,
              func::ReturnOp, func::CallOp>(user))
        return user->emitError()
               << "a temporary buffer of a GPU kernel flows through '"
               << user->getName() << "'; this is not supported";
    }
  }
  return success();
}

/// Gives a temporary of dynamic size (the copy of a partial tile of a
/// dynamic loop) a static buffer of its sizes' constant upper bounds,
/// viewed at its sizes. Leaves `alloc` alone when a size has no constant
/// bound or a user needs its exact type.
void boundDynamicAlloc(RewriterBase &rewriter, memref::AllocOp alloc) {
  MemRefType type = alloc.getType();
  if (!type.getLayout().isIdentity())
    return;
  SmallVector<int64_t> shape(type.getShape());
  SmallVector<OpFoldResult> sizes = alloc.getMixedSizes();
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (!type.isDynamicDim(d))
      continue;
    FailureOr<int64_t> bound = ValueBoundsConstraintSet::computeConstantBound(
        presburger::BoundType::UB, ValueBoundsConstraintSet::Variable(sizes[d]),
        /*stopCondition=*/nullptr, /*closedUB=*/true);
    if (failed(bound) || *bound < 1)
      return;
    shape[d] = *bound;
  }
  auto staticType = MemRefType::get(shape, type.getElementType(),
                                    MemRefLayoutAttrInterface(),
                                    type.getMemorySpace());
  SmallVector<OpFoldResult> zeros(type.getRank(), rewriter.getIndexAttr(0)),
      ones(type.getRank(), rewriter.getIndexAttr(1));
  // The users' types must not change: views of the same strides, or ops
  // that take any layout.
  for (Operation *user : alloc->getUsers()) {
    if (isa<linalg::LinalgOp, memref::LoadOp, memref::StoreOp,
            memref::DeallocOp>(user))
      continue;
    auto subview = dyn_cast<memref::SubViewOp>(user);
    if (!subview)
      return;
    SmallVector<int64_t> srcStrides, viewStrides;
    int64_t srcOffset, viewOffset;
    if (failed(staticType.getStridesAndOffset(srcStrides, srcOffset)) ||
        failed(type.getStridesAndOffset(viewStrides, viewOffset)) ||
        srcStrides != viewStrides)
      return;
  }
  // Temporaries are never freed (see below).
  for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
    if (isa<memref::DeallocOp>(user))
      rewriter.eraseOp(user);
  rewriter.setInsertionPoint(alloc);
  auto full = memref::AllocOp::create(rewriter, alloc.getLoc(), staticType,
                                      ValueRange{}, alloc.getAlignmentAttr());
  Value view = memref::SubViewOp::create(rewriter, alloc.getLoc(), full,
                                         zeros, sizes, ones);
  rewriter.replaceOp(alloc, view);
}

struct LoomGpuBufferizePass
    : public loom::impl::LoomGpuBufferizeBase<LoomGpuBufferizePass> {
  using LoomGpuBufferizeBase::LoomGpuBufferizeBase;

  void runOnOperation() override {
    ModuleOp kernels = getKernelModule(getOperation());
    if (!kernels)
      return;
    MLIRContext *ctx = &getContext();
    // Copies are linalg.copy: spread over the invocations like every other
    // linalg op.
    if (failed(bufferizeKernelsInPlace(kernels)))
      return signalPassFailure();

    OpPassManager pm(ModuleOp::getOperationName());
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
    pm.addPass(createCanonicalizerPass());
    if (failed(runPipeline(pm, kernels)))
      return signalPassFailure();

    // Temporaries: an invocation's own are private, the others are shared
    // by the workgroup. They live as long as the kernel: never freed.
    auto privateSpace =
        gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Private);
    auto workgroupSpace =
        gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
    IRRewriter rewriter(ctx);
    for (func::FuncOp kernel : getKernels(kernels)) {
      SmallVector<memref::AllocOp> dynamicAllocs;
      kernel.walk([&](memref::AllocOp alloc) {
        if (!alloc.getType().hasStaticShape())
          dynamicAllocs.push_back(alloc);
      });
      for (memref::AllocOp alloc : dynamicAllocs)
        boundDynamicAlloc(rewriter, alloc);
    }
    for (func::FuncOp kernel : getKernels(kernels)) {
      bool serial = getKernelStrategy(kernel) == KernelStrategy::Serial;
      WalkResult walk = kernel.walk([&](Operation *op) {
        if (isa<memref::DeallocOp>(op)) {
          op->erase();
          return WalkResult::advance();
        }
        auto alloc = dyn_cast<memref::AllocOp>(op);
        if (!alloc)
          return WalkResult::advance();
        MemRefType type = alloc.getType();
        if (!type.hasStaticShape()) {
          alloc.emitError() << "kernel '" << kernel.getName()
                            << "' needs a temporary buffer of dynamic size "
                            << type << ", which GPU kernels cannot allocate";
          return WalkResult::interrupt();
        }
        Attribute space = serial || isInsideThreadForall(alloc)
                              ? Attribute(privateSpace)
                              : Attribute(workgroupSpace);
        // Staged operands already live in workgroup memory.
        if (type.getMemorySpace())
          return WalkResult::advance();
        if (failed(setMemorySpace(alloc.getResult(), space)))
          return WalkResult::interrupt();
        return WalkResult::advance();
      });
      if (walk.wasInterrupted())
        return signalPassFailure();
      int64_t shared = 0;
      kernel.walk([&](memref::AllocOp alloc) {
        MemRefType type = alloc.getType();
        if (type.getMemorySpace() == workgroupSpace)
          shared += type.getNumElements() *
                    storageBytesPerElement(type.getElementType());
      });
      if (shared > maxSharedMemory) {
        kernel.emitError() << "kernel '" << kernel.getName() << "' needs "
                           << shared
                           << " bytes of workgroup memory, more than the "
                           << static_cast<int64_t>(maxSharedMemory)
                           << " the target allows (max-shared-memory)";
        return signalPassFailure();
      }
    }
  }
};

} // namespace
