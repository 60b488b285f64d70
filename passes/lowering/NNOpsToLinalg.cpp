//===- NNOpsToLinalg.cpp - lowering of the ops in LoomNNOps.td ------------===//
//
// Part of --loom-to-linalg:
//   floor/ceil/round/tan/asin/.../atanh -> linalg.generic over math ops
//               (asinh/acosh/atanh as logarithms: no math lowering has them)
//   conv3d   -> tensor.pad + a grouped linalg.generic (+ bias)
//   max_pool -> tensor.pad (-inf) + linalg.generic with the window as
//               reduction dimensions
//   avg_pool -> tensor.pad (0) + the same sum, times a compile-time table of
//               reciprocal window counts
//
//===----------------------------------------------------------------------===//
#include "LinalgBuilders.h"

#include "loom/dialect/LoomOps.h"
#include "loom/passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace loom;

namespace {

RankedTensorType typeOf(Value v) {
  return cast<RankedTensorType>(v.getType());
}

/// The type in which values of `t` are computed (f16/bf16 in f32).
Type computeType(OpBuilder &b, Type t) {
  return isNarrowFloat(t) ? b.getF32Type() : t;
}

//===----------------------------------------------------------------------===//
// Elementwise math
//===----------------------------------------------------------------------===//

using ScalarFn = Value (*)(OpBuilder &, Location, Value);

template <typename MathOp> Value mathOp(OpBuilder &b, Location loc, Value x) {
  return MathOp::create(b, loc, x);
}

Value scalar(OpBuilder &b, Location loc, Value like, double v) {
  return scalarConstant(b, loc, like.getType(), v);
}

/// asinh(x) = sign(x) * log(|x| + sqrt(x^2 + 1)) (accurate for x < 0).
Value asinhScalar(OpBuilder &b, Location loc, Value x) {
  Value ax = math::AbsFOp::create(b, loc, x);
  Value r = math::SqrtOp::create(
      b, loc,
      arith::AddFOp::create(b, loc, arith::MulFOp::create(b, loc, ax, ax),
                            scalar(b, loc, x, 1.0)));
  Value l = math::LogOp::create(b, loc, arith::AddFOp::create(b, loc, ax, r));
  return math::CopySignOp::create(b, loc, l, x);
}

/// acosh(x) = log(x + sqrt(x^2 - 1)).
Value acoshScalar(OpBuilder &b, Location loc, Value x) {
  Value r = math::SqrtOp::create(
      b, loc,
      arith::SubFOp::create(b, loc, arith::MulFOp::create(b, loc, x, x),
                            scalar(b, loc, x, 1.0)));
  return math::LogOp::create(b, loc, arith::AddFOp::create(b, loc, x, r));
}

/// atanh(x) = 0.5 * log((1 + x) / (1 - x)).
Value atanhScalar(OpBuilder &b, Location loc, Value x) {
  Value one = scalar(b, loc, x, 1.0);
  Value q = arith::DivFOp::create(b, loc, arith::AddFOp::create(b, loc, one, x),
                                  arith::SubFOp::create(b, loc, one, x));
  return arith::MulFOp::create(b, loc, scalar(b, loc, x, 0.5),
                               math::LogOp::create(b, loc, q));
}

/// A float unary loom op -> linalg.generic applying `fn` in f32 (or the
/// op's wider type).
template <typename LoomOp>
struct FloatUnaryToLinalg : OpConversionPattern<LoomOp> {
  FloatUnaryToLinalg(MLIRContext *ctx, ScalarFn fn)
      : OpConversionPattern<LoomOp>(ctx), fn(fn) {}
  LogicalResult
  matchAndRewrite(LoomOp op, typename LoomOp::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = op.getType();
    Type et = type.getElementType();
    Value result = elementwiseGeneric(
        rewriter, op.getLoc(), type, adaptor.getInput(),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          Value x = castScalar(b, loc, args[0], computeType(b, et));
          return castScalar(b, loc, fn(b, loc, x), et);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
  ScalarFn fn;
};

//===----------------------------------------------------------------------===//
// Shared by convolution and pooling
//===----------------------------------------------------------------------===//

/// Pads the trailing spatial dimensions of `x` (N x C x spatial...) with
/// `low[i]`/`high[i]` elements of `value`.
Value padSpatial(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> low,
                 ArrayRef<int64_t> high, Value value) {
  if (llvm::all_of(low, [](int64_t v) { return v == 0; }) &&
      llvm::all_of(high, [](int64_t v) { return v == 0; }))
    return x;
  RankedTensorType in = typeOf(x);
  SmallVector<OpFoldResult> lo(2, b.getIndexAttr(0)), hi(2, b.getIndexAttr(0));
  SmallVector<int64_t> shape(in.getShape());
  for (size_t i = 0; i < low.size(); ++i) {
    lo.push_back(b.getIndexAttr(low[i]));
    hi.push_back(b.getIndexAttr(high[i]));
    shape[2 + i] += low[i] + high[i];
  }
  auto type = RankedTensorType::get(shape, in.getElementType());
  return tensor::PadOp::create(b, loc, type, x, lo, hi, value);
}

/// Input map of a sliding window: dim `spatialBase + i` of the iteration
/// space is output position i, dim `windowBase + i` the tap.
AffineExpr windowExpr(MLIRContext *ctx, int64_t out, int64_t tap,
                      int64_t stride, int64_t dilation) {
  return getAffineDimExpr(out, ctx) * stride +
         getAffineDimExpr(tap, ctx) * dilation;
}

//===----------------------------------------------------------------------===//
// conv3d
//===----------------------------------------------------------------------===//

/// Grouped 3-D convolution as one linalg.generic over
/// (n, g, f, od, oh, ow, c, kd, kh, kw) on the input viewed as
/// N x G x C/G x D x H x W and the weight as G x F/G x C/G x KD x KH x KW.
struct Conv3DToLinalg : OpConversionPattern<Conv3DOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(Conv3DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    MLIRContext *ctx = rewriter.getContext();
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    Type et = type.getElementType();
    Type acc = computeType(rewriter, et);
    ArrayRef<int64_t> p = op.getPadding();
    Value input =
        padSpatial(rewriter, loc, adaptor.getInput(), p.take_front(3),
                   p.drop_front(3), scalarConstant(rewriter, loc, et, 0));
    ArrayRef<int64_t> x = typeOf(input).getShape();
    ArrayRef<int64_t> w = typeOf(adaptor.getWeight()).getShape();
    ArrayRef<int64_t> out = type.getShape();
    int64_t g = op.getGroups(), cg = x[1] / g, fg = w[0] / g;
    Value xg = reshapeTensor(
        rewriter, loc, input,
        RankedTensorType::get({x[0], g, cg, x[2], x[3], x[4]}, et));
    Value wg = reshapeTensor(
        rewriter, loc, adaptor.getWeight(),
        RankedTensorType::get({g, fg, cg, w[2], w[3], w[4]}, et));
    SmallVector<int64_t> outShape = {out[0], g, fg, out[2], out[3], out[4]};
    Value init =
        filledTensor(rewriter, loc, RankedTensorType::get(outShape, acc),
                     scalarConstant(rewriter, loc, acc, 0));

    // Iteration dims: 0 n, 1 g, 2 f, 3-5 od/oh/ow, 6 c, 7-9 kd/kh/kw.
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    ArrayRef<int64_t> s = op.getStrides(), dil = op.getDilations();
    SmallVector<AffineExpr> inExprs = {d(0), d(1), d(6)};
    for (int i = 0; i < 3; ++i)
      inExprs.push_back(windowExpr(ctx, 3 + i, 7 + i, s[i], dil[i]));
    SmallVector<AffineMap> maps = {
        AffineMap::get(10, 0, inExprs, ctx),
        AffineMap::get(10, 0, {d(1), d(2), d(6), d(7), d(8), d(9)}, ctx),
        AffineMap::get(10, 0, {d(0), d(1), d(2), d(3), d(4), d(5)}, ctx)};
    SmallVector<utils::IteratorType> iters(6, utils::IteratorType::parallel);
    iters.append(4, utils::IteratorType::reduction);
    Value conv =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{init.getType()}, ValueRange{xg, wg},
            init, maps, iters,
            [&](OpBuilder &b, Location nloc, ValueRange a) {
              Value xv = castScalar(b, nloc, a[0], acc);
              Value wv = castScalar(b, nloc, a[1], acc);
              Value prod = arith::MulFOp::create(b, nloc, xv, wv);
              Value sum = arith::AddFOp::create(b, nloc, a[2], prod);
              linalg::YieldOp::create(b, nloc, sum);
            })
            .getResult(0);
    conv = reshapeTensor(rewriter, loc, conv,
                         RankedTensorType::get(out, acc));
    SmallVector<Value> operands = {conv};
    if (adaptor.getBias())
      operands.push_back(reshapeTensor(
          rewriter, loc, adaptor.getBias(),
          RankedTensorType::get({out[1], 1, 1, 1}, et)));
    Value result = elementwiseGeneric(
        rewriter, loc, type, operands,
        [&](OpBuilder &b, Location nloc, ValueRange a) {
          Value v = a[0];
          if (a.size() > 1)
            v = arith::AddFOp::create(b, nloc, v,
                                      castScalar(b, nloc, a[1], acc));
          return castScalar(b, nloc, v, et);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// N-D pooling
//===----------------------------------------------------------------------===//

/// The pooled window as a linalg.generic over (n, c, out..., taps...): the
/// second operand is an empty tensor of the kernel's shape that only gives
/// the tap dimensions their extents (as in linalg's named pooling ops).
Value poolWindow(OpBuilder &b, Location loc, Value padded,
                 RankedTensorType accType, Value init,
                 ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                 ArrayRef<int64_t> dilations, bool isMax) {
  MLIRContext *ctx = b.getContext();
  int64_t n = kernel.size(), dims = 2 + 2 * n;
  SmallVector<AffineExpr> inExprs = {getAffineDimExpr(0, ctx),
                                     getAffineDimExpr(1, ctx)};
  SmallVector<AffineExpr> tapExprs, outExprs;
  for (int64_t i = 0; i < n; ++i) {
    inExprs.push_back(
        windowExpr(ctx, 2 + i, 2 + n + i, strides[i], dilations[i]));
    tapExprs.push_back(getAffineDimExpr(2 + n + i, ctx));
  }
  for (int64_t i = 0; i < 2 + n; ++i)
    outExprs.push_back(getAffineDimExpr(i, ctx));
  SmallVector<AffineMap> maps = {AffineMap::get(dims, 0, inExprs, ctx),
                                 AffineMap::get(dims, 0, tapExprs, ctx),
                                 AffineMap::get(dims, 0, outExprs, ctx)};
  SmallVector<utils::IteratorType> iters(2 + n, utils::IteratorType::parallel);
  iters.append(n, utils::IteratorType::reduction);
  Type acc = accType.getElementType();
  Value window =
      emptyTensor(b, loc, kernel, typeOf(padded).getElementType());
  return linalg::GenericOp::create(
             b, loc, TypeRange{accType}, ValueRange{padded, window}, init,
             maps, iters,
             [&](OpBuilder &nb, Location nloc, ValueRange a) {
               Value v = castScalar(nb, nloc, a[0], acc);
               Value r =
                   isMax ? arith::MaximumFOp::create(nb, nloc, a[2], v)
                               .getResult()
                         : arith::AddFOp::create(nb, nloc, a[2], v).getResult();
               linalg::YieldOp::create(nb, nloc, r);
             })
      .getResult(0);
}

struct MaxPoolToLinalg : OpConversionPattern<MaxPoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MaxPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    Type et = type.getElementType();
    Type acc = computeType(rewriter, et);
    size_t n = op.getKernel().size();
    ArrayRef<int64_t> p = op.getPadding();
    Value padded =
        padSpatial(rewriter, loc, adaptor.getInput(), p.take_front(n),
                   p.drop_front(n), lowestValue(rewriter, loc, et));
    auto accType = RankedTensorType::get(type.getShape(), acc);
    Value init = filledTensor(rewriter, loc, accType,
                              lowestValue(rewriter, loc, acc));
    Value r = poolWindow(rewriter, loc, padded, accType, init, op.getKernel(),
                         op.getStrides(), op.getDilations(), /*isMax=*/true);
    if (acc != et)
      r = elementwiseGeneric(rewriter, loc, type, r,
                             [&](OpBuilder &b, Location nloc, ValueRange a) {
                               return castScalar(b, nloc, a[0], et);
                             });
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct AvgPoolToLinalg : OpConversionPattern<AvgPoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AvgPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    Type et = type.getElementType();
    Type acc = computeType(rewriter, et);
    ArrayRef<int64_t> k = op.getKernel(), s = op.getStrides(),
                      p = op.getPadding();
    int64_t n = k.size();
    Value padded = padSpatial(rewriter, loc, adaptor.getInput(),
                              p.take_front(n), p.drop_front(n),
                              scalarConstant(rewriter, loc, et, 0));
    auto accType = RankedTensorType::get(type.getShape(), acc);
    Value init = filledTensor(rewriter, loc, accType,
                              scalarConstant(rewriter, loc, acc, 0));
    SmallVector<int64_t> ones(n, 1);
    Value sum = poolWindow(rewriter, loc, padded, accType, init, k, s, ones,
                           /*isMax=*/false);

    // 1 / (number of counted elements) per output position: the window
    // clipped to the input (or to the padded input with count_include_pad).
    ArrayRef<int64_t> in = typeOf(adaptor.getInput()).getShape();
    ArrayRef<int64_t> outShape = type.getShape().drop_front(2);
    SmallVector<SmallVector<int64_t>> counts(n);
    for (int64_t i = 0; i < n; ++i) {
      int64_t lo = op.getCountIncludePad() ? -p[i] : 0;
      int64_t hi = op.getCountIncludePad() ? in[2 + i] + p[n + i] : in[2 + i];
      for (int64_t o = 0; o < outShape[i]; ++o) {
        int64_t start = o * s[i] - p[i];
        int64_t c = std::min(start + k[i], hi) - std::max(start, lo);
        counts[i].push_back(std::max<int64_t>(c, 1));
      }
    }
    int64_t total = 1;
    for (int64_t d : outShape)
      total *= d;
    std::vector<float> recip(total);
    SmallVector<int64_t> index(n, 0);
    for (int64_t flat = 0; flat < total; ++flat) {
      int64_t c = 1;
      for (int64_t i = 0; i < n; ++i)
        c *= counts[i][index[i]];
      recip[flat] = 1.0f / static_cast<float>(c);
      for (int64_t i = n - 1; i >= 0; --i) {
        if (++index[i] < outShape[i])
          break;
        index[i] = 0;
      }
    }
    auto recipType = RankedTensorType::get(outShape, rewriter.getF32Type());
    Value recipConst = arith::ConstantOp::create(
        rewriter, loc, recipType,
        DenseElementsAttr::get(recipType, ArrayRef<float>(recip)));
    Value result = elementwiseGeneric(
        rewriter, loc, type, ValueRange{sum, recipConst},
        [&](OpBuilder &b, Location nloc, ValueRange a) {
          Value r = castScalar(b, nloc, a[1], acc);
          return castScalar(b, nloc, arith::MulFOp::create(b, nloc, a[0], r),
                            et);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void loom::populateNNOpsToLinalgPatterns(RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<FloatUnaryToLinalg<FloorOp>>(ctx, mathOp<math::FloorOp>);
  patterns.add<FloatUnaryToLinalg<CeilOp>>(ctx, mathOp<math::CeilOp>);
  patterns.add<FloatUnaryToLinalg<RoundOp>>(ctx, mathOp<math::RoundEvenOp>);
  patterns.add<FloatUnaryToLinalg<TanOp>>(ctx, mathOp<math::TanOp>);
  patterns.add<FloatUnaryToLinalg<AsinOp>>(ctx, mathOp<math::AsinOp>);
  patterns.add<FloatUnaryToLinalg<AcosOp>>(ctx, mathOp<math::AcosOp>);
  patterns.add<FloatUnaryToLinalg<AtanOp>>(ctx, mathOp<math::AtanOp>);
  patterns.add<FloatUnaryToLinalg<SinhOp>>(ctx, mathOp<math::SinhOp>);
  patterns.add<FloatUnaryToLinalg<CoshOp>>(ctx, mathOp<math::CoshOp>);
  patterns.add<FloatUnaryToLinalg<AsinhOp>>(ctx, asinhScalar);
  patterns.add<FloatUnaryToLinalg<AcoshOp>>(ctx, acoshScalar);
  patterns.add<FloatUnaryToLinalg<AtanhOp>>(ctx, atanhScalar);
  patterns.add<Conv3DToLinalg, MaxPoolToLinalg, AvgPoolToLinalg>(ctx);
}
