//===- GpuBufferize.cpp - bufferize GPU kernels into their bindings -------===//
#include "GpuUtils.h"

#include "loom/dialect/ConstantData.h"
#include "loom/passes/KernelModule.h"
#include "loom/passes/Passes.h"

#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/Dialect/Bufferization/Transforms/OneShotAnalysis.h"
#include "mlir/Dialect/Bufferization/Transforms/Transforms.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
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
