//===- ConvolutionToLinalg.cpp - conv and pooling to linalg ---------------===//
//
// Part of --loom-to-linalg, one lowering per op over 1 to 3 spatial
// dimensions:
//   conv     -> tensor.pad + im2col (a patch gather, then linalg.matmul, so
//               the matmul code generation applies) when groups = 1, a
//               grouped linalg.generic along output rows otherwise; + bias
//   max_pool -> tensor.pad (-inf) + linalg.generic with the window taps as
//               reduction dimensions inside the last output dimension
//   avg_pool -> tensor.pad (0) + the same sum, times a compile-time table of
//               reciprocal window counts
//
//===----------------------------------------------------------------------===//
#include "LinalgBuilders.h"

#include "loom/dialect/LoomOps.h"
#include "loom/dialect/TypeUtils.h"
#include "loom/passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace loom;

namespace {

/// Pads the trailing spatial dimensions of `x` (N x C x spatial...) by
/// `padding` ([low..., high...]) elements of `value`.
Value padSpatial(OpBuilder &b, Location loc, Value x,
                 ArrayRef<int64_t> padding, Value value) {
  size_t n = padding.size() / 2;
  SmallVector<int64_t> low = {0, 0}, high = {0, 0};
  low.append(padding.begin(), padding.begin() + n);
  high.append(padding.begin() + n, padding.end());
  return padTensor(b, loc, x, low, high, value);
}

/// Input index of a sliding window: output position `out` (an iteration
/// dimension) times the stride plus tap `tap` times the dilation.
AffineExpr windowExpr(MLIRContext *ctx, unsigned out, unsigned tap,
                      int64_t stride, int64_t dilation) {
  return getAffineDimExpr(out, ctx) * stride +
         getAffineDimExpr(tap, ctx) * dilation;
}

/// Sizes of `shape` whose only dynamic dimension is the batch (dimension
/// 0), which is that of `batchSource` (an N x ... tensor).
SmallVector<OpFoldResult> withBatch(OpBuilder &b, Location loc,
                                    ArrayRef<int64_t> shape,
                                    Value batchSource) {
  SmallVector<OpFoldResult> sizes;
  for (auto [d, size] : llvm::enumerate(shape)) {
    if (ShapedType::isDynamic(size))
      sizes.push_back(tensor::getMixedSize(b, loc, batchSource, 0));
    else
      sizes.push_back(b.getIndexAttr(size));
  }
  return sizes;
}

int64_t product(ArrayRef<int64_t> values) {
  int64_t p = 1;
  for (int64_t v : values)
    p *= v;
  return p;
}

//===----------------------------------------------------------------------===//
// conv
//===----------------------------------------------------------------------===//

/// An ungrouped convolution as a matrix product over its patches (im2col),
/// so that the matmul code generation (register-blocked, vectorized)
/// applies; with n spatial dimensions:
///   patches[b, c, k1..kn, o1..on] = x[b, c, oi*si + ki*di]
///   y[b, f, (o..)] = w[f, (c, k..)] * patches[b, (c, k..), (o..)]
/// A batch of one is a linalg.matmul (which constant-weight packing and
/// the matmul strategy know); a larger batch is a batched product whose
/// weight is shared across the batch, written in the result's own layout
/// (no transpose after it) and split by image across workgroups.
/// `input` is padded already; the result has element type `acc`.
Value im2colMatmul(OpBuilder &b, Location loc, Value input, Value weight,
                   ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations,
                   ArrayRef<int64_t> out, Type acc) {
  MLIRContext *ctx = b.getContext();
  Type et = elementTypeOf(input);
  ArrayRef<int64_t> w = shapeOf(weight);
  unsigned n = strides.size();
  ArrayRef<int64_t> kernel = w.drop_front(2), spatial = out.drop_front(2);
  int64_t batch = out[0], f = out[1], c = w[1];
  // Iteration dims: 0 batch, 1 c, 2..n+1 taps, n+2.. output positions.
  unsigned dims = 2 + 2 * n;
  SmallVector<AffineExpr> read = {getAffineDimExpr(0, ctx),
                                  getAffineDimExpr(1, ctx)};
  for (unsigned i = 0; i < n; ++i)
    read.push_back(windowExpr(ctx, n + 2 + i, 2 + i, strides[i], dilations[i]));
  SmallVector<int64_t> patchShape = {batch, c};
  patchShape.append(kernel.begin(), kernel.end());
  patchShape.append(spatial.begin(), spatial.end());
  Value patchesInit =
      emptyTensor(b, loc, withBatch(b, loc, patchShape, input), et);
  Value patches =
      linalg::GenericOp::create(
          b, loc, TypeRange{patchesInit.getType()}, ValueRange{input},
          ValueRange{patchesInit},
          ArrayRef<AffineMap>{AffineMap::get(dims, 0, read, ctx),
                              b.getMultiDimIdentityMap(dims)},
          SmallVector<utils::IteratorType>(dims, utils::IteratorType::parallel),
          [](OpBuilder &nb, Location nl, ValueRange args) {
            linalg::YieldOp::create(nb, nl, args[0]);
          })
          .getResult(0);
  int64_t k = c * product(kernel), cols = product(spatial);
  Value lhs = reshapeTensor(b, loc, weight, RankedTensorType::get({f, k}, et));
  if (batch == 1) {
    Value rhs =
        reshapeTensor(b, loc, patches, RankedTensorType::get({k, cols}, et));
    Value init = zeroFilled(b, loc, {f, cols}, acc);
    Value matmul = linalg::MatmulOp::create(b, loc, TypeRange{init.getType()},
                                            ValueRange{lhs, rhs},
                                            ValueRange{init})
                       .getResult(0);
    return reshapeTensor(b, loc, matmul, RankedTensorType::get(out, acc));
  }
  // Loops (b, f, o, k): y[b, f, o] += w[f, k] * patches[b, k, o].
  Value rhs = reshapeTensor(b, loc, patches,
                            RankedTensorType::get({batch, k, cols}, et));
  Value init =
      zeroFilled(b, loc, withBatch(b, loc, {batch, f, cols}, input), acc);
  auto map = [&](ArrayRef<unsigned> ds) {
    SmallVector<AffineExpr> exprs;
    for (unsigned d : ds)
      exprs.push_back(getAffineDimExpr(d, ctx));
    return AffineMap::get(4, 0, exprs, ctx);
  };
  SmallVector<utils::IteratorType> iters(3, utils::IteratorType::parallel);
  iters.push_back(utils::IteratorType::reduction);
  Value batched =
      linalg::GenericOp::create(
          b, loc, TypeRange{init.getType()}, ValueRange{lhs, rhs}, init,
          ArrayRef<AffineMap>{map({1, 3}), map({0, 3, 2}), map({0, 1, 2})},
          iters,
          [&](OpBuilder &nb, Location nloc, ValueRange a) {
            Value ws = castScalar(nb, nloc, a[0], acc);
            Value ps = castScalar(nb, nloc, a[1], acc);
            Value prod = arith::MulFOp::create(nb, nloc, ws, ps);
            linalg::YieldOp::create(
                nb, nloc, arith::AddFOp::create(nb, nloc, a[2], prod).getResult());
          })
          .getResult(0);
  return reshapeTensor(b, loc, batched, RankedTensorType::get(out, acc));
}

/// A grouped convolution (depthwise included): one linalg.generic over the
/// loops (b, g, f, o1..o(n-1), c, k1..kn, on) on the input viewed as
/// B x G x C/G x S..,
/// the weight as G x F/G x C/G x K.. and the result as B x G x F/G x O..
/// Loops of extent 1 (depthwise: C/G = 1; a 1x3 kernel's rows) are left
/// out, and so are the unit dimensions of those views: canonicalization
/// folds unit dimensions of a reshape into its linalg.generic user, which
/// could leave a loop no indexing map reads.
Value groupedConvolution(OpBuilder &b, Location loc, Value input, Value weight,
                         ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations,
                         int64_t groups, ArrayRef<int64_t> out, Type acc) {
  MLIRContext *ctx = b.getContext();
  Type et = elementTypeOf(input);
  ArrayRef<int64_t> x = shapeOf(input), w = shapeOf(weight);
  unsigned n = strides.size();
  int64_t cg = x[1] / groups, fg = w[0] / groups;
  // Logical loops: 0 b, 1 g, 2 f, 3.. output positions, 3+n c, 4+n.. taps,
  // in the loop order (b, g, f, o1..o(n-1), c, taps, on): the innermost
  // loop runs along an output row, which the CPU code generation
  // vectorizes (a row of results accumulates in registers across the
  // channel and tap loops; a strided window is a strided slice).
  SmallVector<int64_t> extents = {out[0], groups, fg};
  extents.append(out.begin() + 2, out.end());
  extents.push_back(cg);
  extents.append(w.begin() + 2, w.end());
  unsigned cLoop = 3 + n;
  SmallVector<unsigned> order;
  for (unsigned i = 0; i < extents.size(); ++i)
    if (i != cLoop - 1)
      order.push_back(i);
  order.push_back(cLoop - 1);
  SmallVector<int> loopDim(extents.size(), -1);
  SmallVector<utils::IteratorType> iters;
  for (unsigned i : order) {
    if (extents[i] == 1)
      continue;
    loopDim[i] = iters.size();
    iters.push_back(i < cLoop ? utils::IteratorType::parallel
                              : utils::IteratorType::reduction);
  }
  unsigned dims = iters.size();
  auto loop = [&](unsigned i) -> AffineExpr {
    return loopDim[i] < 0 ? getAffineConstantExpr(0, ctx)
                          : getAffineDimExpr(loopDim[i], ctx);
  };
  /// The view of an operand without its unit dimensions, and its map.
  struct View {
    SmallVector<int64_t> shape;
    SmallVector<AffineExpr> exprs;
    void add(int64_t extent, AffineExpr e) {
      if (extent == 1)
        return;
      shape.push_back(extent);
      exprs.push_back(e);
    }
  } in, wt, res;
  in.add(x[0], loop(0));
  in.add(groups, loop(1));
  in.add(cg, loop(cLoop));
  wt.add(groups, loop(1));
  wt.add(fg, loop(2));
  wt.add(cg, loop(cLoop));
  res.add(out[0], loop(0));
  res.add(groups, loop(1));
  res.add(fg, loop(2));
  for (unsigned i = 0; i < n; ++i) {
    in.add(x[2 + i], loop(3 + i) * strides[i] +
                         loop(cLoop + 1 + i) * dilations[i]);
    wt.add(w[2 + i], loop(cLoop + 1 + i));
    res.add(out[2 + i], loop(3 + i));
  }
  Value xv = reshapeTensor(b, loc, input, RankedTensorType::get(in.shape, et));
  Value wv = reshapeTensor(b, loc, weight, RankedTensorType::get(wt.shape, et));
  Value init = zeroFilled(b, loc, withBatch(b, loc, res.shape, input), acc);
  SmallVector<AffineMap> maps = {AffineMap::get(dims, 0, in.exprs, ctx),
                                 AffineMap::get(dims, 0, wt.exprs, ctx),
                                 AffineMap::get(dims, 0, res.exprs, ctx)};
  Value conv =
      linalg::GenericOp::create(
          b, loc, TypeRange{init.getType()}, ValueRange{xv, wv}, init, maps,
          iters,
          [&](OpBuilder &nb, Location nloc, ValueRange a) {
            Value xs = castScalar(nb, nloc, a[0], acc);
            Value ws = castScalar(nb, nloc, a[1], acc);
            Value prod = arith::MulFOp::create(nb, nloc, xs, ws);
            linalg::YieldOp::create(nb, nloc,
                                    arith::AddFOp::create(nb, nloc, a[2], prod)
                                        .getResult());
          })
          .getResult(0);
  return reshapeTensor(b, loc, conv, RankedTensorType::get(out, acc));
}

/// Adds a per-channel bias (dim 1 of an N x C x ... tensor).
Value addChannelBias(OpBuilder &b, Location loc, Value x, Value bias) {
  MLIRContext *ctx = b.getContext();
  RankedTensorType type = tensorTypeOf(x);
  unsigned rank = type.getRank();
  SmallVector<AffineMap> maps = {
      AffineMap::getMultiDimIdentityMap(rank, ctx),
      AffineMap::get(rank, 0, {getAffineDimExpr(1, ctx)}, ctx),
      AffineMap::getMultiDimIdentityMap(rank, ctx)};
  Value init = emptyTensor(b, loc, withBatch(b, loc, type.getShape(), x),
                           type.getElementType());
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, ValueRange{x, bias}, init, maps,
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location nloc, ValueRange a) {
               Value s = arith::AddFOp::create(nb, nloc, a[0], a[1]);
               linalg::YieldOp::create(nb, nloc, s);
             })
      .getResult(0);
}

struct ConvToLinalg : OpConversionPattern<ConvOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    Type et = type.getElementType();
    Type acc = computeType(rewriter, et);
    Value input = padSpatial(rewriter, loc, adaptor.getInput(),
                             op.getPadding(),
                             scalarConstant(rewriter, loc, et, 0));
    Value result =
        op.getGroups() == 1
            ? im2colMatmul(rewriter, loc, input, adaptor.getWeight(),
                           op.getStrides(), op.getDilations(), type.getShape(),
                           acc)
            : groupedConvolution(rewriter, loc, input, adaptor.getWeight(),
                                 op.getStrides(), op.getDilations(),
                                 op.getGroups(), type.getShape(), acc);
    result = castTensor(rewriter, loc, result, et);
    if (adaptor.getBias())
      result = addChannelBias(rewriter, loc, result, adaptor.getBias());
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

/// The pooled window (a max or a sum) over `padded` into `init`: one
/// linalg.generic over (n, c, o1..o(n-1), taps..., on), the window taps
/// as reduction loops inside the last output loop, so that the CPU code
/// generation vectorizes along output rows (a tile of a row stays in
/// registers across the taps; a strided window is a strided slice). The
/// second operand is an empty tensor of the kernel's shape that only gives
/// the tap dimensions their extents.
Value poolWindow(OpBuilder &b, Location loc, Value padded,
                 RankedTensorType accType, Value init,
                 ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                 ArrayRef<int64_t> dilations, bool isMax) {
  MLIRContext *ctx = b.getContext();
  unsigned n = kernel.size(), dims = 2 + 2 * n;
  Type acc = accType.getElementType();
  Value window = emptyTensor(b, loc, kernel, elementTypeOf(padded));
  auto outDim = [&](unsigned i) {
    return getAffineDimExpr(i + 1 == n ? dims - 1 : 2 + i, ctx);
  };
  auto tapDim = [&](unsigned i) { return getAffineDimExpr(1 + n + i, ctx); };
  SmallVector<AffineExpr> inExprs = {getAffineDimExpr(0, ctx),
                                     getAffineDimExpr(1, ctx)};
  SmallVector<AffineExpr> tapExprs, outExprs = {getAffineDimExpr(0, ctx),
                                                getAffineDimExpr(1, ctx)};
  for (unsigned i = 0; i < n; ++i) {
    inExprs.push_back(outDim(i) * strides[i] + tapDim(i) * dilations[i]);
    tapExprs.push_back(tapDim(i));
    outExprs.push_back(outDim(i));
  }
  SmallVector<AffineMap> maps = {AffineMap::get(dims, 0, inExprs, ctx),
                                 AffineMap::get(dims, 0, tapExprs, ctx),
                                 AffineMap::get(dims, 0, outExprs, ctx)};
  SmallVector<utils::IteratorType> iters(1 + n, utils::IteratorType::parallel);
  iters.append(n, utils::IteratorType::reduction);
  iters.push_back(utils::IteratorType::parallel);
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
    Value padded = padSpatial(rewriter, loc, adaptor.getInput(),
                              op.getPadding(), lowestValue(rewriter, loc, et));
    auto accType = RankedTensorType::get(type.getShape(), acc);
    Value init = filledTensor(
        rewriter, loc,
        withBatch(rewriter, loc, type.getShape(), adaptor.getInput()),
        lowestValue(rewriter, loc, acc));
    Value r = poolWindow(rewriter, loc, padded, accType, init, op.getKernel(),
                         op.getStrides(), op.getDilationsOrOnes(),
                         /*isMax=*/true);
    rewriter.replaceOp(op, castTensor(rewriter, loc, r, et));
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
    Value padded = padSpatial(rewriter, loc, adaptor.getInput(), p,
                              scalarConstant(rewriter, loc, et, 0));
    auto accType = RankedTensorType::get(type.getShape(), acc);
    Value init = zeroFilled(
        rewriter, loc,
        withBatch(rewriter, loc, type.getShape(), adaptor.getInput()), acc);
    SmallVector<int64_t> ones(n, 1);
    Value sum = poolWindow(rewriter, loc, padded, accType, init, k, s, ones,
                           /*isMax=*/false);

    // 1 / (number of counted elements) per output position: the window
    // clipped to the input (or to the padded input with count_include_pad).
    ArrayRef<int64_t> in = shapeOf(adaptor.getInput());
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
    int64_t total = product(outShape);
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

void loom::populateConvolutionToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ConvToLinalg, MaxPoolToLinalg, AvgPoolToLinalg>(
      patterns.getContext());
}
