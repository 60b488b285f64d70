//===- LinalgBuilders.cpp - building linalg on tensors --------------------===//
#include "LinalgBuilders.h"

#include "loom/dialect/TypeUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/IR/AffineMap.h"

#include <limits>

using namespace mlir;

namespace loom {

Value emptyTensor(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                  Type elementType) {
  return tensor::EmptyOp::create(b, loc, shape, elementType);
}

Value emptyTensor(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                  Type elementType) {
  return tensor::EmptyOp::create(b, loc, sizes, elementType);
}

SmallVector<OpFoldResult> sizesOf(OpBuilder &b, Location loc, Value value) {
  return tensor::getMixedSizes(b, loc, value);
}

SmallVector<OpFoldResult> broadcastSizes(OpBuilder &b, Location loc,
                                         ArrayRef<int64_t> shape,
                                         ValueRange operands) {
  SmallVector<OpFoldResult> sizes;
  for (auto [d, size] : llvm::enumerate(shape)) {
    if (!ShapedType::isDynamic(size)) {
      sizes.push_back(b.getIndexAttr(size));
      continue;
    }
    Value dim;
    for (Value operand : operands) {
      auto t = cast<RankedTensorType>(operand.getType());
      int64_t od = int64_t(d) - int64_t(shape.size() - t.getRank());
      if (od >= 0 && t.isDynamicDim(od)) {
        dim = tensor::DimOp::create(b, loc, operand, od);
        break;
      }
    }
    assert(dim && "a dynamic result dimension without a dynamic operand");
    sizes.push_back(dim);
  }
  return sizes;
}

Value filledTensor(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                   Value value) {
  Value empty = emptyTensor(b, loc, sizes, value.getType());
  return linalg::FillOp::create(b, loc, value, empty).getResult(0);
}

Value filledTensor(OpBuilder &b, Location loc, RankedTensorType type,
                   Value value) {
  Value empty = emptyTensor(b, loc, type.getShape(), type.getElementType());
  return linalg::FillOp::create(b, loc, value, empty).getResult(0);
}

Value scalarConstant(OpBuilder &b, Location loc, Type type, double value) {
  if (auto f = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(f, value));
  return arith::ConstantOp::create(
      b, loc, b.getIntegerAttr(type, static_cast<int64_t>(value)));
}

Value lowestValue(OpBuilder &b, Location loc, Type type) {
  if (auto f = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(
        b, loc,
        b.getFloatAttr(f, APFloat::getInf(f.getFloatSemantics(), true)));
  unsigned width = type.getIntOrFloatBitWidth();
  APInt v = width == 1 ? APInt(1, 0) : APInt::getSignedMinValue(width);
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, v));
}

Value highestValue(OpBuilder &b, Location loc, Type type) {
  if (auto f = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(
        b, loc,
        b.getFloatAttr(f, APFloat::getInf(f.getFloatSemantics(), false)));
  unsigned width = type.getIntOrFloatBitWidth();
  APInt v = width == 1 ? APInt(1, 1) : APInt::getSignedMaxValue(width);
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, v));
}

AffineMap broadcastMap(MLIRContext *ctx, ArrayRef<int64_t> operandShape,
                       ArrayRef<int64_t> outputShape) {
  size_t rank = outputShape.size();
  size_t offset = rank - operandShape.size();
  SmallVector<AffineExpr> exprs;
  for (size_t i = 0; i < operandShape.size(); ++i) {
    if (operandShape[i] == 1 && outputShape[offset + i] != 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    else
      exprs.push_back(getAffineDimExpr(offset + i, ctx));
  }
  return AffineMap::get(rank, 0, exprs, ctx);
}

Value elementwiseGeneric(OpBuilder &b, Location loc,
                         RankedTensorType resultType, ValueRange inputs,
                         const ScalarBodyFn &body,
                         ArrayRef<OpFoldResult> sizes) {
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps;
  for (Value in : inputs)
    maps.push_back(broadcastMap(
        ctx, cast<RankedTensorType>(in.getType()).getShape(),
        resultType.getShape()));
  maps.push_back(AffineMap::getMultiDimIdentityMap(resultType.getRank(), ctx));
  SmallVector<utils::IteratorType> iterators(resultType.getRank(),
                                             utils::IteratorType::parallel);
  Value init = emptyTensor(
      b, loc,
      sizes.empty() ? broadcastSizes(b, loc, resultType.getShape(), inputs)
                    : SmallVector<OpFoldResult>(sizes),
      resultType.getElementType());
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, inputs, ValueRange{init}, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value r = body(nb, nloc, args.drop_back());
        linalg::YieldOp::create(nb, nloc, r);
      });
  return generic.getResult(0);
}

Value reshapeTensor(OpBuilder &b, Location loc, Value value,
                    RankedTensorType resultType) {
  auto inType = cast<RankedTensorType>(value.getType());
  if (inType == resultType)
    return value;
  if (!inType.hasStaticShape() || !resultType.hasStaticShape()) {
    std::optional<SmallVector<ReassociationIndices>> groups =
        getReassociationIndicesForReshape(inType, resultType);
    if (!groups)
      return nullptr;
    if (inType.getRank() > resultType.getRank())
      return tensor::CollapseShapeOp::create(b, loc, resultType, value,
                                             *groups);
    // One dynamic size per group: the expansion infers it.
    for (const ReassociationIndices &group : *groups)
      if (llvm::count_if(group, [&](int64_t d) {
            return resultType.isDynamicDim(d);
          }) > 1)
        return nullptr;
    return tensor::ExpandShapeOp::create(b, loc, resultType, value, *groups);
  }
  // Static shapes: through one dimension.
  return reshapeTensor(b, loc, value, resultType, ValueRange{});
}

Value reshapeTensor(OpBuilder &b, Location loc, Value value,
                    RankedTensorType resultType, ValueRange dims) {
  auto inType = cast<RankedTensorType>(value.getType());
  // The result's sizes: its static ones, and `dims` for the dynamic ones.
  SmallVector<OpFoldResult> outSizes;
  size_t next = 0;
  for (int64_t d : resultType.getShape())
    outSizes.push_back(ShapedType::isDynamic(d) ? OpFoldResult(dims[next++])
                                                : b.getIndexAttr(d));
  // Through one dimension: collapse the input to it (or expand a scalar to
  // it), then expand to the result (or collapse to a scalar).
  Value flat = value;
  if (inType.getRank() != 1) {
    ReassociationIndices all;
    for (int64_t i = 0; i < inType.getRank(); ++i)
      all.push_back(i);
    int64_t count = inType.hasStaticShape() ? inType.getNumElements()
                                            : ShapedType::kDynamic;
    auto flatType = RankedTensorType::get({count}, inType.getElementType());
    if (inType.getRank() == 0)
      flat = tensor::ExpandShapeOp::create(b, loc, flatType, value,
                                           ArrayRef<ReassociationIndices>{});
    else
      flat = tensor::CollapseShapeOp::create(
          b, loc, flatType, value, ArrayRef<ReassociationIndices>{all});
  }
  if (resultType.getRank() == 1)
    return flat.getType() == resultType
               ? flat
               : tensor::CastOp::create(b, loc, resultType, flat).getResult();
  if (resultType.getRank() == 0)
    return tensor::CollapseShapeOp::create(b, loc, resultType, flat,
                                           ArrayRef<ReassociationIndices>{});
  ReassociationIndices all;
  for (int64_t i = 0; i < resultType.getRank(); ++i)
    all.push_back(i);
  return tensor::ExpandShapeOp::create(b, loc, resultType, flat,
                                       ArrayRef<ReassociationIndices>{all},
                                       outSizes);
}

bool isNarrowFloat(Type t) { return t.isF16() || t.isBF16(); }

Type computeType(OpBuilder &b, Type t) {
  return isNarrowFloat(t) ? b.getF32Type() : t;
}

Value castTensor(OpBuilder &b, Location loc, Value v, Type elementType) {
  RankedTensorType t = tensorTypeOf(v);
  if (t.getElementType() == elementType)
    return v;
  return elementwiseGeneric(
      b, loc, RankedTensorType::get(t.getShape(), elementType), v,
      [&](OpBuilder &nb, Location nloc, ValueRange a) {
        return castScalar(nb, nloc, a[0], elementType);
      });
}

Value zeroFilled(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                 Type elementType) {
  return filledTensor(b, loc, sizes, scalarConstant(b, loc, elementType, 0));
}

Value zeroFilled(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                 Type elementType) {
  return filledTensor(b, loc, RankedTensorType::get(shape, elementType),
                      scalarConstant(b, loc, elementType, 0));
}

Value padTensor(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> low,
                ArrayRef<int64_t> high, Value padValue) {
  if (llvm::all_of(low, [](int64_t v) { return v == 0; }) &&
      llvm::all_of(high, [](int64_t v) { return v == 0; }))
    return input;
  RankedTensorType in = tensorTypeOf(input);
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < in.getRank(); ++d)
    shape.push_back(in.isDynamicDim(d) ? ShapedType::kDynamic
                                       : in.getShape()[d] + low[d] + high[d]);
  auto type = RankedTensorType::get(shape, in.getElementType());
  SmallVector<OpFoldResult> lo, hi;
  for (int64_t v : low)
    lo.push_back(b.getIndexAttr(v));
  for (int64_t v : high)
    hi.push_back(b.getIndexAttr(v));
  return tensor::PadOp::create(b, loc, type, input, lo, hi, padValue);
}

Value castScalar(OpBuilder &b, Location loc, Value v, Type to) {
  Type from = v.getType();
  if (from == to)
    return v;
  bool fromFloat = isa<FloatType>(from), toFloat = isa<FloatType>(to);
  if (to.isInteger(1)) {
    Value zero = scalarConstant(b, loc, from, 0);
    if (fromFloat)
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, v, zero);
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, v, zero);
  }
  if (fromFloat && toFloat) {
    if (from.getIntOrFloatBitWidth() < to.getIntOrFloatBitWidth())
      return arith::ExtFOp::create(b, loc, to, v);
    if (from.getIntOrFloatBitWidth() > to.getIntOrFloatBitWidth())
      return arith::TruncFOp::create(b, loc, to, v);
    // f16 <-> bf16: through f32.
    Value wide = arith::ExtFOp::create(b, loc, b.getF32Type(), v);
    return arith::TruncFOp::create(b, loc, to, wide);
  }
  if (fromFloat)
    return arith::FPToSIOp::create(b, loc, to, v);
  if (toFloat) {
    if (from.isInteger(1))
      return arith::UIToFPOp::create(b, loc, to, v);
    return arith::SIToFPOp::create(b, loc, to, v);
  }
  unsigned fw = from.getIntOrFloatBitWidth(), tw = to.getIntOrFloatBitWidth();
  if (fw < tw)
    return from.isInteger(1) ? arith::ExtUIOp::create(b, loc, to, v).getResult()
                             : arith::ExtSIOp::create(b, loc, to, v).getResult();
  return arith::TruncIOp::create(b, loc, to, v);
}

} // namespace loom
