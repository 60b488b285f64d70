//===- CpuVectorize.cpp - tile for caches/registers and vectorize ---------===//
#include "CpuStrategy.h"

#include "loom/passes/KernelModule.h"
#include "loom/passes/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/IR/AffineExpr.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"
#include "llvm/ADT/SetVector.h"

namespace loom {
#define GEN_PASS_DEF_LOOMCPUVECTORIZE
#include "passes/Passes.h.inc"
} // namespace loom

using namespace mlir;
using namespace loom;

namespace {

/// Tiles `op` with `sizes` (scf.for); returns the tiled ops (or `op` itself
/// when nothing is tiled). With `peel`, the last iteration of a loop whose
/// tile does not divide its range is peeled off: the main loop's tiles
/// are then full (static sizes, vectorized without masks) and the peeled
/// iteration's the remainder (static too), and the ops of both are
/// returned.
FailureOr<SmallVector<Operation *>> tile(RewriterBase &rewriter, Operation *op,
                                         ArrayRef<int64_t> sizes,
                                         ArrayRef<int64_t> interchange = {},
                                         bool peel = false) {
  if (llvm::all_of(sizes, [](int64_t s) { return s == 0; }))
    return SmallVector<Operation *>{op};
  MLIRContext *ctx = op->getContext(); // (`op` is replaced below)
  rewriter.setInsertionPoint(op);
  scf::SCFTilingOptions options;
  options.setTileSizes(getAsIndexOpFoldResult(ctx, sizes));
  if (!interchange.empty())
    options.setInterchange(interchange);
  FailureOr<scf::SCFTilingResult> result =
      scf::tileUsingSCF(rewriter, cast<TilingInterface>(op), options);
  if (failed(result))
    return failure();
  rewriter.replaceOp(op, result->replacements);
  if (!peel)
    return SmallVector<Operation *>(result->tiledOps);
  SmallVector<scf::ForOp> loops;
  for (LoopLikeOpInterface loop : result->loops)
    if (auto forOp = dyn_cast<scf::ForOp>(loop.getOperation()))
      loops.push_back(forOp);
  if (loops.empty())
    return SmallVector<Operation *>(result->tiledOps);
  // Inner loops first: the outer loop's peeled iteration then holds the
  // inner loops already split into full tiles and a remainder.
  SmallVector<Operation *> roots = {loops.front()};
  for (scf::ForOp loop : llvm::reverse(loops)) {
    std::optional<int64_t> lb = getConstantIntValue(loop.getLowerBound()),
                           ub = getConstantIntValue(loop.getUpperBound()),
                           step = getConstantIntValue(loop.getStep());
    // A loop of a size known only at run time is peeled too: its full
    // tiles are static, the remainder (if any) is masked.
    bool dynamicRange = step && !ub;
    if (!dynamicRange && (!lb || !ub || !step || (*ub - *lb) % *step == 0 ||
                          *ub - *lb < *step))
      continue;
    scf::ForOp partial;
    if (succeeded(scf::peelForLoopAndSimplifyBounds(rewriter, loop, partial)) &&
        partial && partial->getBlock() == roots.front()->getBlock())
      roots.push_back(partial);
  }
  // Fold the peeled bounds into the tiles (affine.min -> constants, then
  // static slice and op types), so that each tile vectorizes at its own
  // static size without masks. A peeled iteration runs once: its induction
  // variable is its lower bound.
  for (Operation *root : roots)
    root->walk([&](scf::ForOp loop) {
      std::optional<int64_t> lb = getConstantIntValue(loop.getLowerBound()),
                             ub = getConstantIntValue(loop.getUpperBound()),
                             step = getConstantIntValue(loop.getStep());
      if (lb && ub && step && *ub > *lb && *ub - *lb <= *step)
        rewriter.replaceAllUsesWith(loop.getInductionVar(),
                                    loop.getLowerBound());
    });
  RewritePatternSet patterns(ctx);
  for (Dialect *dialect : ctx->getLoadedDialects())
    dialect->getCanonicalizationPatterns(patterns);
  for (RegisteredOperationName name : ctx->getRegisteredOperations())
    name.getCanonicalizationPatterns(patterns, ctx);
  FrozenRewritePatternSet frozen(std::move(patterns));
  // (The caller's listener hears of the ops the patterns erase.)
  GreedyRewriteConfig config;
  config.setListener(
      dyn_cast_if_present<RewriterBase::Listener>(rewriter.getListener()));
  for (Operation *root : roots)
    (void)applyPatternsGreedily(root->getRegion(0), frozen, config);
  SmallVector<Operation *> ops;
  for (Operation *root : roots)
    root->walk([&](linalg::LinalgOp tiled) { ops.push_back(tiled); });
  return ops;
}

/// In a register tile where every loop but the innermost runs once, an
/// input read through a strided map (im2col's `ow * s + kw`) reads a
/// strided 1-D window: it becomes a rank-reduced strided slice read
/// through `(d...) -> (d_last)`, which the vectorizer handles. Inputs it
/// cannot rewrite are left alone (the op then stays scalar).
void sliceStridedInputs(RewriterBase &rewriter, linalg::GenericOp op) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (ranges.empty())
    return;
  unsigned last = ranges.size() - 1;
  if (ShapedType::isDynamic(ranges[last]) ||
      llvm::any_of(ArrayRef<int64_t>(ranges).drop_back(),
                   [](int64_t r) { return r != 1; }))
    return;
  MLIRContext *ctx = op.getContext();
  auto evaluate = [&](AffineExpr e, int64_t innermost) -> std::optional<int64_t> {
    SmallVector<AffineExpr> values(ranges.size(),
                                   getAffineConstantExpr(0, ctx));
    values[last] = getAffineConstantExpr(innermost, ctx);
    auto c = dyn_cast<AffineConstantExpr>(
        simplifyAffineExpr(e.replaceDims(values), ranges.size(), 0));
    if (!c)
      return std::nullopt;
    return c.getValue();
  };
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  struct Slice {
    OpOperand *input;
    SmallVector<OpFoldResult> offsets, sizes, strides;
  };
  SmallVector<Slice> slices;
  for (OpOperand *input : op.getDpsInputOperands()) {
    AffineMap map = maps[input->getOperandNumber()];
    auto type = dyn_cast<RankedTensorType>(input->get().getType());
    if (map.isProjectedPermutation() || !type || map.getNumSymbols())
      continue;
    Slice slice{input, {}, {}, {}};
    int window = -1;
    bool ok = true;
    for (auto [r, e] : llvm::enumerate(map.getResults())) {
      std::optional<int64_t> at0 = evaluate(e, 0), at1 = evaluate(e, 1),
                             at2 = evaluate(e, 2);
      if (!at0 || !at1 || !at2) {
        ok = false;
        break;
      }
      int64_t step = *at1 - *at0;
      if (*at2 - *at1 != step || step < 0 || (step > 0 && window >= 0)) {
        ok = false;
        break;
      }
      if (step > 0)
        window = r;
      slice.offsets.push_back(rewriter.getIndexAttr(*at0));
      slice.sizes.push_back(rewriter.getIndexAttr(step > 0 ? ranges[last] : 1));
      slice.strides.push_back(rewriter.getIndexAttr(step > 0 ? step : 1));
    }
    if (!ok || window < 0)
      continue;
    maps[input->getOperandNumber()] =
        AffineMap::get(ranges.size(), 0, getAffineDimExpr(last, ctx));
    slices.push_back(std::move(slice));
  }
  // Every loop must still be read or written through some map (a unit loop
  // that only the sliced input indexed, as in a diagonal `fbf->`, would be
  // left without a range); else the op is left as it is.
  if (slices.empty() || !inversePermutation(concatAffineMaps(maps, ctx)))
    return;
  rewriter.setInsertionPoint(op);
  for (Slice &slice : slices) {
    auto sliceType = RankedTensorType::get(
        {ranges[last]},
        cast<RankedTensorType>(slice.input->get().getType()).getElementType());
    Value value = tensor::ExtractSliceOp::create(
        rewriter, op.getLoc(), sliceType, slice.input->get(), slice.offsets,
        slice.sizes, slice.strides);
    rewriter.modifyOpInPlace(op, [&] { slice.input->set(value); });
  }
  rewriter.modifyOpInPlace(op, [&] {
    op.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps));
  });
}

/// Vectorizes one register tile. Tiles of a loop that does not divide
/// evenly have dynamic sizes: they are vectorized with masks at the full
/// tile size.
LogicalResult vectorizeTile(RewriterBase &rewriter, Operation *op,
                            ArrayRef<int64_t> tileSizes,
                            ArrayRef<int64_t> originalBounds) {
  auto linalgOp = cast<linalg::LinalgOp>(op);
  SmallVector<int64_t> vectorSizes;
  if (llvm::any_of(linalgOp.getStaticLoopRanges(), ShapedType::isDynamic)) {
    for (auto [tileSize, bound] : llvm::zip(tileSizes, originalBounds))
      vectorSizes.push_back(tileSize ? tileSize : bound);
  }
  if (auto generic = dyn_cast<linalg::GenericOp>(op))
    sliceStridedInputs(rewriter, generic);
  rewriter.setInsertionPoint(op);
  // (One "not scalable" flag per vector size: with none given, the
  // vectorizer reads flags past the end for masked tiles.)
  SmallVector<bool> scalable(vectorSizes.size(), false);
  FailureOr<linalg::VectorizationResult> result = linalg::vectorize(
      rewriter, op, vectorSizes, scalable,
      /*vectorizeNDExtract=*/true, /*flatten1DDepthwiseConv=*/false,
      /*assumeDynamicDimsMatchVecSizes=*/false,
      /*createNamedContraction=*/true);
  if (failed(result))
    return failure();
  rewriter.replaceOp(op, result->replacements);
  return success();
}

/// A contraction written as a linalg.generic (a matrix applied to every
/// slice of a tensor: the tensor-network lowering's broadcast matmuls) as
/// the equivalent `linalg.contract`, so that its register tiles vectorize
/// straight to `vector.contract`s with its indexing maps (outer products),
/// like a named matmul, instead of a broadcast product and a reduction.
/// Only same-type multiply-adds; returns `op` unchanged otherwise.
Operation *asNamedContraction(RewriterBase &rewriter, Operation *op) {
  auto generic = dyn_cast<linalg::GenericOp>(op);
  if (!generic || generic.getNumDpsInputs() != 2 ||
      generic.getNumDpsInits() != 1 || !generic.hasPureTensorSemantics() ||
      !linalg::isaContractionOpInterface(generic))
    return op;
  Type element = getElementTypeOrSelf(generic.getDpsInits()[0].getType());
  if (!isa<FloatType>(element) ||
      llvm::any_of(generic.getDpsInputs(), [&](Value v) {
        return getElementTypeOrSelf(v.getType()) != element;
      }))
    return op;
  Block &body = generic.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto add = yield.getValues()[0].getDefiningOp<arith::AddFOp>();
  if (body.getOperations().size() != 3 || !add)
    return op;
  rewriter.setInsertionPoint(generic);
  auto contract = linalg::ContractOp::create(
      rewriter, generic.getLoc(), generic->getResultTypes(),
      generic.getDpsInputs(), generic.getDpsInits(),
      generic.getIndexingMaps());
  rewriter.replaceOp(generic, contract->getResults());
  return contract;
}

LogicalResult vectorizeOp(RewriterBase &rewriter, Operation *op,
                          const VectorPlan &plan) {
  if (plan.isContraction)
    op = asNamedContraction(rewriter, op);
  SmallVector<int64_t> bounds = loopUpperBounds(cast<linalg::LinalgOp>(op));
  SmallVector<Operation *> cacheTiles{op};
  if (!plan.cacheTiles.empty()) {
    FailureOr<SmallVector<Operation *>> tiled =
        tile(rewriter, op, plan.cacheTiles, plan.cacheInterchange);
    if (failed(tiled))
      return failure();
    cacheTiles = *tiled;
  }
  // A contraction's rows of a size known only at run time: full register
  // blocks of rows, and the rows left over (fewer than a block) one at a
  // time with a wider tile along N, like a static matrix-vector product.
  if (!plan.remainderRegisterTiles.empty()) {
    SmallVector<Operation *> split;
    for (Operation *cacheTile : cacheTiles) {
      SmallVector<int64_t> rowBlocks(bounds.size(), 0);
      rowBlocks[plan.rowLoop] = plan.registerTiles[plan.rowLoop];
      FailureOr<SmallVector<Operation *>> pieces =
          tile(rewriter, cacheTile, rowBlocks, {}, /*peel=*/true);
      if (failed(pieces))
        return failure();
      llvm::append_range(split, *pieces);
    }
    cacheTiles = split;
  }
  for (Operation *cacheTile : cacheTiles) {
    SmallVector<int64_t> tileBounds = bounds;
    for (auto [b, t] : llvm::zip(tileBounds, plan.cacheTiles))
      if (t)
        b = t;
    ArrayRef<int64_t> registerSizes = plan.registerTiles;
    if (!plan.remainderRegisterTiles.empty()) {
      SmallVector<int64_t> ranges =
          cast<linalg::LinalgOp>(cacheTile).getStaticLoopRanges();
      if (ShapedType::isDynamic(ranges[plan.rowLoop]))
        registerSizes = plan.remainderRegisterTiles;
    }
    FailureOr<SmallVector<Operation *>> registerTiles =
        tile(rewriter, cacheTile, registerSizes, plan.registerInterchange,
             /*peel=*/plan.peelRegisterTiles);
    if (failed(registerTiles))
      return failure();
    for (Operation *registerTile : *registerTiles) {
      // The remainder of a loop of a size known only at run time has a
      // dynamic size: outer loops of it run one iteration at a time (a
      // matmul's last rows as one-row tiles, static and unmasked); only
      // the innermost loop is left to masks.
      SmallVector<int64_t> ranges =
          cast<linalg::LinalgOp>(registerTile).getStaticLoopRanges();
      SmallVector<int64_t> rows(ranges.size(), 0);
      for (size_t l = 0; l + 1 < ranges.size(); ++l)
        if (ShapedType::isDynamic(ranges[l]))
          rows[l] = 1;
      SmallVector<Operation *> pieces{registerTile};
      SmallVector<int64_t> sizes(registerSizes);
      if (llvm::is_contained(rows, 1)) {
        FailureOr<SmallVector<Operation *>> split =
            tile(rewriter, registerTile, rows);
        if (failed(split))
          return failure();
        pieces = *split;
        for (auto [size, row] : llvm::zip(sizes, rows))
          if (row)
            size = 1;
      }
      for (Operation *piece : pieces)
        if (failed(vectorizeTile(rewriter, piece, sizes, tileBounds)))
          return failure();
    }
  }
  return success();
}

/// True when the reduction's payload is one max or min: combining a value
/// with itself leaves it unchanged.
bool isIdempotentCombiner(linalg::LinalgOp op) {
  Block *body = op.getBlock();
  if (!body || !llvm::hasSingleElement(body->without_terminator()))
    return false;
  return isa<arith::MaxNumFOp, arith::MinNumFOp, arith::MaximumFOp,
             arith::MinimumFOp, arith::MaxSIOp, arith::MinSIOp, arith::MaxUIOp,
             arith::MinUIOp>(body->front());
}

/// A reduction along the innermost loop (a row max or sum) is split into a
/// vertical reduction into `partials` results (8 vector registers
/// accumulate across the row) and one horizontal reduction of them per
/// row, instead of a horizontal reduction per vector.
void splitInnermostReductions(func::FuncOp kernel, RewriterBase &rewriter,
                              int64_t partials) {
  SmallVector<linalg::LinalgOp> candidates;
  kernel.walk([&](linalg::LinalgOp op) {
    if (!op.hasPureTensorSemantics() || op.getNumDpsInits() != 1 ||
        op.getNumReductionLoops() != 1 ||
        linalg::isaContractionOpInterface(op))
      return;
    SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
    SmallVector<int64_t> bounds = op.getStaticLoopRanges();
    if (iterators.back() != utils::IteratorType::reduction ||
        ShapedType::isDynamic(bounds.back()) ||
        bounds.back() < 2 * partials || bounds.back() % partials != 0)
      return;
    candidates.push_back(op);
  });
  for (linalg::LinalgOp op : candidates) {
    rewriter.setInsertionPoint(op);
    unsigned outRank =
        cast<RankedTensorType>(op.getDpsInits()[0].getType()).getRank();
    Value originalInit = op.getDpsInits()[0];
    auto init = originalInit.getDefiningOp<linalg::FillOp>();
    bool idempotent = isIdempotentCombiner(op);
    FailureOr<linalg::SplitReductionResult> split =
        linalg::splitReduction(rewriter, op, [&](linalg::LinalgOp) {
          linalg::SplitReductionOptions options;
          options.ratio = partials;
          options.index = outRank;
          options.innerParallel = true;
          return options;
        });
    // The partial results start from the combiner's neutral element (NaN
    // for maxnum), filled into a fresh tensor. They start from a constant
    // instead, which the vector loop carries without a stack buffer, and a
    // max or min from the reduction's own initial value (combining it more
    // than once changes nothing): -inf for a NaN-skipping max, whose loop
    // then becomes a NaN-free chain (NanFreeExtremumChain below).
    if (failed(split))
      continue;
    // With dynamic loops, splitReduction builds the partial results'
    // tensor.empty without its dynamic sizes (invalid IR): they are the
    // result's, with the static partials dimension inserted at `outRank`.
    if (auto empty =
            split->fillOp.getOutputs()[0].getDefiningOp<tensor::EmptyOp>()) {
      RankedTensorType type = empty.getType();
      if ((int64_t)empty.getDynamicSizes().size() != type.getNumDynamicDims()) {
        rewriter.setInsertionPoint(empty);
        SmallVector<OpFoldResult> sizes;
        for (int64_t d = 0; d < type.getRank(); ++d) {
          int64_t from = d < (int64_t)outRank ? d : d - 1;
          sizes.push_back(
              !type.isDynamicDim(d)
                  ? OpFoldResult(rewriter.getIndexAttr(type.getDimSize(d)))
                  : OpFoldResult(tensor::DimOp::create(
                        rewriter, empty.getLoc(), originalInit, from)
                                     .getResult()));
        }
        rewriter.replaceOpWithNewOp<tensor::EmptyOp>(empty, sizes,
                                                     type.getElementType());
      }
    }
    auto partials =
        dyn_cast<RankedTensorType>(split->fillOp.getResult(0).getType());
    auto value = split->fillOp.getInputs()[0].getDefiningOp<arith::ConstantOp>();
    if (idempotent && init)
      if (auto initValue =
              init.getInputs()[0].getDefiningOp<arith::ConstantOp>())
        value = initValue;
    if (!value || !partials || !partials.hasStaticShape() ||
        value.getType() != partials.getElementType())
      continue;
    rewriter.setInsertionPoint(split->fillOp);
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(
        split->fillOp, DenseElementsAttr::get(
                           partials, cast<TypedAttr>(value.getValue())));
  }
}

/// A pad by a constant (a convolution's zero border) becomes a fill of the
/// padded tile and a copy of the input into its interior: the fill is
/// vectorized like any elementwise op and the copy is a plain strided copy
/// (rows of contiguous elements), where the pad's own lowering tested every
/// element for being inside. A concatenation becomes such copies too, one
/// per input into its slice of the result, instead of a loop that picks
/// the input of every element.
LogicalResult decomposePadsAndConcats(func::FuncOp kernel) {
  RewritePatternSet patterns(kernel.getContext());
  linalg::populateDecomposePadPatterns(patterns);
  tensor::populateDecomposeTensorConcatPatterns(patterns);
  return applyPatternsGreedily(kernel, std::move(patterns));
}

/// The value that leaves a reduction of `kind` unchanged, or null.
TypedAttr neutralElement(vector::CombiningKind kind, Type type) {
  using Kind = vector::CombiningKind;
  if (auto ft = dyn_cast<FloatType>(type)) {
    const llvm::fltSemantics &sem = ft.getFloatSemantics();
    switch (kind) {
    case Kind::ADD: return FloatAttr::get(ft, 0.0);
    case Kind::MUL: return FloatAttr::get(ft, 1.0);
    case Kind::MAXNUMF: case Kind::MAXIMUMF:
      return FloatAttr::get(ft, APFloat::getInf(sem, /*Negative=*/true));
    case Kind::MINNUMF: case Kind::MINIMUMF:
      return FloatAttr::get(ft, APFloat::getInf(sem, /*Negative=*/false));
    default: return {};
    }
  }
  auto it = dyn_cast<IntegerType>(type);
  if (!it)
    return {};
  unsigned w = it.getWidth();
  switch (kind) {
  case Kind::ADD: case Kind::OR: case Kind::XOR: case Kind::MAXUI:
    return IntegerAttr::get(it, APInt::getZero(w));
  case Kind::MUL: return IntegerAttr::get(it, APInt(w, 1));
  case Kind::AND: case Kind::MINUI:
    return IntegerAttr::get(it, APInt::getAllOnes(w));
  case Kind::MAXSI: return IntegerAttr::get(it, APInt::getSignedMinValue(w));
  case Kind::MINSI: return IntegerAttr::get(it, APInt::getSignedMaxValue(w));
  default: return {};
  }
}

/// A masked multi-reduction (a reduction over the partial tile of a loop of
/// a size known only at run time) as the unmasked reduction of the source
/// with its masked-off lanes set to the reduction's neutral element: later
/// rewrites of the reduction (unit dimensions dropped, the reduction tree)
/// then need not know about masks.
struct MaskedMultiReductionToSelect : public OpRewritePattern<vector::MaskOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(vector::MaskOp mask,
                                PatternRewriter &rewriter) const override {
    auto reduction =
        dyn_cast_or_null<vector::MultiDimReductionOp>(mask.getMaskableOp());
    if (!reduction || mask.hasPassthru())
      return failure();
    VectorType sourceType = reduction.getSourceVectorType();
    TypedAttr neutral =
        neutralElement(reduction.getKind(), sourceType.getElementType());
    if (!neutral)
      return failure();
    Location loc = reduction.getLoc();
    rewriter.setInsertionPoint(mask);
    Value fill = arith::ConstantOp::create(
        rewriter, loc, sourceType, DenseElementsAttr::get(sourceType, neutral));
    Value source = arith::SelectOp::create(rewriter, loc, mask.getMask(),
                                           reduction.getSource(), fill);
    Value result = vector::MultiDimReductionOp::create(
        rewriter, loc, source, reduction.getAcc(),
        reduction.getReductionMask(), reduction.getKind());
    rewriter.replaceOp(mask, result);
    return success();
  }
};

/// The linalg ops of a kernel still to vectorize, kept current while
/// vectorizing one rewrites others: an op replaced by the results of one
/// new op hands its turn to that op, an erased op loses it (and an op that
/// a later rewrite creates at a freed address does not inherit it).
struct PendingOps : public RewriterBase::Listener {
  llvm::DenseSet<Operation *> pending;
  llvm::DenseMap<Operation *, Operation *> forward;
  void notifyOperationReplaced(Operation *op, ValueRange values) override {
    if (!pending.contains(op) || values.empty())
      return;
    Operation *by = values.front().getDefiningOp();
    if (by && isa<linalg::LinalgOp>(by) &&
        llvm::all_of(values, [&](Value v) { return v.getDefiningOp() == by; })) {
      forward[op] = by;
      pending.insert(by);
    }
  }
  void notifyOperationErased(Operation *op) override { pending.erase(op); }
  /// The op that holds `listed`'s turn, or null if it has none.
  Operation *take(Operation *listed) {
    Operation *op = listed;
    for (int hops = 0; hops < 64; ++hops) {
      auto it = forward.find(op);
      if (it == forward.end())
        break;
      op = it->second;
    }
    if (!pending.erase(op))
      return nullptr;
    return op;
  }
};

void vectorizeKernel(func::FuncOp kernel, const CpuVectorShape &shape) {
  MLIRContext *ctx = kernel.getContext();
  // Vectorizing one op can rewrite others of the list (the canonicalization
  // after tiling folds a split reduction's fill, rebuilds a generic).
  PendingOps pending;
  IRRewriter rewriter(ctx, &pending);
  (void)decomposePadsAndConcats(kernel);
  splitInnermostReductions(kernel, rewriter, 8 * shape.lanes);
  SmallVector<Operation *> ops;
  kernel.walk([&](linalg::LinalgOp op) { ops.push_back(op); });
  llvm::SetVector<StringRef> scalar;
  pending.pending.insert(ops.begin(), ops.end());
  for (Operation *listed : ops) {
    Operation *op = pending.take(listed);
    if (!op)
      continue;
    // (Read before vectorizeOp: tiling replaces `op`, so after a failure in
    // a tile it may be gone.)
    StringRef name = op->getName().getStringRef();
    std::optional<VectorPlan> plan = vectorPlan(op, shape);
    if (!plan || failed(vectorizeOp(rewriter, op, *plan))) {
      // The op (or what tiling left of it) is lowered to scalar loops.
      scalar.insert(name);
    }
  }
  // Masked reads and writes (the partial tiles of loops of a size known
  // only at run time) become transfers with a mask operand now, and masked
  // reductions reductions of a select, before later rewrites put anything
  // else into their vector.mask regions.
  {
    RewritePatternSet masks(kernel.getContext());
    vector::populateVectorMaskLoweringPatternsForSideEffectingOps(masks);
    masks.add<MaskedMultiReductionToSelect>(kernel.getContext());
    (void)applyPatternsGreedily(kernel, std::move(masks));
  }
  kernel.walk([&](Operation *op) {
    if (isa<tensor::PadOp, tensor::ConcatOp>(op))
      scalar.insert(op->getName().getStringRef());
  });
  if (!scalar.empty())
    setScalarOps(kernel, llvm::to_vector(scalar));
}

/// Keeps accumulators in registers across reduction loops: hoists the
/// loop-invariant read/write of each loop's output tile (innermost loops
/// first, after invariant code is out of the way).
void hoistAccumulators(Operation *root) {
  IRRewriter rewriter(root->getContext());
  SmallVector<scf::ForOp> loops;
  root->walk([&](scf::ForOp loop) { loops.push_back(loop); });
  for (scf::ForOp loop : loops) {
    moveLoopInvariantCode(cast<LoopLikeOpInterface>(loop.getOperation()));
    hoistLoopInvariantSubsets(rewriter, loop);
  }
}

/// A contraction whose operands are narrower floats than its accumulator
/// (f16/bf16 matmuls accumulate in f32) gets its operands extended first:
/// LLVM's contraction lowering handles one element type, and the extension
/// is what each multiply-add would do anyway.
struct ExtendContractOperands : public OpRewritePattern<vector::ContractionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(vector::ContractionOp op,
                                PatternRewriter &rewriter) const override {
    auto acc = dyn_cast<FloatType>(getElementTypeOrSelf(op.getAccType()));
    if (!acc || op.isMasked() || isa<vector::MaskOp>(op->getParentOp()))
      return failure();
    bool changed = false;
    auto extend = [&](Value v) -> Value {
      auto type = dyn_cast<VectorType>(v.getType());
      auto element = type ? dyn_cast<FloatType>(type.getElementType()) : nullptr;
      if (!element || element.getWidth() >= acc.getWidth())
        return v;
      changed = true;
      return arith::ExtFOp::create(rewriter, op.getLoc(), type.clone(acc), v);
    };
    Value lhs = extend(op.getLhs()), rhs = extend(op.getRhs());
    if (!changed)
      return failure();
    rewriter.modifyOpInPlace(op, [&] {
      op.getLhsMutable().assign(lhs);
      op.getRhsMutable().assign(rhs);
    });
    return success();
  }
};

/// A contraction whose reduction dimensions all have size one (a product
/// summed into partial results, as a row reduction of squares becomes after
/// the split above) is an elementwise multiply-add: rewritten as vector.fma
/// on the accumulator's shape. The contraction lowering would otherwise
/// emit one scalar reduction per element.
struct UnitReductionContractToFma
    : public OpRewritePattern<vector::ContractionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(vector::ContractionOp op,
                                PatternRewriter &rewriter) const override {
    auto accType = dyn_cast<VectorType>(op.getAccType());
    if (!accType || !isa<FloatType>(accType.getElementType()) ||
        op.isMasked() || isa<vector::MaskOp>(op->getParentOp()) ||
        op.getKind() != vector::CombiningKind::ADD ||
        op.getLhsType().getElementType() != accType.getElementType() ||
        op.getRhsType().getElementType() != accType.getElementType())
      return failure();
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    SmallVector<vector::IteratorType> iterators = op.getIteratorTypesArray();
    AffineMap accMap = maps[2];
    // Both operands: the accumulator's dimensions in the same order, plus
    // unit reduction dimensions.
    for (auto [map, type] : {std::pair(maps[0], op.getLhsType()),
                             std::pair(maps[1], op.getRhsType())}) {
      SmallVector<AffineExpr> kept;
      for (auto [pos, expr] : llvm::enumerate(map.getResults())) {
        auto dim = dyn_cast<AffineDimExpr>(expr);
        if (!dim)
          return failure();
        if (iterators[dim.getPosition()] == vector::IteratorType::reduction) {
          if (type.getDimSize(pos) != 1)
            return failure();
          continue;
        }
        kept.push_back(expr);
      }
      if (ArrayRef<AffineExpr>(kept) != accMap.getResults())
        return failure();
    }
    Location loc = op.getLoc();
    Value lhs = vector::ShapeCastOp::create(rewriter, loc, accType, op.getLhs());
    Value rhs = vector::ShapeCastOp::create(rewriter, loc, accType, op.getRhs());
    rewriter.replaceOpWithNewOp<vector::FMAOp>(op, lhs, rhs, op.getAcc());
    return success();
  }
};

/// A transfer_read of a splat constant tensor is that splat.
struct ReadOfSplatConstant : public OpRewritePattern<vector::TransferReadOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(vector::TransferReadOp op,
                                PatternRewriter &rewriter) const override {
    DenseElementsAttr value;
    if (op.getMask() || op.hasOutOfBoundsDim() ||
        !matchPattern(op.getBase(), m_Constant(&value)) || !value.isSplat() ||
        op.getVectorType().isScalable())
      return failure();
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(
        op, DenseElementsAttr::get(op.getVectorType(),
                                   value.getSplatValue<Attribute>()));
    return success();
  }
};

/// True for a constant (splat or not) with no NaN among its floats.
bool isNanFreeConstant(Value v) {
  DenseFPElementsAttr value;
  return matchPattern(v, m_Constant(&value)) &&
         llvm::none_of(value.getValues<APFloat>(),
                       [](const APFloat &x) { return x.isNaN(); });
}

/// A loop-carried max (or min) with NaN-skipping semantics whose initial
/// value is a constant free of NaNs, updated only by maxnumf with a new
/// value each iteration: the carried value is never NaN (a maxnum of a
/// non-NaN value is not NaN), so maxnumf(acc, x) is exactly
/// "x > acc ? x : acc", which x86 does in one vmaxps. The generic lowering
/// of maxnumf tests both operands for NaN (four instructions per vector).
struct NanFreeExtremumChain : public OpRewritePattern<scf::ForOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(scf::ForOp loop,
                                PatternRewriter &rewriter) const override {
    bool changed = false;
    auto yield = cast<scf::YieldOp>(loop.getBody()->getTerminator());
    for (auto [init, arg, yielded] :
         llvm::zip(loop.getInitArgs(), loop.getRegionIterArgs(),
                   yield.getOperands())) {
      if (!isNanFreeConstant(init) || !arg.hasOneUse())
        continue;
      Operation *update = yielded.getDefiningOp();
      if (!update || !isa<arith::MaxNumFOp, arith::MinNumFOp>(update) ||
          update->getParentOp() != loop.getOperation() ||
          !yielded.hasOneUse() || *arg.getUsers().begin() != update)
        continue;
      Value x = update->getOperand(0) == arg ? update->getOperand(1)
                                             : update->getOperand(0);
      if (x == arg)
        continue;
      auto predicate = isa<arith::MaxNumFOp>(update)
                           ? arith::CmpFPredicate::OGT
                           : arith::CmpFPredicate::OLT;
      rewriter.setInsertionPoint(update);
      // A NaN x fails the compare: the carried value stays.
      Value better =
          arith::CmpFOp::create(rewriter, update->getLoc(), predicate, x, arg);
      rewriter.replaceOpWithNewOp<arith::SelectOp>(update, better, x, arg);
      changed = true;
    }
    return success(changed);
  }
};

/// True for a result of a loop rewritten by NanFreeExtremumChain: a
/// loop-carried "x > acc ? x : acc" (or <) from a NaN-free constant.
bool isNanFreeExtremumChain(Value v, arith::CmpFPredicate predicate) {
  auto result = dyn_cast<OpResult>(v);
  auto loop = result ? dyn_cast<scf::ForOp>(result.getOwner()) : nullptr;
  if (!loop)
    return false;
  unsigned i = result.getResultNumber();
  if (!isNanFreeConstant(loop.getInitArgs()[i]))
    return false;
  BlockArgument arg = loop.getRegionIterArgs()[i];
  auto yield = cast<scf::YieldOp>(loop.getBody()->getTerminator());
  auto select = yield.getOperand(i).getDefiningOp<arith::SelectOp>();
  auto compare =
      select ? select.getCondition().getDefiningOp<arith::CmpFOp>() : nullptr;
  return compare && compare.getPredicate() == predicate &&
         select.getFalseValue() == arg && compare.getRhs() == arg &&
         compare.getLhs() == select.getTrueValue();
}

/// A NaN-skipping row max (min) as a tree of halvings that stays in vector
/// registers; LLVM expands a maxnum reduction into a chain of scalar
/// NaN-checked steps instead (about 50 dependent instructions a row). Each
/// halving is a maxnumf, or one compare-and-select when the row is the
/// result of a NaN-free chain (the partial maxima of a longer row).
struct ExtremumReductionTree
    : public OpRewritePattern<vector::MultiDimReductionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(vector::MultiDimReductionOp op,
                                PatternRewriter &rewriter) const override {
    vector::CombiningKind kind = op.getKind();
    if (kind != vector::CombiningKind::MAXNUMF &&
        kind != vector::CombiningKind::MINNUMF)
      return failure();
    auto predicate = kind == vector::CombiningKind::MAXNUMF
                         ? arith::CmpFPredicate::OGT
                         : arith::CmpFPredicate::OLT;
    VectorType source = op.getSourceVectorType();
    int64_t lanes = source.getNumElements();
    if (source.isScalable() || !llvm::isPowerOf2_64(lanes) || lanes < 2 ||
        source.getShape().back() != lanes ||
        op.getReductionMask().back() != true)
      return failure();
    bool nanFree = isNanFreeExtremumChain(op.getSource(), predicate);
    // Only the last dimension has more than one element; the result has
    // one element too.
    auto resultType = dyn_cast<VectorType>(op.getDestType());
    if (resultType && resultType.getNumElements() != 1)
      return failure();
    Location loc = op.getLoc();
    Type element = source.getElementType();
    Value v = vector::ShapeCastOp::create(
        rewriter, loc, VectorType::get({lanes}, element), op.getSource());
    auto combine = [&](Value a, Value b) -> Value {
      if (kind == vector::CombiningKind::MAXNUMF)
        return arith::MaxNumFOp::create(rewriter, loc, a, b);
      return arith::MinNumFOp::create(rewriter, loc, a, b);
    };
    auto better = [&](Value a, Value b) -> Value {
      if (!nanFree)
        return combine(a, b);
      Value c = arith::CmpFOp::create(rewriter, loc, predicate, a, b);
      return arith::SelectOp::create(rewriter, loc, c, a, b).getResult();
    };
    for (int64_t n = lanes / 2; n >= 1; n /= 2) {
      Value lo = vector::ExtractStridedSliceOp::create(rewriter, loc, v, {0},
                                                       {n}, {1});
      Value hi = vector::ExtractStridedSliceOp::create(rewriter, loc, v, {n},
                                                       {n}, {1});
      v = better(lo, hi);
    }
    Value acc = op.getAcc();
    if (resultType)
      v = vector::ShapeCastOp::create(rewriter, loc, resultType, v);
    else
      v = vector::ExtractOp::create(rewriter, loc, v, ArrayRef<int64_t>{0});
    // With a NaN-free row the accumulator comes first: a NaN accumulator
    // fails the compare and the row's result is taken, as maxnum would.
    rewriter.replaceOp(op, better(acc, v));
    return success();
  }
};

/// Loop nests deeper than this are partly coalesced.
constexpr size_t kMaxLoopNestDepth = 8;
/// Innermost loops of a deep nest that stay as they are (the linearized
/// index is split once per their iterations, not once per iteration).
constexpr size_t kKeptInnerLoops = 4;

/// Coalesces the outer loops of every perfect nest deeper than
/// kMaxLoopNestDepth into one loop over the linearized index. Such nests
/// come from ops on tensors of high rank (a tensor-network intermediate of
/// rank 30 with every dimension 2 tiles into a 24-deep nest, each loop
/// carrying the tensor), and one-shot bufferization's alias analysis takes
/// time exponential in the depth of a nest that carries a tensor: minutes
/// for one such kernel. All bounds are constants, so the split of the
/// linearized index is shifts and masks where the extents are powers of 2.
void coalesceDeepLoopNests(Operation *root) {
  SmallVector<SmallVector<scf::ForOp>> bands;
  root->walk<WalkOrder::PreOrder>([&](scf::ForOp loop) {
    SmallVector<scf::ForOp> nest;
    getPerfectlyNestedLoops(nest, loop);
    bool constantBounds = llvm::all_of(nest, [](scf::ForOp l) {
      return getConstantIntValue(l.getLowerBound()) &&
             getConstantIntValue(l.getUpperBound()) &&
             getConstantIntValue(l.getStep());
    });
    if (nest.size() <= kMaxLoopNestDepth || !constantBounds)
      return WalkResult::advance();
    nest.resize(nest.size() - kKeptInnerLoops);
    bands.push_back(std::move(nest));
    return WalkResult::skip();
  });
  IRRewriter rewriter(root->getContext());
  for (SmallVector<scf::ForOp> &band : bands)
    (void)coalesceLoops(rewriter, band);
}

LogicalResult canonicalize(Operation *root) {
  MLIRContext *ctx = root->getContext();
  RewritePatternSet patterns(ctx);
  vector::populateVectorReductionToContractPatterns(patterns);
  patterns.add<ExtendContractOperands, UnitReductionContractToFma,
               ReadOfSplatConstant, NanFreeExtremumChain>(ctx);
  for (RegisteredOperationName op : ctx->getRegisteredOperations())
    op.getCanonicalizationPatterns(patterns, ctx);
  return applyPatternsGreedily(root, std::move(patterns));
}

struct LoomCpuVectorizePass
    : public loom::impl::LoomCpuVectorizeBase<LoomCpuVectorizePass> {
  using LoomCpuVectorizeBase::LoomCpuVectorizeBase;

  void runOnOperation() override {
    ModuleOp kernels = getKernelModule(getOperation());
    if (!kernels)
      return;
    if (vectorBits < 128 || vectorBits % 32 != 0 || vectorRegisters < 8) {
      kernels.emitError() << "--loom-cpu-vectorize: vector-bits must be a "
                             "multiple of 32 of at least 128 and "
                             "vector-registers at least 8";
      return signalPassFailure();
    }
    CpuVectorShape shape;
    shape.lanes = vectorBits / 32;
    shape.registers = vectorRegisters;
    for (func::FuncOp kernel : getKernels(kernels))
      vectorizeKernel(kernel, shape);
    if (failed(canonicalize(kernels)))
      return signalPassFailure();
    hoistAccumulators(kernels);
    if (failed(canonicalize(kernels)))
      return signalPassFailure();
    // Row maxima become trees once the loop-carried maxima are in their
    // final form (hoisted, and NaN-free chains rewritten).
    RewritePatternSet trees(&getContext());
    trees.add<ExtremumReductionTree>(&getContext());
    if (failed(applyPatternsGreedily(kernels, std::move(trees))))
      return signalPassFailure();
    coalesceDeepLoopNests(kernels);
  }
};

} // namespace
