//===- CpuLowerToLLVM.cpp - the Loom steps of the CPU lowering to LLVM ----===//
//
// --loom-cpu-prepare-lowering (vector-level rewrites before the upstream
// conversions to the LLVM dialect) and --loom-cpu-kernel-abi (after them:
// the exported wrappers with the CPU kernel ABI). The whole lowering is
// buildLoomCpuLoweringPipeline (passes/pipelines).
//
#include "MathApproximations.h"
#include "loom/passes/KernelModule.h"
#include "loom/passes/Passes.h"

#include "loom/kernel_abi.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"


#include <numeric>
#include <string>

namespace loom {
#define GEN_PASS_DEF_LOOMCPUPREPARELOWERING
#define GEN_PASS_DEF_LOOMCPUKERNELABI
#include "passes/Passes.h.inc"
} // namespace loom

using namespace mlir;
using namespace loom;

namespace {

/// Where scf.for carries an llvm.loop annotation through scf-to-cf.
constexpr llvm::StringLiteral kLoopAnnotationAttrName = "llvm.loop_annotation";


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

/// The buffer a read starts from: subviews and reshapes stripped.
Value rootBuffer(Value memref) {
  while (Operation *def = memref.getDefiningOp()) {
    if (auto view = dyn_cast<memref::SubViewOp>(def))
      memref = view.getSource();
    else if (auto expand = dyn_cast<memref::ExpandShapeOp>(def))
      memref = expand.getSrc();
    else if (auto collapse = dyn_cast<memref::CollapseShapeOp>(def))
      memref = collapse.getSrc();
    else
      break;
  }
  return memref;
}

/// Fewest sibling loops reading one buffer that are kept rolled. With two
/// passes over a row (a softmax's max and exps, then its in-place divide)
/// LLVM's forwarding pays: such rows are faster unrolled.
constexpr size_t kMinPassesKeptRolled = 3;

/// Three or more sibling loops that read the same buffer (a layer norm's
/// passes over its row: the mean, the variance, then the normalization)
/// stay loops in LLVM: fully unrolled, LLVM forwards each load of the row
/// from the first pass to the later ones and so keeps the whole row in
/// registers, which spills it (a 1024-wide layer norm: 75 zmm spills and
/// 75 reloads per row; without them its row takes 10% less). The
/// annotation is carried by scf-to-cf onto the loop's back edge.
void keepRowPassesRolled(func::FuncOp kernel) {
  llvm::DenseMap<Block *, SmallVector<scf::ForOp>> loopsByBlock;
  kernel.walk([&](scf::ForOp loop) {
    loopsByBlock[loop->getBlock()].push_back(loop);
  });
  MLIRContext *ctx = kernel.getContext();
  auto rolled = LLVM::LoopAnnotationAttr::get(
      ctx, {}, {}, {},
      LLVM::LoopUnrollAttr::get(ctx, BoolAttr::get(ctx, true), {}, {}, {}, {},
                                {}, {}),
      {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {});
  for (auto &[block, loops] : loopsByBlock) {
    if (loops.size() < kMinPassesKeptRolled)
      continue;
    llvm::DenseMap<Value, SmallVector<scf::ForOp>> readers;
    for (scf::ForOp loop : loops) {
      llvm::SmallPtrSet<Value, 4> reads;
      loop.walk([&](Operation *op) {
        if (auto read = dyn_cast<vector::TransferReadOp>(op))
          reads.insert(rootBuffer(read.getBase()));
        else if (auto load = dyn_cast<vector::LoadOp>(op))
          reads.insert(rootBuffer(load.getBase()));
      });
      for (Value buffer : reads)
        readers[buffer].push_back(loop);
    }
    for (auto &[buffer, passes] : readers)
      if (passes.size() >= kMinPassesKeptRolled)
        for (scf::ForOp pass : passes)
          pass->setAttr(kLoopAnnotationAttrName, rolled);
  }
}

/// scf-to-cf leaves a loop's annotation on its back edge as a discardable
/// attribute; LLVM IR translation reads the branch's own.
void moveLoopAnnotationsOntoBranches(ModuleOp kernels) {
  kernels.walk([](LLVM::BrOp br) {
    if (auto annotation = dyn_cast_or_null<LLVM::LoopAnnotationAttr>(
            br->getDiscardableAttr(kLoopAnnotationAttrName))) {
      br.setLoopAnnotationAttr(annotation);
      br->removeDiscardableAttr(kLoopAnnotationAttrName);
    }
  });
}

/// The alignment every binding's base has (the runtime's guarantee) and the
/// one a streaming store needs.
constexpr int64_t kBindingAlignment = 64;

/// A number that `index` is known to be a multiple of (0: it is zero).
int64_t knownMultiple(OpFoldResult ofr) {
  if (std::optional<int64_t> c = getConstantIntValue(ofr))
    return std::abs(*c);
  Value index = cast<Value>(ofr);
  if (auto arg = dyn_cast<BlockArgument>(index)) {
    if (auto loop = dyn_cast<scf::ForOp>(arg.getOwner()->getParentOp()))
      if (arg == loop.getInductionVar())
        return std::gcd(knownMultiple(loop.getLowerBound()),
                        knownMultiple(loop.getStep()));
    return 1;
  }
  Operation *def = index.getDefiningOp();
  if (auto mul = dyn_cast<arith::MulIOp>(def))
    return knownMultiple(mul.getLhs()) * knownMultiple(mul.getRhs());
  if (auto add = dyn_cast<arith::AddIOp>(def))
    return std::gcd(knownMultiple(add.getLhs()), knownMultiple(add.getRhs()));
  if (auto cast = dyn_cast<arith::IndexCastOp>(def))
    return knownMultiple(cast.getIn());
  if (auto apply = dyn_cast<affine::AffineApplyOp>(def)) {
    AffineMap map = apply.getAffineMap();
    std::function<int64_t(AffineExpr)> of = [&](AffineExpr e) -> int64_t {
      if (auto c = dyn_cast<AffineConstantExpr>(e))
        return std::abs(c.getValue());
      if (auto d = dyn_cast<AffineDimExpr>(e))
        return knownMultiple(apply.getDimOperands()[d.getPosition()]);
      if (auto s = dyn_cast<AffineSymbolExpr>(e))
        return knownMultiple(apply.getSymbolOperands()[s.getPosition()]);
      auto bin = cast<AffineBinaryOpExpr>(e);
      if (e.getKind() == AffineExprKind::Add)
        return std::gcd(of(bin.getLHS()), of(bin.getRHS()));
      if (e.getKind() == AffineExprKind::Mul)
        return of(bin.getLHS()) * of(bin.getRHS());
      return 1;
    };
    return map.getNumResults() == 1 ? of(map.getResult(0)) : 1;
  }
  return 1;
}

/// The binding a view of memory comes from, and a number its element offset
/// into the binding is known to be a multiple of; null when the view is not
/// a unit-stride chain of subviews of a kernel argument.
std::pair<BlockArgument, int64_t> offsetIntoBinding(Value view,
                                                     ValueRange indices) {
  auto stridesOf = [](Value v) -> std::optional<SmallVector<int64_t>> {
    SmallVector<int64_t> strides;
    int64_t offset;
    if (failed(cast<MemRefType>(v.getType()).getStridesAndOffset(strides,
                                                                 offset)) ||
        llvm::any_of(strides, ShapedType::isDynamic))
      return std::nullopt;
    return strides;
  };
  std::optional<SmallVector<int64_t>> strides = stridesOf(view);
  if (!strides)
    return {};
  int64_t multiple = 0;
  for (auto [index, stride] : llvm::zip(indices, *strides))
    multiple = std::gcd(multiple, knownMultiple(index) * stride);
  while (auto subview = view.getDefiningOp<memref::SubViewOp>()) {
    if (!llvm::all_of(subview.getStaticStrides(),
                      [](int64_t s) { return s == 1; }))
      return {};
    std::optional<SmallVector<int64_t>> sourceStrides =
        stridesOf(subview.getSource());
    if (!sourceStrides)
      return {};
    for (auto [offset, stride] :
         llvm::zip(subview.getMixedOffsets(), *sourceStrides))
      multiple = std::gcd(multiple, knownMultiple(offset) * stride);
    view = subview.getSource();
  }
  auto binding = dyn_cast<BlockArgument>(view);
  if (!binding || !cast<MemRefType>(view.getType()).getLayout().isIdentity())
    return {};
  return {binding, multiple};
}

/// A transfer_write that can become one aligned, contiguous vector.store:
/// in bounds, unmasked, minor identity, leading vector dimensions of one, a
/// unit-stride innermost dimension, whole cache lines at aligned offsets.
bool isStreamableWrite(vector::TransferWriteOp write, BlockArgument binding) {
  VectorType type = write.getVectorType();
  auto memref = dyn_cast<MemRefType>(write.getBase().getType());
  if (!memref || write.getMask() || write.hasOutOfBoundsDim() ||
      !write.getPermutationMap().isMinorIdentity() || type.isScalable() ||
      !type.getElementType().isIntOrFloat())
    return false;
  ArrayRef<int64_t> shape = type.getShape();
  if (llvm::any_of(shape.drop_back(), [](int64_t d) { return d != 1; }))
    return false;
  int64_t elementBytes = type.getElementTypeBitWidth() / 8;
  if (elementBytes == 0 || shape.back() * elementBytes % kBindingAlignment)
    return false;
  auto [base, multiple] = offsetIntoBinding(write.getBase(), write.getIndices());
  return base == binding && memref.isLastDimUnitStride() &&
         multiple * elementBytes % kBindingAlignment == 0;
}

/// Kernels write large output bindings with aligned non-temporal stores
/// (bypassing the caches, no read of the lines first). x86 orders streaming
/// stores only by a fence; the kernel does not fence them itself: the
/// runtime issues one sfence per range of workgroups a thread runs (kernel
/// ABI version 2, include/loom/kernel_abi.h): a fence per workgroup would
/// stall kernels of one row per workgroup (norms) at every row. Only
/// bindings the kernel writes through streamable transfer_writes alone
/// qualify.
void streamLargeOutputs(func::FuncOp kernel, int64_t thresholdBytes) {
  if (thresholdBytes <= 0)
    return;
  SmallVector<vector::TransferWriteOp> streamed;
  for (BlockArgument binding : kernel.getArguments()) {
    auto type = dyn_cast<MemRefType>(binding.getType());
    if (!type || !type.hasStaticShape() || !type.getElementType().isIntOrFloat() ||
        type.getNumElements() * type.getElementTypeBitWidth() / 8 <
            thresholdBytes)
      continue;
    SmallVector<vector::TransferWriteOp> writes;
    SmallVector<Value> views = {binding};
    bool streamable = true;
    while (!views.empty() && streamable) {
      Value view = views.pop_back_val();
      for (OpOperand &use : view.getUses()) {
        Operation *user = use.getOwner();
        if (auto subview = dyn_cast<memref::SubViewOp>(user)) {
          views.push_back(subview.getResult());
        } else if (auto write = dyn_cast<vector::TransferWriteOp>(user);
                   write && use.get() == write.getBase() &&
                   isStreamableWrite(write, binding)) {
          writes.push_back(write);
        } else {
          streamable = false;
          break;
        }
      }
    }
    if (streamable)
      llvm::append_range(streamed, writes);
  }
  if (streamed.empty())
    return;
  IRRewriter rewriter(kernel.getContext());
  for (vector::TransferWriteOp write : streamed) {
    rewriter.setInsertionPoint(write);
    VectorType type = write.getVectorType();
    Value value = write.getVector();
    if (type.getRank() > 1)
      value = vector::ShapeCastOp::create(
          rewriter, write.getLoc(),
          VectorType::get({type.getShape().back()}, type.getElementType()),
          value);
    rewriter.replaceOpWithNewOp<vector::StoreOp>(
        write, value, write.getBase(), write.getIndices(),
        /*nontemporal=*/true, llvm::MaybeAlign(kBindingAlignment));
  }
}

/// Renames kernel `name` (bare-pointer signature: one pointer per binding,
/// one i64 per push constant, then three i64 workgroup ids) to an internal `name_impl` and defines the
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
  Value bindings = entry->getArgument(0), pushConstants = entry->getArgument(1),
        wgId = entry->getArgument(2);

  // The implementation takes the bindings (pointers), the push constants
  // (sizes, i64), then the workgroup id.
  unsigned numArgs = impl.getNumArguments();
  SmallVector<Value> args;
  unsigned binding = 0, pushConstant = 0;
  for (unsigned i = 0; i + 3 < numArgs; ++i) {
    if (isa<LLVM::LLVMPointerType>(impl.getArgumentTypes()[i])) {
      Value slot = LLVM::GEPOp::create(
          b, loc, ptr, ptr, bindings, ArrayRef<LLVM::GEPArg>{(int32_t)binding++});
      args.push_back(LLVM::LoadOp::create(b, loc, ptr, slot));
      continue;
    }
    Value slot = LLVM::GEPOp::create(
        b, loc, ptr, i32, pushConstants,
        ArrayRef<LLVM::GEPArg>{(int32_t)pushConstant++});
    Value value = LLVM::LoadOp::create(b, loc, i32, slot);
    args.push_back(LLVM::ZExtOp::create(b, loc, i64, value));
  }
  for (int32_t d = 0; d < 3; ++d) {
    Value slot = LLVM::GEPOp::create(b, loc, ptr, i32, wgId,
                                     ArrayRef<LLVM::GEPArg>{d});
    Value id = LLVM::LoadOp::create(b, loc, i32, slot);
    args.push_back(LLVM::ZExtOp::create(b, loc, i64, id));
  }
  LLVM::CallOp::create(b, loc, impl, args);
  LLVM::ReturnOp::create(b, loc, ValueRange{});
  // The exported function is the kernel now.
  wrapper->setAttr(kKernelAttrName, impl->getAttr(kKernelAttrName));
  impl->removeAttr(kKernelAttrName);
  if (Attribute grid = impl->getAttr(kWorkgroupCountMapAttrName)) {
    wrapper->setAttr(kWorkgroupCountMapAttrName, grid);
    impl->removeAttr(kWorkgroupCountMapAttrName);
  }
  return success();
}

struct LoomCpuPrepareLoweringPass
    : public loom::impl::LoomCpuPrepareLoweringBase<
          LoomCpuPrepareLoweringPass> {
  using LoomCpuPrepareLoweringBase::LoomCpuPrepareLoweringBase;

  void runOnOperation() override {
    ModuleOp kernels = getKernelModule(getOperation());
    if (!kernels)
      return;
    // Fast, vectorizable approximations of transcendental functions.
    RewritePatternSet patterns(&getContext());
    populateFastExpPatterns(patterns);
    populateMathPolynomialApproximationPatterns(patterns);
    vector::populateVectorGatherLoweringPatterns(patterns);
    if (failed(applyPatternsGreedily(kernels, std::move(patterns))))
      return signalPassFailure();
    if (failed(lowerRowReductions(kernels)))
      return signalPassFailure();
    allowReciprocalDivisions(kernels);
    for (func::FuncOp kernel : getKernels(kernels)) {
      streamLargeOutputs(kernel, streamingOutputBytes);
      keepRowPassesRolled(kernel);
    }
  }
};

struct LoomCpuKernelAbiPass
    : public loom::impl::LoomCpuKernelAbiBase<LoomCpuKernelAbiPass> {
  using LoomCpuKernelAbiBase::LoomCpuKernelAbiBase;

  void runOnOperation() override {
    ModuleOp kernels = getKernelModule(getOperation());
    if (!kernels)
      return;
    moveLoopAnnotationsOntoBranches(kernels);
    SmallVector<std::string> names;
    kernels.walk([&](LLVM::LLVMFuncOp fn) {
      if (fn->hasAttr(kKernelAttrName))
        names.push_back(fn.getName().str());
    });
    for (const std::string &name : names)
      if (failed(wrapKernel(kernels, name)))
        return signalPassFailure();

    OpBuilder b = OpBuilder::atBlockEnd(kernels.getBody());
    auto i32 = IntegerType::get(&getContext(), 32);
    LLVM::GlobalOp::create(b, kernels.getLoc(), i32, /*isConstant=*/true,
                           LLVM::Linkage::External,
                           LOOM_KERNEL_ABI_VERSION_SYMBOL,
                           b.getI32IntegerAttr(LOOM_KERNEL_ABI_VERSION));
  }
};

} // namespace
