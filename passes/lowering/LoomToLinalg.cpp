//===- LoomToLinalg.cpp - loom ops to linalg on tensors -------------------===//
//
// --loom-to-linalg: named linalg ops where they exist (matmul, batch_matmul,
// transpose), linalg.generic for elementwise ops (with numpy broadcasting in
// the indexing maps), reductions, contractions, slices and gathers;
// tensor.pad/concat and reshapes for the rest (convolution and pooling:
// ConvolutionToLinalg.cpp). f16/bf16 are computed in f32 inside each op.
//
//===----------------------------------------------------------------------===//

#include "DynamicDims.h"
#include "LinalgBuilders.h"

#include "loom/dialect/ConstantData.h"
#include "loom/dialect/EinsumSpec.h"
#include "loom/dialect/LoomOps.h"
#include "loom/dialect/TypeUtils.h"
#include "loom/passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/DialectConversion.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

namespace loom {
#define GEN_PASS_DEF_LOOMTOLINALG
#include "passes/Passes.h.inc"
} // namespace loom

using namespace mlir;
using namespace loom;

namespace {

//===----------------------------------------------------------------------===//
// Elementwise ops
//===----------------------------------------------------------------------===//

Value floatOrInt(OpBuilder &b, Location loc, ValueRange a,
                 function_ref<Value()> f, function_ref<Value()> i) {
  return isa<FloatType>(a[0].getType()) ? f() : i();
}

arith::CmpFPredicate floatPredicate(ComparePredicate p) {
  switch (p) {
  case ComparePredicate::eq: return arith::CmpFPredicate::OEQ;
  case ComparePredicate::ne: return arith::CmpFPredicate::UNE;
  case ComparePredicate::lt: return arith::CmpFPredicate::OLT;
  case ComparePredicate::le: return arith::CmpFPredicate::OLE;
  case ComparePredicate::gt: return arith::CmpFPredicate::OGT;
  case ComparePredicate::ge: return arith::CmpFPredicate::OGE;
  }
  llvm_unreachable("unknown predicate");
}

arith::CmpIPredicate intPredicate(ComparePredicate p, bool isBool) {
  switch (p) {
  case ComparePredicate::eq: return arith::CmpIPredicate::eq;
  case ComparePredicate::ne: return arith::CmpIPredicate::ne;
  case ComparePredicate::lt:
    return isBool ? arith::CmpIPredicate::ult : arith::CmpIPredicate::slt;
  case ComparePredicate::le:
    return isBool ? arith::CmpIPredicate::ule : arith::CmpIPredicate::sle;
  case ComparePredicate::gt:
    return isBool ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::sgt;
  case ComparePredicate::ge:
    return isBool ? arith::CmpIPredicate::uge : arith::CmpIPredicate::sge;
  }
  llvm_unreachable("unknown predicate");
}

Value sigmoid(OpBuilder &b, Location loc, Value x) {
  Type t = x.getType();
  Value one = scalarConstant(b, loc, t, 1.0);
  Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
  return arith::DivFOp::create(b, loc, one, arith::AddFOp::create(b, loc, one, e));
}

/// asinh(x) = sign(x) * log(|x| + sqrt(x^2 + 1)) (accurate for x < 0).
Value asinh(OpBuilder &b, Location loc, Value x) {
  Value ax = math::AbsFOp::create(b, loc, x);
  Value r = math::SqrtOp::create(
      b, loc,
      arith::AddFOp::create(b, loc, arith::MulFOp::create(b, loc, ax, ax),
                            scalarConstant(b, loc, x.getType(), 1.0)));
  Value l = math::LogOp::create(b, loc, arith::AddFOp::create(b, loc, ax, r));
  return math::CopySignOp::create(b, loc, l, x);
}

/// acosh(x) = log(x + sqrt(x^2 - 1)).
Value acosh(OpBuilder &b, Location loc, Value x) {
  Value r = math::SqrtOp::create(
      b, loc,
      arith::SubFOp::create(b, loc, arith::MulFOp::create(b, loc, x, x),
                            scalarConstant(b, loc, x.getType(), 1.0)));
  return math::LogOp::create(b, loc, arith::AddFOp::create(b, loc, x, r));
}

/// atanh(x) = 0.5 * log((1 + x) / (1 - x)).
Value atanh(OpBuilder &b, Location loc, Value x) {
  Value one = scalarConstant(b, loc, x.getType(), 1.0);
  Value q = arith::DivFOp::create(b, loc, arith::AddFOp::create(b, loc, one, x),
                                  arith::SubFOp::create(b, loc, one, x));
  return arith::MulFOp::create(b, loc,
                               scalarConstant(b, loc, x.getType(), 0.5),
                               math::LogOp::create(b, loc, q));
}

/// The scalar computation of elementwise op `op` on `a` (already in the
/// compute type).
Value scalarOf(Operation *op, OpBuilder &b, Location loc, ValueRange a) {
  auto fi = [&](auto floatOp, auto intOp) -> Value {
    using F = decltype(floatOp);
    using I = decltype(intOp);
    if (isa<FloatType>(a[0].getType()))
      return F::create(b, loc, a[0], a[1]);
    return I::create(b, loc, a[0], a[1]);
  };
  Type t = a[0].getType();
  return llvm::TypeSwitch<Operation *, Value>(op)
      .Case([&](AddOp) { return fi(arith::AddFOp(), arith::AddIOp()); })
      .Case([&](SubOp) { return fi(arith::SubFOp(), arith::SubIOp()); })
      .Case([&](MulOp) { return fi(arith::MulFOp(), arith::MulIOp()); })
      .Case([&](DivOp) { return fi(arith::DivFOp(), arith::DivSIOp()); })
      .Case([&](MaxOp) { return fi(arith::MaximumFOp(), arith::MaxSIOp()); })
      .Case([&](MinOp) { return fi(arith::MinimumFOp(), arith::MinSIOp()); })
      .Case([&](PowOp) {
        return math::PowFOp::create(b, loc, a[0], a[1]).getResult();
      })
      .Case([&](CompareOp c) {
        if (isa<FloatType>(t))
          return arith::CmpFOp::create(b, loc, floatPredicate(c.getPredicate()),
                                       a[0], a[1])
              .getResult();
        return arith::CmpIOp::create(
                   b, loc, intPredicate(c.getPredicate(), t.isInteger(1)), a[0],
                   a[1])
            .getResult();
      })
      .Case([&](NegOp) {
        return floatOrInt(
            b, loc, a,
            [&] { return arith::NegFOp::create(b, loc, a[0]).getResult(); },
            [&] {
              return arith::SubIOp::create(b, loc, scalarConstant(b, loc, t, 0),
                                           a[0])
                  .getResult();
            });
      })
      .Case([&](AbsOp) {
        return floatOrInt(
            b, loc, a,
            [&] { return math::AbsFOp::create(b, loc, a[0]).getResult(); },
            [&] { return math::AbsIOp::create(b, loc, a[0]).getResult(); });
      })
      .Case([&](ReluOp) {
        Value zero = scalarConstant(b, loc, t, 0);
        return floatOrInt(
            b, loc, a,
            [&] {
              return arith::MaximumFOp::create(b, loc, a[0], zero).getResult();
            },
            [&] { return arith::MaxSIOp::create(b, loc, a[0], zero).getResult(); });
      })
      .Case([&](ExpOp) { return math::ExpOp::create(b, loc, a[0]).getResult(); })
      .Case([&](LogOp) { return math::LogOp::create(b, loc, a[0]).getResult(); })
      .Case([&](SqrtOp) { return math::SqrtOp::create(b, loc, a[0]).getResult(); })
      .Case([&](RsqrtOp) {
        return math::RsqrtOp::create(b, loc, a[0]).getResult();
      })
      .Case([&](TanhOp) { return math::TanhOp::create(b, loc, a[0]).getResult(); })
      .Case([&](ErfOp) { return math::ErfOp::create(b, loc, a[0]).getResult(); })
      .Case([&](SinOp) { return math::SinOp::create(b, loc, a[0]).getResult(); })
      .Case([&](CosOp) { return math::CosOp::create(b, loc, a[0]).getResult(); })
      .Case([&](FloorOp) { return math::FloorOp::create(b, loc, a[0]).getResult(); })
      .Case([&](CeilOp) { return math::CeilOp::create(b, loc, a[0]).getResult(); })
      .Case([&](RoundOp) {
        return math::RoundEvenOp::create(b, loc, a[0]).getResult();
      })
      .Case([&](TanOp) { return math::TanOp::create(b, loc, a[0]).getResult(); })
      .Case([&](AsinOp) { return math::AsinOp::create(b, loc, a[0]).getResult(); })
      .Case([&](AcosOp) { return math::AcosOp::create(b, loc, a[0]).getResult(); })
      .Case([&](AtanOp) { return math::AtanOp::create(b, loc, a[0]).getResult(); })
      .Case([&](SinhOp) { return math::SinhOp::create(b, loc, a[0]).getResult(); })
      .Case([&](CoshOp) { return math::CoshOp::create(b, loc, a[0]).getResult(); })
      .Case([&](AsinhOp) { return asinh(b, loc, a[0]); })
      .Case([&](AcoshOp) { return acosh(b, loc, a[0]); })
      .Case([&](AtanhOp) { return atanh(b, loc, a[0]); })
      .Case([&](SigmoidOp) { return sigmoid(b, loc, a[0]); })
      .Case([&](SiluOp) {
        return arith::MulFOp::create(b, loc, a[0], sigmoid(b, loc, a[0]))
            .getResult();
      })
      .Case([&](SoftplusOp) {
        // max(x, 0) + log1p(exp(-|x|)): no overflow for large |x|.
        Value zero = scalarConstant(b, loc, t, 0);
        Value pos = arith::MaximumFOp::create(b, loc, a[0], zero);
        Value negAbs = arith::NegFOp::create(b, loc,
                                             math::AbsFOp::create(b, loc, a[0]));
        Value l = math::Log1pOp::create(b, loc,
                                        math::ExpOp::create(b, loc, negAbs));
        return arith::AddFOp::create(b, loc, pos, l).getResult();
      })
      .Case([&](GeluOp g) {
        Value x = a[0];
        Value half = scalarConstant(b, loc, t, 0.5);
        Value one = scalarConstant(b, loc, t, 1.0);
        Value inner;
        if (g.getApproximate() == GeluApproximation::tanh) {
          Value x3 = arith::MulFOp::create(
              b, loc, x, arith::MulFOp::create(b, loc, x, x));
          Value poly = arith::AddFOp::create(
              b, loc, x,
              arith::MulFOp::create(b, loc, scalarConstant(b, loc, t, 0.044715),
                                    x3));
          inner = math::TanhOp::create(
              b, loc,
              arith::MulFOp::create(
                  b, loc, scalarConstant(b, loc, t, std::sqrt(2.0 / M_PI)),
                  poly));
        } else {
          inner = math::ErfOp::create(
              b, loc,
              arith::MulFOp::create(b, loc, x,
                                    scalarConstant(b, loc, t, M_SQRT1_2)));
        }
        Value hx = arith::MulFOp::create(b, loc, half, x);
        return arith::MulFOp::create(b, loc, hx,
                                     arith::AddFOp::create(b, loc, one, inner))
            .getResult();
      })
      .Default([](Operation *) -> Value { return nullptr; });
}

/// Elementwise loom op -> broadcasting linalg.generic. Narrow floats are
/// extended to f32 for the computation and truncated back.
struct ElementwiseToLinalg : ConversionPattern {
  ElementwiseToLinalg(MLIRContext *ctx, StringRef name)
      : ConversionPattern(name, /*benefit=*/1, ctx) {}

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
    Type resultElement = resultType.getElementType();
    Value result = elementwiseGeneric(
        rewriter, op->getLoc(), resultType, operands,
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          if (auto cast = dyn_cast<CastOp>(op))
            return castScalar(b, loc, args[0], resultElement);
          if (isa<SelectOp>(op))
            return arith::SelectOp::create(b, loc, args[0], args[1], args[2]);
          SmallVector<Value> wide;
          for (Value v : args)
            wide.push_back(isNarrowFloat(v.getType())
                               ? castScalar(b, loc, v, b.getF32Type())
                               : v);
          Value r = scalarOf(op, b, loc, wide);
          if (r.getType() != resultElement)
            r = castScalar(b, loc, r, resultElement);
          return r;
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

template <typename... Ops>
void addElementwisePatterns(RewritePatternSet &patterns) {
  (patterns.add<ElementwiseToLinalg>(patterns.getContext(),
                                     Ops::getOperationName()),
   ...);
}

//===----------------------------------------------------------------------===//
// Constants and shape ops
//===----------------------------------------------------------------------===//

struct ConstantToArith : OpConversionPattern<ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConstantOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, op.getType(),
                                                   op.getValue());
    return success();
  }
};

struct ReshapeToTensor : OpConversionPattern<ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value reshaped =
        adaptor.getDims().empty()
            ? reshapeTensor(rewriter, op.getLoc(), adaptor.getInput(),
                            op.getType())
            : reshapeTensor(rewriter, op.getLoc(), adaptor.getInput(),
                            op.getType(), adaptor.getDims());
    if (!reshaped)
      return op.emitOpError()
             << "cannot reshape " << op.getInput().getType() << " to "
             << op.getType()
             << " at run time: each dynamic dimension must stay in a group "
                "of static dimensions (a collapse or an expansion)";
    rewriter.replaceOp(op, reshaped);
    return success();
  }
};

struct TransposeToLinalg : OpConversionPattern<TransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    SmallVector<OpFoldResult> in = sizesOf(rewriter, op.getLoc(),
                                           adaptor.getInput());
    SmallVector<OpFoldResult> sizes;
    for (int64_t p : op.getPermutation())
      sizes.push_back(in[p]);
    Value init = emptyTensor(rewriter, op.getLoc(), sizes,
                             op.getType().getElementType());
    auto t = linalg::TransposeOp::create(rewriter, op.getLoc(),
                                         adaptor.getInput(), init,
                                         op.getPermutation());
    rewriter.replaceOp(op, t.getResult());
    return success();
  }
};

struct BroadcastToLinalg : OpConversionPattern<BroadcastToOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(BroadcastToOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    // Dynamic sizes, when given, are the result's (one per `?`).
    SmallVector<OpFoldResult> sizes;
    if (!adaptor.getDims().empty()) {
      size_t next = 0;
      for (int64_t d : op.getType().getShape())
        sizes.push_back(ShapedType::isDynamic(d)
                            ? OpFoldResult(adaptor.getDims()[next++])
                            : OpFoldResult(rewriter.getIndexAttr(d)));
    }
    rewriter.replaceOp(
        op, elementwiseGeneric(rewriter, op.getLoc(), op.getType(),
                               adaptor.getInput(),
                               [](OpBuilder &, Location, ValueRange a) {
                                 return a[0];
                               },
                               sizes));
    return success();
  }
};

struct ConcatToTensor : OpConversionPattern<ConcatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    int64_t axis = *normalizeDim(op.getAxis(), op.getType().getRank());
    rewriter.replaceOpWithNewOp<tensor::ConcatOp>(op, op.getType(), axis,
                                                  adaptor.getInputs());
    return success();
  }
};

/// A strided slice is a tensor.extract_slice (a view, fused into the
/// consumer's dispatch region) materialized by an elementwise copy.
struct SliceToLinalg : OpConversionPattern<SliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = op.getType();
    SmallVector<OpFoldResult> offsets, sizes, strides;
    // A dynamic dimension is taken whole.
    SmallVector<OpFoldResult> inSizes =
        sizesOf(rewriter, op.getLoc(), adaptor.getInput());
    for (int64_t d = 0; d < type.getRank(); ++d) {
      offsets.push_back(rewriter.getIndexAttr(op.getStarts()[d]));
      sizes.push_back(type.isDynamicDim(d)
                          ? inSizes[d]
                          : rewriter.getIndexAttr(type.getShape()[d]));
      strides.push_back(rewriter.getIndexAttr(op.getStrides()[d]));
    }
    Value view = tensor::ExtractSliceOp::create(
        rewriter, op.getLoc(), type, adaptor.getInput(), offsets, sizes,
        strides);
    rewriter.replaceOp(op, elementwiseGeneric(
                               rewriter, op.getLoc(), type, view,
                               [](OpBuilder &, Location, ValueRange a) {
                                 return a[0];
                               }));
    return success();
  }
};

/// start + i * step: a linalg.generic over the result's index.
struct IotaToLinalg : OpConversionPattern<IotaOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(IotaOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    OpFoldResult size =
        adaptor.getSize() ? OpFoldResult(adaptor.getSize())
                          : OpFoldResult(rewriter.getIndexAttr(type.getDimSize(0)));
    Value init = emptyTensor(rewriter, loc, {size}, type.getElementType());
    int64_t start = op.getStart(), step = op.getStep();
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{}, ValueRange{init},
        ArrayRef<AffineMap>{AffineMap::getMultiDimIdentityMap(1, getContext())},
        SmallVector<utils::IteratorType>{utils::IteratorType::parallel},
        [&](OpBuilder &b, Location l, ValueRange) {
          Value i = arith::IndexCastOp::create(
              b, l, b.getI64Type(), linalg::IndexOp::create(b, l, 0));
          Value v = arith::AddIOp::create(
              b, l,
              arith::MulIOp::create(
                  b, l, i, arith::ConstantIntOp::create(b, l, step, 64)),
              arith::ConstantIntOp::create(b, l, start, 64));
          Type et = type.getElementType();
          if (isa<FloatType>(et))
            v = arith::SIToFPOp::create(b, l, et, v);
          else if (et != v.getType())
            v = arith::TruncIOp::create(b, l, et, v);
          linalg::YieldOp::create(b, l, v);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

struct PadToTensor : OpConversionPattern<PadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(PadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value v = scalarConstant(rewriter, op.getLoc(),
                             op.getType().getElementType(),
                             op.getValue().convertToDouble());
    Value padded = padTensor(rewriter, op.getLoc(), adaptor.getInput(),
                             op.getLow(), op.getHigh(), v);
    rewriter.replaceOp(op, padded);
    return success();
  }
};

/// numpy.take as a generic over the result that reads the index and then
/// extracts from the input (indices wrapped if negative, then clamped).
struct GatherToLinalg : OpConversionPattern<GatherOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GatherOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    MLIRContext *ctx = rewriter.getContext();
    Value data = adaptor.getInput();
    RankedTensorType dataType = tensorTypeOf(data);
    int64_t axis = *normalizeDim(op.getAxis(), dataType.getRank());
    int64_t idxRank = tensorTypeOf(op.getIndices()).getRank();
    RankedTensorType type = op.getType();
    int64_t rank = type.getRank();
    SmallVector<AffineExpr> idxExprs;
    for (int64_t i = 0; i < idxRank; ++i)
      idxExprs.push_back(getAffineDimExpr(axis + i, ctx));
    SmallVector<AffineMap> maps = {
        AffineMap::get(rank, 0, idxExprs, ctx),
        AffineMap::getMultiDimIdentityMap(rank, ctx)};
    // The result's sizes: the data's around `axis`, the indices' in it.
    SmallVector<OpFoldResult> dataSizes = sizesOf(rewriter, op.getLoc(), data);
    SmallVector<OpFoldResult> sizes(dataSizes.begin(),
                                    dataSizes.begin() + axis);
    llvm::append_range(sizes,
                       sizesOf(rewriter, op.getLoc(), adaptor.getIndices()));
    sizes.append(dataSizes.begin() + axis + 1, dataSizes.end());
    Value init = emptyTensor(rewriter, op.getLoc(), sizes,
                             type.getElementType());
    Value extent = getValueOrCreateConstantIndexOp(rewriter, op.getLoc(),
                                                   dataSizes[axis]);
    auto generic = linalg::GenericOp::create(
        rewriter, op.getLoc(), TypeRange{type}, adaptor.getIndices(), init,
        maps,
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          Value idx =
              arith::IndexCastOp::create(b, loc, b.getIndexType(), args[0]);
          Value zero = arith::ConstantIndexOp::create(b, loc, 0);
          Value one = arith::ConstantIndexOp::create(b, loc, 1);
          Value n = extent;
          Value last = arith::SubIOp::create(b, loc, extent, one);
          Value isNeg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt,
                                              idx, zero);
          idx = arith::SelectOp::create(
              b, loc, isNeg, arith::AddIOp::create(b, loc, idx, n), idx);
          idx = arith::MaxSIOp::create(b, loc, idx, zero);
          idx = arith::MinSIOp::create(b, loc, idx, last);
          SmallVector<Value> coords;
          for (int64_t d = 0; d < axis; ++d)
            coords.push_back(linalg::IndexOp::create(b, loc, d));
          coords.push_back(idx);
          for (int64_t d = axis + 1; d < dataType.getRank(); ++d)
            coords.push_back(
                linalg::IndexOp::create(b, loc, d - 1 + idxRank));
          Value v = tensor::ExtractOp::create(b, loc, data, coords);
          linalg::YieldOp::create(b, loc, v);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Matmul and contraction
//===----------------------------------------------------------------------===//

struct MatmulToLinalg : OpConversionPattern<MatmulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    Type et = op.getType().getElementType();
    Type acc = computeType(rewriter, et);
    // numpy promotion of vectors to matrices.
    SmallVector<int64_t> l(tensorTypeOf(lhs).getShape()),
        r(tensorTypeOf(rhs).getShape());
    if (l.size() == 1) {
      l.insert(l.begin(), 1);
      lhs = reshapeTensor(rewriter, loc, lhs, RankedTensorType::get(l, et));
    }
    if (r.size() == 1) {
      r.push_back(1);
      rhs = reshapeTensor(rewriter, loc, rhs, RankedTensorType::get(r, et));
    }
    int64_t m = l[l.size() - 2], k = l.back(), n = r.back();
    ArrayRef<int64_t> lb = ArrayRef<int64_t>(l).drop_back(2);
    ArrayRef<int64_t> rb = ArrayRef<int64_t>(r).drop_back(2);
    auto product = [](ArrayRef<int64_t> dims) {
      int64_t p = 1;
      for (int64_t d : dims) {
        if (ShapedType::isDynamic(d))
          return ShapedType::kDynamic;
        p *= d;
      }
      return p;
    };
    int64_t rbatch = product(rb);
    int64_t nb = lb.size();
    // Batch dimensions fold into one by collapsing (dynamic ones too) and
    // come back by an expansion to the operands' sizes.
    SmallVector<OpFoldResult> lsizes = sizesOf(rewriter, loc, lhs);
    SmallVector<OpFoldResult> rsizes = sizesOf(rewriter, loc, rhs);
    auto groupsOf = [](int64_t rank, int64_t folded) {
      SmallVector<ReassociationIndices> groups(1);
      for (int64_t d = 0; d < rank; ++d) {
        if (d >= folded)
          groups.emplace_back();
        groups.back().push_back(d);
      }
      return groups;
    };
    auto collapse = [&](Value v, int64_t folded) -> Value {
      int64_t rank = tensorTypeOf(v).getRank();
      if (folded <= 1)
        return v;
      return tensor::CollapseShapeOp::create(rewriter, loc, v,
                                             groupsOf(rank, folded));
    };

    Value result;
    int64_t folded; // the result's leading dimensions folded into one
    if (rb.empty() || rbatch == 1) {
      // Batch of lhs rows times one matrix: fold the batch into M.
      Value l2 = collapse(lhs, nb + 1);
      Value r2 = rb.empty() ? rhs
                            : reshapeTensor(rewriter, loc, rhs,
                                            RankedTensorType::get({k, n}, et));
      if (!r2)
        return rewriter.notifyMatchFailure(op, "unsupported dynamic reshape");
      Value init = zeroFilled(rewriter, loc,
                              {sizesOf(rewriter, loc, l2)[0],
                               sizesOf(rewriter, loc, r2)[1]},
                              acc);
      result = linalg::MatmulOp::create(rewriter, loc, ValueRange{l2, r2},
                                        ValueRange{init})
                   .getResult(0);
      folded = nb + 1;
    } else if (lb == rb) {
      // (Equal batch dimensions, dynamic ones assumed equal as elsewhere.)
      Value l3 = nb == 0 ? lhs : collapse(lhs, nb);
      Value r3 = nb == 0 ? rhs : collapse(rhs, nb);
      SmallVector<OpFoldResult> ls = sizesOf(rewriter, loc, l3);
      Value init = zeroFilled(
          rewriter, loc, {ls[0], ls[1], sizesOf(rewriter, loc, r3)[2]}, acc);
      result = linalg::BatchMatmulOp::create(rewriter, loc, ValueRange{l3, r3},
                                             ValueRange{init})
                   .getResult(0);
      folded = nb;
    } else {
      if (!tensorTypeOf(lhs).hasStaticShape() ||
          !tensorTypeOf(rhs).hasStaticShape())
        return rewriter.notifyMatchFailure(
            op, "broadcast batch dimensions must be static");
      result = broadcastBatchMatmul(rewriter, loc, lhs, rhs, acc);
      folded = 0;
    }
    if (folded > 1) {
      // Back to the batch dimensions, m and n.
      SmallVector<OpFoldResult> outSizes(lsizes.begin(), lsizes.end() - 1);
      outSizes.push_back(rsizes.back());
      SmallVector<int64_t> outShape(lb);
      outShape.push_back(m);
      outShape.push_back(n);
      result = tensor::ExpandShapeOp::create(
          rewriter, loc,
          RankedTensorType::get(outShape, tensorTypeOf(result).getElementType()),
          result, groupsOf(outShape.size(), folded), outSizes);
    }
    result = castTensor(rewriter, loc, result, et);
    Value reshapedResult = reshapeTensor(rewriter, loc, result, op.getType());
    if (!reshapedResult)
      return rewriter.notifyMatchFailure(op, "unsupported dynamic reshape");
    rewriter.replaceOp(op, reshapedResult);
    return success();
  }

  /// General case: batch dimensions broadcast against each other.
  static Value broadcastBatchMatmul(OpBuilder &b, Location loc, Value lhs,
                                    Value rhs, Type acc) {
    MLIRContext *ctx = b.getContext();
    ArrayRef<int64_t> l = tensorTypeOf(lhs).getShape(),
                      r = tensorTypeOf(rhs).getShape();
    SmallVector<int64_t> batch = *broadcastShapes(
        {l.drop_back(2), r.drop_back(2)});
    int64_t nb = batch.size();
    // Iteration: batch..., m, n, k.
    auto operandMap = [&](ArrayRef<int64_t> shape, AffineExpr row,
                          AffineExpr col) {
      ArrayRef<int64_t> ob = shape.drop_back(2);
      SmallVector<AffineExpr> exprs;
      size_t offset = nb - ob.size();
      for (size_t i = 0; i < ob.size(); ++i)
        exprs.push_back(ob[i] == 1 && batch[offset + i] != 1
                            ? getAffineConstantExpr(0, ctx)
                            : getAffineDimExpr(offset + i, ctx));
      exprs.push_back(row);
      exprs.push_back(col);
      return AffineMap::get(nb + 3, 0, exprs, ctx);
    };
    AffineExpr dm = getAffineDimExpr(nb, ctx), dn = getAffineDimExpr(nb + 1, ctx),
               dk = getAffineDimExpr(nb + 2, ctx);
    SmallVector<AffineExpr> outExprs;
    for (int64_t i = 0; i < nb; ++i)
      outExprs.push_back(getAffineDimExpr(i, ctx));
    outExprs.push_back(dm);
    outExprs.push_back(dn);
    SmallVector<AffineMap> maps = {operandMap(l, dm, dk), operandMap(r, dk, dn),
                                   AffineMap::get(nb + 3, 0, outExprs, ctx)};
    SmallVector<utils::IteratorType> iters(nb + 2,
                                           utils::IteratorType::parallel);
    iters.push_back(utils::IteratorType::reduction);
    SmallVector<int64_t> outShape(batch);
    outShape.push_back(l[l.size() - 2]);
    outShape.push_back(r.back());
    Value init = zeroFilled(b, loc, outShape, acc);
    return linalg::GenericOp::create(
               b, loc, TypeRange{init.getType()}, ValueRange{lhs, rhs}, init,
               maps, iters,
               [&](OpBuilder &nb2, Location nloc, ValueRange a) {
                 Value x = castScalar(nb2, nloc, a[0], acc);
                 Value y = castScalar(nb2, nloc, a[1], acc);
                 Value p = isa<FloatType>(acc)
                               ? arith::MulFOp::create(nb2, nloc, x, y).getResult()
                               : arith::MulIOp::create(nb2, nloc, x, y).getResult();
                 Value s = isa<FloatType>(acc)
                               ? arith::AddFOp::create(nb2, nloc, a[2], p).getResult()
                               : arith::AddIOp::create(nb2, nloc, a[2], p).getResult();
                 linalg::YieldOp::create(nb2, nloc, s);
               })
        .getResult(0);
  }
};

/// An N-ary einsum as one linalg.generic: output labels are the parallel
/// dims, the other labels reduction dims, a repeated label in a term reads a
/// diagonal. (--loom-contract-order splits N-ary contractions into pairs
/// before this runs in the default pipeline.)
struct ContractToLinalg : OpConversionPattern<ContractOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ContractOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    MLIRContext *ctx = rewriter.getContext();
    Location loc = op.getLoc();
    std::string error;
    EinsumSpec spec = *EinsumSpec::parse(op.getSpec(), error);
    SmallVector<std::string> labels(spec.output.begin(), spec.output.end());
    for (const EinsumSpec::Term &term : spec.inputs)
      for (const std::string &c : term)
        if (!llvm::is_contained(labels, c))
          labels.push_back(c);
    auto dimOf = [&](const std::string &c) {
      return getAffineDimExpr(llvm::find(labels, c) - labels.begin(), ctx);
    };
    int64_t numDims = labels.size();
    SmallVector<AffineMap> maps;
    for (const EinsumSpec::Term &term : spec.inputs) {
      SmallVector<AffineExpr> exprs;
      for (const std::string &c : term)
        exprs.push_back(dimOf(c));
      maps.push_back(AffineMap::get(numDims, 0, exprs, ctx));
    }
    SmallVector<AffineExpr> outExprs;
    for (const std::string &c : spec.output)
      outExprs.push_back(dimOf(c));
    maps.push_back(AffineMap::get(numDims, 0, outExprs, ctx));
    SmallVector<utils::IteratorType> iters;
    for (int64_t i = 0; i < numDims; ++i)
      iters.push_back(i < (int64_t)spec.output.size()
                          ? utils::IteratorType::parallel
                          : utils::IteratorType::reduction);
    Type et = op.getType().getElementType();
    Type acc = computeType(rewriter, et);
    // Without summed labels (an outer or Hadamard product) the op is purely
    // elementwise: it must not read its init, so that it fuses like one.
    bool sums = numDims > (int64_t)spec.output.size();
    Value init =
        sums ? zeroFilled(rewriter, loc, op.getType().getShape(), acc)
             : emptyTensor(rewriter, loc, op.getType().getShape(), acc);
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{init.getType()}, adaptor.getInputs(), init,
            maps, iters,
            [&](OpBuilder &b, Location nloc, ValueRange a) {
              bool isFloat = isa<FloatType>(acc);
              Value p = castScalar(b, nloc, a[0], acc);
              for (Value v : a.drop_front().drop_back()) {
                Value w = castScalar(b, nloc, v, acc);
                p = isFloat ? arith::MulFOp::create(b, nloc, p, w).getResult()
                            : arith::MulIOp::create(b, nloc, p, w).getResult();
              }
              if (!sums) {
                linalg::YieldOp::create(b, nloc, p);
                return;
              }
              Value s = isFloat
                            ? arith::AddFOp::create(b, nloc, a.back(), p).getResult()
                            : arith::AddIOp::create(b, nloc, a.back(), p).getResult();
              linalg::YieldOp::create(b, nloc, s);
            })
            .getResult(0);
    rewriter.replaceOp(op, castTensor(rewriter, loc, result, et));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

enum class ReduceKind { Sum, Mean, Max, Min, Prod };

/// A max or min that skips NaNs (maxnum/minnum semantics).
template <typename ReduceOp> bool ignoresNan(ReduceOp op) {
  if constexpr (std::is_same_v<ReduceOp, ReduceMaxOp> ||
                std::is_same_v<ReduceOp, ReduceMinOp>)
    return op.getIgnoreNan();
  return false;
}

template <typename ReduceOp, ReduceKind Kind>
struct ReduceToLinalg : OpConversionPattern<ReduceOp> {
  using OpConversionPattern<ReduceOp>::OpConversionPattern;
  using OpAdaptor = typename ReduceOp::Adaptor;
  LogicalResult
  matchAndRewrite(ReduceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    MLIRContext *ctx = rewriter.getContext();
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    RankedTensorType in = tensorTypeOf(input);
    int64_t rank = in.getRank();
    SmallVector<int64_t> dims;
    for (int64_t d : op.getDims())
      dims.push_back(*normalizeDim(d, rank));
    Type et = in.getElementType();
    Type acc = computeType(rewriter, et);
    bool isFloat = isa<FloatType>(acc);

    SmallVector<int64_t> outShape;
    SmallVector<OpFoldResult> outSizes, inSizes = sizesOf(rewriter, loc, input);
    SmallVector<AffineExpr> outExprs;
    SmallVector<utils::IteratorType> iters;
    int64_t count = 1;
    Value dynamicCount; // the reduced dynamic extents' product (index)
    for (int64_t d = 0; d < rank; ++d) {
      if (llvm::is_contained(dims, d)) {
        iters.push_back(utils::IteratorType::reduction);
        if (in.isDynamicDim(d)) {
          Value extent = cast<Value>(inSizes[d]);
          dynamicCount = dynamicCount ? arith::MulIOp::create(
                                            rewriter, loc, dynamicCount, extent)
                                            .getResult()
                                      : extent;
        } else {
          count *= in.getShape()[d];
        }
      } else {
        iters.push_back(utils::IteratorType::parallel);
        outShape.push_back(in.getShape()[d]);
        outSizes.push_back(inSizes[d]);
        outExprs.push_back(getAffineDimExpr(d, ctx));
      }
    }
    Value identity;
    switch (Kind) {
    case ReduceKind::Sum:
    case ReduceKind::Mean:
      identity = scalarConstant(rewriter, loc, acc, 0);
      break;
    case ReduceKind::Prod:
      identity = scalarConstant(rewriter, loc, acc, 1);
      break;
    case ReduceKind::Max:
      identity = lowestValue(rewriter, loc, acc);
      break;
    case ReduceKind::Min:
      identity = highestValue(rewriter, loc, acc);
      break;
    }
    Value init = filledTensor(rewriter, loc, outSizes, identity);
    SmallVector<AffineMap> maps = {
        AffineMap::getMultiDimIdentityMap(rank, ctx),
        AffineMap::get(rank, 0, outExprs, ctx)};
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{init.getType()}, input, init, maps, iters,
            [&](OpBuilder &b, Location nloc, ValueRange a) {
              Value x = castScalar(b, nloc, a[0], acc), y = a[1];
              Value r;
              switch (Kind) {
              case ReduceKind::Sum:
              case ReduceKind::Mean:
                r = isFloat ? arith::AddFOp::create(b, nloc, x, y).getResult()
                            : arith::AddIOp::create(b, nloc, x, y).getResult();
                break;
              case ReduceKind::Prod:
                r = isFloat ? arith::MulFOp::create(b, nloc, x, y).getResult()
                            : arith::MulIOp::create(b, nloc, x, y).getResult();
                break;
              case ReduceKind::Max:
                r = !isFloat ? arith::MaxSIOp::create(b, nloc, x, y).getResult()
                    : ignoresNan(op)
                        ? arith::MaxNumFOp::create(b, nloc, x, y).getResult()
                        : arith::MaximumFOp::create(b, nloc, x, y).getResult();
                break;
              case ReduceKind::Min:
                r = !isFloat ? arith::MinSIOp::create(b, nloc, x, y).getResult()
                    : ignoresNan(op)
                        ? arith::MinNumFOp::create(b, nloc, x, y).getResult()
                        : arith::MinimumFOp::create(b, nloc, x, y).getResult();
                break;
              }
              linalg::YieldOp::create(b, nloc, r);
            })
            .getResult(0);
    RankedTensorType reducedType = RankedTensorType::get(outShape, et);
    if (Kind == ReduceKind::Mean) {
      result = elementwiseGeneric(
          rewriter, loc, reducedType, result,
          [&](OpBuilder &b, Location nloc, ValueRange a) {
            Value scale = scalarConstant(b, nloc, acc,
                                         1.0 / static_cast<double>(count));
            if (dynamicCount) {
              // 1 / (count * the dynamic extents): loop invariant, hoisted
              // out of the kernel's loops.
              Value n = arith::IndexCastUIOp::create(b, nloc, b.getI64Type(),
                                                     dynamicCount);
              Value nf = arith::UIToFPOp::create(b, nloc, acc, n);
              scale = arith::DivFOp::create(b, nloc, scale, nf);
            }
            Value s = arith::MulFOp::create(b, nloc, a[0], scale);
            return castScalar(b, nloc, s, et);
          });
    } else {
      result = castTensor(rewriter, loc, result, et);
    }
    rewriter.replaceOp(op, reshapeTensor(rewriter, loc, result, op.getType()));
    return success();
  }
};

struct ArgmaxToLinalg : OpConversionPattern<ArgmaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ArgmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    MLIRContext *ctx = rewriter.getContext();
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    RankedTensorType in = tensorTypeOf(input);
    int64_t rank = in.getRank();
    int64_t dim = *normalizeDim(op.getDim(), rank);
    Type et = in.getElementType();
    Type acc = computeType(rewriter, et);
    Type idxType = op.getType().getElementType();
    SmallVector<int64_t> outShape;
    SmallVector<AffineExpr> outExprs;
    SmallVector<utils::IteratorType> iters;
    for (int64_t d = 0; d < rank; ++d) {
      if (d == dim) {
        iters.push_back(utils::IteratorType::reduction);
        continue;
      }
      iters.push_back(utils::IteratorType::parallel);
      outShape.push_back(in.getShape()[d]);
      outExprs.push_back(getAffineDimExpr(d, ctx));
    }
    Value maxInit = filledTensor(rewriter, loc,
                                 RankedTensorType::get(outShape, acc),
                                 lowestValue(rewriter, loc, acc));
    Value idxInit = zeroFilled(rewriter, loc, outShape, idxType);
    AffineMap outMap = AffineMap::get(rank, 0, outExprs, ctx);
    SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(rank, ctx),
                                   outMap, outMap};
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{maxInit.getType(), idxInit.getType()}, input,
        ValueRange{maxInit, idxInit}, maps, iters,
        [&](OpBuilder &b, Location nloc, ValueRange a) {
          Value x = castScalar(b, nloc, a[0], acc);
          Value greater =
              isa<FloatType>(acc)
                  ? arith::CmpFOp::create(b, nloc, arith::CmpFPredicate::OGT, x,
                                          a[1])
                        .getResult()
                  : arith::CmpIOp::create(b, nloc, arith::CmpIPredicate::sgt, x,
                                          a[1])
                        .getResult();
          Value i = arith::IndexCastOp::create(
              b, nloc, idxType, linalg::IndexOp::create(b, nloc, dim));
          Value newMax = arith::SelectOp::create(b, nloc, greater, x, a[1]);
          Value newIdx = arith::SelectOp::create(b, nloc, greater, i, a[2]);
          linalg::YieldOp::create(b, nloc, ValueRange{newMax, newIdx});
        });
    rewriter.replaceOp(op, reshapeTensor(rewriter, loc, generic.getResult(1),
                                         op.getType()));
    return success();
  }
};

/// segment_sum as a loop over the rows of data (flattened to [rows, F])
/// that adds each row into the row of the result its id names, skipping
/// ids out of range; the row addition is a linalg.generic (vectorized).
/// Rows with the same id are added in order, so the loop is sequential; the
/// kernel it becomes is one workgroup.
struct SegmentSumToLinalg : OpConversionPattern<SegmentSumOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SegmentSumOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    Type et = type.getElementType();
    Type acc = computeType(rewriter, et);
    ArrayRef<int64_t> dataShape = tensorTypeOf(adaptor.getData()).getShape();
    int64_t rows = dataShape[0], segments = op.getNumSegments();
    int64_t width = 1;
    for (int64_t d : dataShape.drop_front())
      width *= d;
    Value data = castTensor(rewriter, loc, adaptor.getData(), acc);
    data = reshapeTensor(rewriter, loc, data,
                         RankedTensorType::get({rows, width}, acc));
    Value ids = adaptor.getSegmentIds();
    Type idType = tensorTypeOf(ids).getElementType();
    Value init = zeroFilled(rewriter, loc, {segments, width}, acc);
    auto rowType = RankedTensorType::get({width}, acc);
    SmallVector<OpFoldResult> sizes = {rewriter.getIndexAttr(1),
                                       rewriter.getIndexAttr(width)};
    SmallVector<OpFoldResult> unitStrides(2, rewriter.getIndexAttr(1));
    Value lb = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value ub = arith::ConstantIndexOp::create(rewriter, loc, rows);
    Value step = arith::ConstantIndexOp::create(rewriter, loc, 1);
    auto loop = scf::ForOp::create(
        rewriter, loc, lb, ub, step, ValueRange{init},
        [&](OpBuilder &b, Location l, Value row, ValueRange iter) {
          Value sums = iter[0];
          Value id = tensor::ExtractOp::create(b, l, ids, ValueRange{row});
          Value zero = arith::ConstantOp::create(b, l, b.getIntegerAttr(idType, 0));
          Value count = arith::ConstantOp::create(
              b, l, b.getIntegerAttr(idType, segments));
          Value inRange = arith::AndIOp::create(
              b, l,
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, id, zero),
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, id,
                                    count));
          auto ifOp = scf::IfOp::create(
              b, l, inRange,
              [&](OpBuilder &tb, Location tl) {
                Value target =
                    arith::IndexCastOp::create(tb, tl, tb.getIndexType(), id);
                Value zeroIdx = arith::ConstantIndexOp::create(tb, tl, 0);
                Value src = tensor::ExtractSliceOp::create(
                    tb, tl, rowType, data,
                    ArrayRef<OpFoldResult>{row, zeroIdx}, sizes, unitStrides);
                SmallVector<OpFoldResult> at = {target, zeroIdx};
                Value dst = tensor::ExtractSliceOp::create(
                    tb, tl, rowType, sums, at, sizes, unitStrides);
                AffineMap id1 = tb.getMultiDimIdentityMap(1);
                Value added =
                    linalg::GenericOp::create(
                        tb, tl, TypeRange{rowType}, ValueRange{src, dst},
                        ValueRange{dst}, ArrayRef<AffineMap>{id1, id1, id1},
                        ArrayRef<utils::IteratorType>{
                            utils::IteratorType::parallel},
                        [&](OpBuilder &gb, Location gl, ValueRange args) {
                          Value v =
                              isa<FloatType>(acc)
                                  ? (Value)arith::AddFOp::create(gb, gl, args[0],
                                                                 args[1])
                                  : (Value)arith::AddIOp::create(gb, gl, args[0],
                                                                 args[1]);
                          linalg::YieldOp::create(gb, gl, v);
                        })
                        .getResult(0);
                Value updated = tensor::InsertSliceOp::create(
                    tb, tl, added, sums, at, sizes, unitStrides);
                scf::YieldOp::create(tb, tl, updated);
              },
              [&](OpBuilder &eb, Location el) {
                scf::YieldOp::create(eb, el, sums);
              });
          scf::YieldOp::create(b, l, ifOp.getResult(0));
        });
    Value result = reshapeTensor(rewriter, loc, loop.getResult(0),
                                 RankedTensorType::get(type.getShape(), acc));
    rewriter.replaceOp(op, castTensor(rewriter, loc, result, et));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

/// loom.scan as an scf.for over the steps carrying the state and the
/// stacked per-step outputs: each step slices the sequences, runs a copy of
/// the body (loom ops, converted with the rest) and inserts its outputs at
/// the step's row. The loop is a kernel root of its own (one workgroup);
/// the body's ops are tiled and vectorized inside it.
struct ScanToLoop : OpRewritePattern<ScanOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ScanOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    int64_t steps = tensorTypeOf(op.getSequences()[0]).getDimSize(0);
    size_t carried = op.getInits().size();
    SmallVector<Value> iterInits(op.getInits());
    for (Value r : op.getResults().drop_front(carried)) {
      RankedTensorType t = tensorTypeOf(r);
      iterInits.push_back(
          emptyTensor(rewriter, loc, t.getShape(), t.getElementType()));
    }
    Block &body = op.getBody().front();
    auto yield = cast<YieldOp>(body.getTerminator());
    Value lb = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value ub = arith::ConstantIndexOp::create(rewriter, loc, steps);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    auto rowSlice = [&](OpBuilder &b, Value step, RankedTensorType full,
                        SmallVector<OpFoldResult> &offsets,
                        SmallVector<OpFoldResult> &sizes,
                        SmallVector<OpFoldResult> &strides) {
      offsets.assign(full.getRank(), b.getIndexAttr(0));
      offsets[0] = step;
      sizes.clear();
      sizes.push_back(b.getIndexAttr(1));
      for (int64_t d : full.getShape().drop_front())
        sizes.push_back(b.getIndexAttr(d));
      strides.assign(full.getRank(), b.getIndexAttr(1));
    };
    auto loop = scf::ForOp::create(
        rewriter, loc, lb, ub, one, iterInits,
        [&](OpBuilder &b, Location l, Value step, ValueRange iter) {
          IRMapping map;
          for (size_t i = 0; i < carried; ++i)
            map.map(body.getArgument(i), iter[i]);
          SmallVector<OpFoldResult> offsets, sizes, strides;
          for (auto [j, seq] : llvm::enumerate(op.getSequences())) {
            RankedTensorType full = tensorTypeOf(seq);
            rowSlice(b, step, full, offsets, sizes, strides);
            auto sliceType = cast<RankedTensorType>(
                body.getArgument(carried + j).getType());
            map.map(body.getArgument(carried + j),
                    tensor::ExtractSliceOp::create(b, l, sliceType, seq,
                                                   offsets, sizes, strides));
          }
          for (Operation &inner : body.without_terminator())
            b.clone(inner, map);
          SmallVector<Value> next;
          for (auto [i, v] : llvm::enumerate(yield.getValues())) {
            Value value = map.lookupOrDefault(v);
            if (i < carried) {
              // Written back into the state's own buffer once the step has
              // read it (bufferization keeps loop state in place).
              next.push_back(linalg::CopyOp::create(b, l, value, iter[i])
                                 .getResult(0));
              continue;
            }
            RankedTensorType full = tensorTypeOf(iter[i]);
            rowSlice(b, step, full, offsets, sizes, strides);
            next.push_back(tensor::InsertSliceOp::create(
                b, l, value, iter[i], offsets, sizes, strides));
          }
          scf::YieldOp::create(b, l, next);
        });
    rewriter.replaceOp(op, loop.getResults());
    return success();
  }
};

struct LoomToLinalgPass
    : public loom::impl::LoomToLinalgBase<LoomToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    {
      RewritePatternSet patterns(ctx);
      populateLoomDecompositionPatterns(patterns);
      patterns.add<ScanToLoop>(ctx);
      if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
        return signalPassFailure();
    }
    ConversionTarget target(*ctx);
    target.addLegalDialect<linalg::LinalgDialect, tensor::TensorDialect,
                           arith::ArithDialect, math::MathDialect,
                           scf::SCFDialect>();
    target.addIllegalDialect<LoomDialect>();
    target.addLegalOp<DispatchOp, YieldOp, SliceLoopOp>();
    RewritePatternSet patterns(ctx);
    addElementwisePatterns<AddOp, SubOp, MulOp, DivOp, MaxOp, MinOp, PowOp,
                           CompareOp, SelectOp, CastOp, NegOp, AbsOp, ReluOp,
                           ExpOp, LogOp, SqrtOp, RsqrtOp, TanhOp, SigmoidOp,
                           SiluOp, ErfOp, SinOp, CosOp, SoftplusOp, GeluOp,
                           FloorOp, CeilOp, RoundOp, TanOp, AsinOp, AcosOp,
                           AtanOp, SinhOp, CoshOp, AsinhOp, AcoshOp, AtanhOp>(
        patterns);
    patterns.add<ConstantToArith, ReshapeToTensor, TransposeToLinalg,
                 BroadcastToLinalg, ConcatToTensor, SliceToLinalg, PadToTensor,
                 IotaToLinalg,
                 GatherToLinalg, SegmentSumToLinalg, MatmulToLinalg, ContractToLinalg,
                 ArgmaxToLinalg,
                 ReduceToLinalg<ReduceSumOp, ReduceKind::Sum>,
                 ReduceToLinalg<ReduceMeanOp, ReduceKind::Mean>,
                 ReduceToLinalg<ReduceMaxOp, ReduceKind::Max>,
                 ReduceToLinalg<ReduceMinOp, ReduceKind::Min>,
                 ReduceToLinalg<ReduceProdOp, ReduceKind::Prod>>(ctx);
    populateConvolutionToLinalgPatterns(patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))) ||
        failed(resolveDynamicDims(getOperation())))
      signalPassFailure();
  }
};

} // namespace
