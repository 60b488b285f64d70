//===- DecomposeLoomOps.cpp - composite loom ops to primitive ones --------===//
//
// --loom-decompose: rewrites ops that are compositions of other loom ops, so
// that the lowering to linalg and the fusion passes only see primitives.
//
//   linear(x, W, b)      -> matmul(x, transpose(W)) + b
//   softmax(x)           -> e = exp(x - max(x)); e / sum(e)
//   log_softmax(x)       -> (x - max(x)) - log(sum(exp(x - max(x))))
//   layer_norm(x, g, b)  -> (x - mean) * rsqrt(var + eps) * g + b
//   global_avg_pool(x) -> reduce_mean(x, spatial dims, keepdims)
//
//===----------------------------------------------------------------------===//

#include "loom/dialect/LoomOps.h"
#include "loom/dialect/TypeUtils.h"
#include "loom/passes/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace loom {
#define GEN_PASS_DEF_LOOMDECOMPOSE
#include "passes/Passes.h.inc"
} // namespace loom

using namespace mlir;
using namespace loom;

namespace {

/// Type of reducing `input` over `dims` with keepdims.
RankedTensorType keptReduceType(Value input, ArrayRef<int64_t> dims) {
  SmallVector<int64_t> shape(tensorTypeOf(input).getShape());
  for (int64_t d : dims)
    shape[d] = 1;
  return RankedTensorType::get(shape, tensorTypeOf(input).getElementType());
}

/// A rank-0 constant of `like`'s element type.
Value scalarTensor(PatternRewriter &rewriter, Location loc, Type elementType,
                   double value) {
  auto type = RankedTensorType::get({}, elementType);
  Attribute attr;
  if (isa<FloatType>(elementType))
    attr = rewriter.getFloatAttr(elementType, value);
  else
    attr = rewriter.getIntegerAttr(elementType, static_cast<int64_t>(value));
  return ConstantOp::create(rewriter, loc, type,
                            DenseElementsAttr::get(type, attr));
}

template <typename ReduceOp>
Value reduceKeep(PatternRewriter &rewriter, Location loc, Value input,
                 ArrayRef<int64_t> dims) {
  return ReduceOp::create(rewriter, loc, keptReduceType(input, dims), input,
                          rewriter.getDenseI64ArrayAttr(dims),
                          rewriter.getUnitAttr());
}

struct DecomposeLinear : OpRewritePattern<LinearOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LinearOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value wt = TransposeOp::create(rewriter, loc, op.getWeight(),
                                   ArrayRef<int64_t>{1, 0});
    Value y = MatmulOp::create(rewriter, loc, op.getInput(), wt);
    if (op.getBias())
      y = AddOp::create(rewriter, loc, y, op.getBias());
    rewriter.replaceOp(op, y);
    return success();
  }
};

/// x - max(x) along `axis`, with the exp and the sum of exps.
///
/// The max only shifts x so that exp cannot overflow, and it skips NaNs:
/// a NaN in x still reaches every result of the row through its exp and
/// the sum (as it would through a NaN max), and an infinite max gives NaN
/// rows either way. Skipping NaNs lets the CPU take one instruction per
/// vector for the max instead of four.
struct StableExp {
  Value shifted, exp, sum;
};
StableExp stableExp(PatternRewriter &rewriter, Location loc, Value x,
                    int64_t axis) {
  Value m = reduceKeep<ReduceMaxOp>(rewriter, loc, x, {axis});
  m.getDefiningOp<ReduceMaxOp>().setIgnoreNan(true);
  Value shifted = SubOp::create(rewriter, loc, x, m);
  Value e = ExpOp::create(rewriter, loc, shifted);
  Value s = reduceKeep<ReduceSumOp>(rewriter, loc, e, {axis});
  return {shifted, e, s};
}

struct DecomposeSoftmax : OpRewritePattern<SoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SoftmaxOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    int64_t axis = *normalizeDim(op.getAxis(), op.getType().getRank());
    StableExp se = stableExp(rewriter, loc, op.getInput(), axis);
    rewriter.replaceOpWithNewOp<DivOp>(op, se.exp, se.sum);
    return success();
  }
};

struct DecomposeLogSoftmax : OpRewritePattern<LogSoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LogSoftmaxOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    int64_t axis = *normalizeDim(op.getAxis(), op.getType().getRank());
    StableExp se = stableExp(rewriter, loc, op.getInput(), axis);
    Value logSum = LogOp::create(rewriter, loc, se.sum);
    rewriter.replaceOpWithNewOp<SubOp>(op, se.shifted, logSum);
    return success();
  }
};

struct DecomposeLayerNorm : OpRewritePattern<LayerNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LayerNormOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = op.getInput();
    int64_t rank = op.getType().getRank();
    int64_t axis = *normalizeDim(op.getAxis(), rank);
    SmallVector<int64_t> dims;
    for (int64_t d = axis; d < rank; ++d)
      dims.push_back(d);
    Value mean = reduceKeep<ReduceMeanOp>(rewriter, loc, x, dims);
    Value centered = SubOp::create(rewriter, loc, x, mean);
    Value sq = MulOp::create(rewriter, loc, centered, centered);
    Value var = reduceKeep<ReduceMeanOp>(rewriter, loc, sq, dims);
    Value eps = scalarTensor(rewriter, loc, op.getType().getElementType(),
                             op.getEpsilon().convertToDouble());
    Value inv = RsqrtOp::create(rewriter, loc,
                                AddOp::create(rewriter, loc, var, eps));
    Value y = MulOp::create(rewriter, loc, centered, inv);
    if (op.getScale())
      y = MulOp::create(rewriter, loc, y, op.getScale());
    if (op.getBias())
      y = AddOp::create(rewriter, loc, y, op.getBias());
    rewriter.replaceOp(op, y);
    return success();
  }
};

struct DecomposeGlobalAvgPool : OpRewritePattern<GlobalAvgPoolOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GlobalAvgPoolOp op,
                                PatternRewriter &rewriter) const override {
    SmallVector<int64_t> spatial;
    for (int64_t d = 2; d < rankOf(op.getInput()); ++d)
      spatial.push_back(d);
    rewriter.replaceOp(op, reduceKeep<ReduceMeanOp>(rewriter, op.getLoc(),
                                                    op.getInput(), spatial));
    return success();
  }
};

struct LoomDecomposePass
    : public loom::impl::LoomDecomposeBase<LoomDecomposePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateLoomDecompositionPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void loom::populateLoomDecompositionPatterns(RewritePatternSet &patterns) {
  patterns.add<DecomposeLinear, DecomposeSoftmax, DecomposeLogSoftmax,
               DecomposeLayerNorm, DecomposeGlobalAvgPool>(
      patterns.getContext());
}
