//===- GpuToNvvm.cpp - the Loom steps of the CUDA (NVVM) lowering ---------===//
//
// --loom-gpu-prepare-nvvm before the upstream conversion to NVVM,
// --loom-nvvm-native-intrinsics after it; the whole lowering is
// buildLoomCudaLoweringPipeline (passes/pipelines).
//
#include "GpuUtils.h"

#include "loom/passes/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace loom {
#define GEN_PASS_DEF_LOOMGPUPREPARENVVM
#define GEN_PASS_DEF_LOOMNVVMNATIVEINTRINSICS
#include "passes/Passes.h.inc"
} // namespace loom

using namespace mlir;
using namespace loom;

namespace {

bool inWorkgroupMemory(MemRefType type) {
  auto space = dyn_cast_or_null<gpu::AddressSpaceAttr>(type.getMemorySpace());
  return space && space.getValue() == gpu::AddressSpace::Workgroup;
}

/// Shared memory on NVVM is a kernel's workgroup attributions.
void useWorkgroupAttributions(gpu::GPUModuleOp module) {
  IRRewriter rewriter(module.getContext());
  for (auto fn : module.getOps<gpu::GPUFuncOp>()) {
    SmallVector<memref::AllocOp> allocs;
    fn.walk([&](memref::AllocOp alloc) {
      if (inWorkgroupMemory(alloc.getType()))
        allocs.push_back(alloc);
    });
    for (memref::AllocOp alloc : allocs) {
      BlockArgument arg =
          fn.addWorkgroupAttribution(alloc.getType(), alloc.getLoc());
      rewriter.replaceOp(alloc, arg);
    }
  }
}

/// convert-gpu-to-nvvm sends the math ops it keeps (floor, sqrt, fabs...)
/// to libdevice functions; the NVPTX backend has instructions for them.
/// Returns failure (with an error) for a libdevice function with none.
LogicalResult useNativeIntrinsics(ModuleOp top) {
  IRRewriter rewriter(top.getContext());
  SmallVector<LLVM::CallOp> calls;
  top.walk([&](LLVM::CallOp call) {
    std::optional<StringRef> callee = call.getCallee();
    if (callee && callee->starts_with("__nv_"))
      calls.push_back(call);
  });
  for (LLVM::CallOp call : calls) {
    StringRef name = call.getCallee()->drop_front(5);
    Type type = call.getResult().getType();
    if (type.isF32())
      name.consume_back("f");
    rewriter.setInsertionPoint(call);
    Location loc = call.getLoc();
    ValueRange args = call.getArgOperands();
    Value native;
    if (name == "floor")
      native = LLVM::FFloorOp::create(rewriter, loc, type, args[0]);
    else if (name == "ceil")
      native = LLVM::FCeilOp::create(rewriter, loc, type, args[0]);
    else if (name == "fabs")
      native = LLVM::FAbsOp::create(rewriter, loc, type, args[0]);
    else if (name == "sqrt")
      native = LLVM::SqrtOp::create(rewriter, loc, type, args[0]);
    else if (name == "trunc")
      native = LLVM::FTruncOp::create(rewriter, loc, type, args[0]);
    else if (name == "round")
      native = LLVM::RoundOp::create(rewriter, loc, type, args[0]);
    else if (name == "rint")
      native = LLVM::RoundEvenOp::create(rewriter, loc, type, args[0]);
    else if (name == "copysign")
      native = LLVM::CopySignOp::create(rewriter, loc, type, args[0], args[1]);
    else if (name == "fmin")
      native = LLVM::MinNumOp::create(rewriter, loc, type, args[0], args[1]);
    else if (name == "fmax")
      native = LLVM::MaxNumOp::create(rewriter, loc, type, args[0], args[1]);
    else if (name == "fma")
      native =
          LLVM::FMAOp::create(rewriter, loc, type, args[0], args[1], args[2]);
    if (!native)
      return call.emitError() << "the CUDA target has no lowering for '"
                              << *call.getCallee()
                              << "' without libdevice";
    rewriter.replaceOp(call, native);
  }
  // The declarations of the libdevice functions are unused now.
  SmallVector<LLVM::LLVMFuncOp> unused;
  top.walk([&](LLVM::LLVMFuncOp fn) {
    if (fn.getName().starts_with("__nv_") && fn.isExternal())
      unused.push_back(fn);
  });
  for (LLVM::LLVMFuncOp fn : unused)
    rewriter.eraseOp(fn);
  return success();
}

struct LoomGpuPrepareNvvmPass
    : public loom::impl::LoomGpuPrepareNvvmBase<LoomGpuPrepareNvvmPass> {
  void runOnOperation() override {
    ModuleOp top = getOperation();
    SmallVector<gpu::GPUModuleOp> modules(top.getOps<gpu::GPUModuleOp>());
    if (modules.empty())
      return;
    // Transcendental functions as polynomials: no libdevice needed.
    RewritePatternSet math(&getContext());
    math::populateExpansionPatterns(math);
    populateMathPolynomialApproximationPatterns(math);
    if (failed(applyPatternsGreedily(top, std::move(math))))
      return signalPassFailure();
    for (gpu::GPUModuleOp module : modules)
      useWorkgroupAttributions(module);
  }
};

struct LoomNvvmNativeIntrinsicsPass
    : public loom::impl::LoomNvvmNativeIntrinsicsBase<
          LoomNvvmNativeIntrinsicsPass> {
  void runOnOperation() override {
    if (failed(useNativeIntrinsics(getOperation())))
      return signalPassFailure();
  }
};

} // namespace
