//===- CpuLowerToLLVM.cpp - kernel module -> LLVM dialect + CPU ABI -------===//
#include "loom/passes/KernelModule.h"
#include "loom/passes/Passes.h"

#include "loom/kernel_abi.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <mutex>

namespace loom {
#define GEN_PASS_DEF_LOOMCPULOWERTOLLVM
#include "passes/Passes.h.inc"
} // namespace loom

using namespace mlir;
using namespace loom;

namespace {

constexpr const char *kLoweringPipeline =
    "func.func(convert-linalg-to-loops),"
    "func.func(lower-vector-mask),"
    "func.func(lower-vector-multi-reduction),"
    "convert-vector-to-scf{full-unroll=true},"
    "expand-strided-metadata,"
    "lower-affine,"
    "convert-scf-to-cf,"
    "arith-expand,"
    "convert-vector-to-llvm{vector-contract-lowering=outerproduct "
    "reassociate-fp-reductions=true},"
    "convert-math-to-llvm,"
    "convert-math-to-libm,"
    "finalize-memref-to-llvm,"
    "convert-arith-to-llvm,"
    "convert-index-to-llvm,"
    "convert-func-to-llvm{use-bare-ptr-memref-call-conv=1},"
    "convert-cf-to-llvm,"
    "convert-ub-to-llvm,"
    "reconcile-unrealized-casts";

/// Row reductions (the reduced dimensions are the innermost ones, as in a
/// row sum or max) become vector.reduction ops, which LLVM lowers to a
/// log-depth shuffle tree (the pipeline allows reassociation). The
/// pipeline's lowering of the other reductions (inner-parallel, right for
/// column reductions) would add a row's lanes one at a time, a chain as
/// long as the row.
LogicalResult lowerRowReductions(ModuleOp kernels) {
  constexpr int64_t kMinRowLanes = 8;
  SmallVector<Operation *> rows;
  kernels.walk([&](vector::MultiDimReductionOp op) {
    SmallVector<bool> mask = op.getReductionMask();
    VectorType source = op.getSourceVectorType();
    if (source.isScalable() || source.getShape().back() < kMinRowLanes)
      return;
    // Reduced dimensions form a suffix: no transpose is needed.
    auto firstReduced = llvm::find(mask, true);
    if (firstReduced != mask.end() &&
        std::all_of(firstReduced, mask.end(), [](bool r) { return r; }))
      rows.push_back(op);
  });
  if (rows.empty())
    return success();
  RewritePatternSet patterns(kernels.getContext());
  vector::populateVectorMultiReductionLoweringPatterns(
      patterns, vector::VectorMultiReductionLowering::InnerReduction);
  GreedyRewriteConfig config;
  config.setStrictness(GreedyRewriteStrictness::ExistingAndNewOps);
  return applyOpPatternsGreedily(rows, std::move(patterns), config);
}

/// Float divisions may become multiplications by the reciprocal (LLVM's
/// `arcp`): a division by a loop-invariant value (layer norm's standard
/// deviation, softmax's sum) is then one reciprocal per row and a multiply
/// per element instead of a division per element. The result may differ
/// from the division by one more rounding (about 1 ulp).
void allowReciprocalDivisions(ModuleOp kernels) {
  kernels.walk([](arith::DivFOp op) {
    op.setFastmath(op.getFastmath() | arith::FastMathFlags::arcp);
  });
}

/// Renames kernel `name` (bare-pointer signature: one pointer per binding,
/// then three i64 workgroup ids) to an internal `name_impl` and defines the
/// exported `name` with the Loom CPU kernel ABI.
LogicalResult wrapKernel(ModuleOp kernels, StringRef name) {
  auto impl = kernels.lookupSymbol<LLVM::LLVMFuncOp>(name);
  if (!impl)
    return kernels.emitError() << "kernel " << name << " was not lowered";
  MLIRContext *ctx = kernels.getContext();
  std::string implName = (name + "_impl").str();
  impl.setSymName(implName);
  impl.setLinkage(LLVM::Linkage::Internal);

  auto ptr = LLVM::LLVMPointerType::get(ctx);
  auto i32 = IntegerType::get(ctx, 32), i64 = IntegerType::get(ctx, 64);
  auto fnType = LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx),
                                            {ptr, ptr, ptr, ptr});
  OpBuilder b(impl);
  b.setInsertionPointAfter(impl);
  Location loc = impl.getLoc();
  auto wrapper = LLVM::LLVMFuncOp::create(b, loc, name, fnType);
  Block *entry = wrapper.addEntryBlock(b);
  b.setInsertionPointToStart(entry);
  Value bindings = entry->getArgument(0), wgId = entry->getArgument(2);

  unsigned numArgs = impl.getNumArguments();
  SmallVector<Value> args;
  for (unsigned i = 0; i + 3 < numArgs; ++i) {
    Value slot = LLVM::GEPOp::create(b, loc, ptr, ptr, bindings,
                                     ArrayRef<LLVM::GEPArg>{(int32_t)i});
    args.push_back(LLVM::LoadOp::create(b, loc, ptr, slot));
  }
  for (int32_t d = 0; d < 3; ++d) {
    Value slot = LLVM::GEPOp::create(b, loc, ptr, i32, wgId,
                                     ArrayRef<LLVM::GEPArg>{d});
    Value id = LLVM::LoadOp::create(b, loc, i32, slot);
    args.push_back(LLVM::ZExtOp::create(b, loc, i64, id));
  }
  LLVM::CallOp::create(b, loc, impl, args);
  LLVM::ReturnOp::create(b, loc, ValueRange{});
  return success();
}

struct LoomCpuLowerToLLVMPass
    : public loom::impl::LoomCpuLowerToLLVMBase<LoomCpuLowerToLLVMPass> {
  void runOnOperation() override {
    ModuleOp kernels = getKernelModule(getOperation());
    if (!kernels)
      return;
    MLIRContext *ctx = &getContext();
    SmallVector<std::string> names;
    for (func::FuncOp k : getKernels(kernels))
      names.push_back(k.getName().str());

    // Fast, vectorizable approximations of transcendental functions.
    RewritePatternSet patterns(ctx);
    populateMathPolynomialApproximationPatterns(patterns);
    vector::populateVectorGatherLoweringPatterns(patterns);
    if (failed(applyPatternsGreedily(kernels, std::move(patterns))))
      return signalPassFailure();
    if (failed(lowerRowReductions(kernels)))
      return signalPassFailure();
    allowReciprocalDivisions(kernels);

    // The pipeline names upstream passes; make sure they are registered.
    static std::once_flag registerOnce;
    std::call_once(registerOnce, [] { registerAllPasses(); });
    OpPassManager pm(ModuleOp::getOperationName());
    if (failed(parsePassPipeline(kLoweringPipeline, pm)) ||
        failed(runPipeline(pm, kernels)))
      return signalPassFailure();

    for (const std::string &name : names)
      if (failed(wrapKernel(kernels, name)))
        return signalPassFailure();

    OpBuilder b = OpBuilder::atBlockEnd(kernels.getBody());
    auto i32 = IntegerType::get(ctx, 32);
    LLVM::GlobalOp::create(b, kernels.getLoc(), i32, /*isConstant=*/true,
                           LLVM::Linkage::External,
                           LOOM_KERNEL_ABI_VERSION_SYMBOL,
                           b.getI32IntegerAttr(LOOM_KERNEL_ABI_VERSION));
  }
};

} // namespace
