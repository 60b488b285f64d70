//===- LoomBuilder.cpp - building loom ops for the importer ---------------===//
#include "Importer.h"

#include "loom/dialect/ConstantData.h"

#include "llvm/ADT/APFloat.h"

#include <cstring>
#include <limits>

using namespace mlir;

namespace loom {
namespace onnx_import {

std::string formatInts(ArrayRef<int64_t> values) {
  std::string s = "[";
  for (size_t i = 0; i < values.size(); ++i)
    s += (i ? ", " : "") + std::to_string(values[i]);
  return s + "]";
}

SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

int64_t numElementsOf(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

namespace {

/// Loom storage bytes of `values` as `elementType`.
std::vector<char> storageBytes(Type elementType, ArrayRef<double> values) {
  int64_t width = storageBytesPerElement(elementType);
  std::vector<char> bytes(values.size() * width);
  for (size_t i = 0; i < values.size(); ++i) {
    char *dst = bytes.data() + i * width;
    double v = values[i];
    if (elementType.isF32()) {
      float f = static_cast<float>(v);
      std::memcpy(dst, &f, 4);
    } else if (isa<FloatType>(elementType)) {
      llvm::APFloat f(v);
      bool lost;
      f.convert(cast<FloatType>(elementType).getFloatSemantics(),
                llvm::APFloat::rmNearestTiesToEven, &lost);
      uint16_t bits = static_cast<uint16_t>(f.bitcastToAPInt().getZExtValue());
      std::memcpy(dst, &bits, 2);
    } else if (elementType.isInteger(1)) {
      *dst = v != 0;
    } else if (elementType.isInteger(32)) {
      int32_t x = static_cast<int32_t>(v);
      std::memcpy(dst, &x, 4);
    } else {
      int64_t x = static_cast<int64_t>(v);
      std::memcpy(dst, &x, 8);
    }
  }
  return bytes;
}

} // namespace

Value LoomBuilder::splat(Type elementType, double value,
                         ArrayRef<int64_t> shape) {
  auto type = RankedTensorType::get(shape, elementType);
  Attribute scalar;
  if (auto ft = dyn_cast<FloatType>(elementType)) {
    llvm::APFloat f(value);
    bool lost;
    f.convert(ft.getFloatSemantics(), llvm::APFloat::rmNearestTiesToEven,
              &lost);
    scalar = b.getFloatAttr(elementType, f);
  } else if (elementType.isInteger(1)) {
    scalar = b.getBoolAttr(value != 0);
  } else {
    // Saturated: a double at or beyond 2^63 is not an int64 (UB to cast).
    double bound = 9223372036854775807.0;
    int64_t v = value >= bound    ? std::numeric_limits<int64_t>::max()
                : value <= -bound ? std::numeric_limits<int64_t>::min()
                : value != value  ? 0
                                  : static_cast<int64_t>(value);
    scalar = b.getIntegerAttr(elementType, v);
  }
  return ConstantOp::create(b, loc, DenseElementsAttr::get(type, scalar))
      .getResult();
}

Value LoomBuilder::constant(Type elementType, ArrayRef<int64_t> shape,
                            ArrayRef<double> values) {
  auto type = RankedTensorType::get(shape, elementType);
  return ConstantOp::create(
             b, loc, makeConstantAttr(type, storageBytes(elementType, values)))
      .getResult();
}

Value LoomBuilder::constantInts(Type elementType, ArrayRef<int64_t> shape,
                                ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get(shape, elementType);
  int64_t width = storageBytesPerElement(elementType);
  std::vector<char> bytes(values.size() * width);
  for (size_t i = 0; i < values.size(); ++i) {
    if (width == 8) {
      std::memcpy(bytes.data() + i * 8, &values[i], 8);
    } else if (width == 4 && isa<IntegerType>(elementType)) {
      int32_t x = static_cast<int32_t>(values[i]);
      std::memcpy(bytes.data() + i * 4, &x, 4);
    } else if (width == 1) {
      bytes[i] = values[i] != 0;
    } else {
      std::vector<char> one =
          storageBytes(elementType, {static_cast<double>(values[i])});
      std::memcpy(bytes.data() + i * width, one.data(), width);
    }
  }
  return ConstantOp::create(b, loc, makeConstantAttr(type, bytes)).getResult();
}

Value LoomBuilder::add(Value a, Value c) { return binary<AddOp>(a, c); }
Value LoomBuilder::sub(Value a, Value c) { return binary<SubOp>(a, c); }
Value LoomBuilder::mul(Value a, Value c) { return binary<MulOp>(a, c); }
Value LoomBuilder::div(Value a, Value c) { return binary<DivOp>(a, c); }
Value LoomBuilder::max(Value a, Value c) { return binary<MaxOp>(a, c); }
Value LoomBuilder::min(Value a, Value c) { return binary<MinOp>(a, c); }
Value LoomBuilder::pow(Value a, Value c) { return binary<PowOp>(a, c); }

Value LoomBuilder::compare(ComparePredicate predicate, Value a, Value c) {
  SmallVector<int64_t> shape = *broadcastShapes({shapeOf(a), shapeOf(c)});
  auto type = RankedTensorType::get(shape, b.getI1Type());
  return CompareOp::create(b, loc, type, predicate, a, c).getResult();
}

Value LoomBuilder::select(Value cond, Value t, Value f) {
  SmallVector<int64_t> shape =
      *broadcastShapes({shapeOf(cond), shapeOf(t), shapeOf(f)});
  auto type = RankedTensorType::get(shape, elementTypeOf(t));
  return SelectOp::create(b, loc, type, cond, t, f).getResult();
}

Value LoomBuilder::cast(Value x, Type elementType) {
  if (elementTypeOf(x) == elementType)
    return x;
  auto type = RankedTensorType::get(shapeOf(x), elementType);
  return CastOp::create(b, loc, type, x).getResult();
}

Value LoomBuilder::addScalar(Value x, double value) {
  return add(x, splat(elementTypeOf(x), value));
}

Value LoomBuilder::mulScalar(Value x, double value) {
  return mul(x, splat(elementTypeOf(x), value));
}

Value LoomBuilder::reshape(Value x, ArrayRef<int64_t> shape) {
  if (shapeOf(x) == shape)
    return x;
  auto type = RankedTensorType::get(shape, elementTypeOf(x));
  return ReshapeOp::create(b, loc, type, x).getResult();
}

Value LoomBuilder::transpose(Value x, ArrayRef<int64_t> perm) {
  bool identity = true;
  for (size_t i = 0; i < perm.size(); ++i)
    identity &= perm[i] == static_cast<int64_t>(i);
  if (identity)
    return x;
  return TransposeOp::create(b, loc, x, perm).getResult();
}

Value LoomBuilder::broadcastTo(Value x, ArrayRef<int64_t> shape) {
  if (shapeOf(x) == shape)
    return x;
  auto type = RankedTensorType::get(shape, elementTypeOf(x));
  return BroadcastToOp::create(b, loc, type, x).getResult();
}

Value LoomBuilder::concat(ValueRange xs, int64_t axis) {
  if (xs.size() == 1)
    return xs.front();
  SmallVector<int64_t> shape(shapeOf(xs.front()));
  int64_t total = 0;
  for (Value x : xs)
    total += shapeOf(x)[axis];
  shape[axis] = total;
  auto type = RankedTensorType::get(shape, elementTypeOf(xs.front()));
  return ConcatOp::create(b, loc, type, xs, b.getI64IntegerAttr(axis))
      .getResult();
}

Value LoomBuilder::slice(Value x, ArrayRef<int64_t> starts,
                         ArrayRef<int64_t> limits, ArrayRef<int64_t> strides) {
  ArrayRef<int64_t> in = shapeOf(x);
  SmallVector<int64_t> shape;
  bool whole = true;
  for (size_t d = 0; d < in.size(); ++d) {
    // (A dynamic dimension is taken whole: its limit is the dynamic size.)
    int64_t n = ShapedType::isDynamic(limits[d])
                    ? ShapedType::kDynamic
                    : std::max<int64_t>(0, (limits[d] - starts[d] +
                                            strides[d] - 1) / strides[d]);
    shape.push_back(n);
    whole &= starts[d] == 0 && limits[d] == in[d] && strides[d] == 1;
  }
  if (whole)
    return x;
  auto type = RankedTensorType::get(shape, elementTypeOf(x));
  return SliceOp::create(b, loc, type, x, b.getDenseI64ArrayAttr(starts),
                         b.getDenseI64ArrayAttr(limits),
                         b.getDenseI64ArrayAttr(strides))
      .getResult();
}

Value LoomBuilder::sliceAxis(Value x, int64_t axis, int64_t start,
                             int64_t limit, int64_t stride) {
  int64_t rank = rankOf(x);
  SmallVector<int64_t> starts(rank, 0), limits(shapeOf(x)), strides(rank, 1);
  starts[axis] = start;
  limits[axis] = limit;
  strides[axis] = stride;
  return slice(x, starts, limits, strides);
}

Value LoomBuilder::pad(Value x, ArrayRef<int64_t> low, ArrayRef<int64_t> high,
                       double value) {
  bool none = llvm::all_of(low, [](int64_t v) { return v == 0; }) &&
              llvm::all_of(high, [](int64_t v) { return v == 0; });
  if (none)
    return x;
  SmallVector<int64_t> shape(shapeOf(x));
  for (size_t d = 0; d < shape.size(); ++d)
    if (!ShapedType::isDynamic(shape[d]))
      shape[d] += low[d] + high[d];
  auto type = RankedTensorType::get(shape, elementTypeOf(x));
  return PadOp::create(b, loc, type, x, b.getDenseI64ArrayAttr(low),
                       b.getDenseI64ArrayAttr(high), b.getF64FloatAttr(value))
      .getResult();
}

Value LoomBuilder::gather(Value x, Value indices, int64_t axis) {
  ArrayRef<int64_t> in = shapeOf(x);
  SmallVector<int64_t> shape(in.begin(), in.begin() + axis);
  llvm::append_range(shape, shapeOf(indices));
  shape.append(in.begin() + axis + 1, in.end());
  auto type = RankedTensorType::get(shape, elementTypeOf(x));
  return GatherOp::create(b, loc, type, x, indices, b.getI64IntegerAttr(axis))
      .getResult();
}

Value LoomBuilder::reverse(Value x, int64_t axis) {
  int64_t n = shapeOf(x)[axis];
  if (n <= 1)
    return x;
  SmallVector<int64_t> idx;
  for (int64_t i = n - 1; i >= 0; --i)
    idx.push_back(i);
  return gather(x, constantInts(b.getI64Type(), {n}, idx), axis);
}

Value LoomBuilder::matmul(Value a, Value c) {
  return MatmulOp::create(b, loc, a, c).getResult();
}

Value LoomBuilder::contract(StringRef spec, ValueRange xs,
                            ArrayRef<int64_t> resultShape) {
  auto type = RankedTensorType::get(resultShape, elementTypeOf(xs.front()));
  return ContractOp::create(b, loc, type, b.getStringAttr(spec), xs)
      .getResult();
}

Value LoomBuilder::reduce(Reduction kind, Value x, ArrayRef<int64_t> dims,
                          bool keepdims) {
  if (dims.empty())
    return x;
  SmallVector<int64_t> shape;
  ArrayRef<int64_t> in = shapeOf(x);
  for (int64_t d = 0; d < static_cast<int64_t>(in.size()); ++d) {
    if (llvm::is_contained(dims, d)) {
      if (keepdims)
        shape.push_back(1);
    } else {
      shape.push_back(in[d]);
    }
  }
  auto type = RankedTensorType::get(shape, elementTypeOf(x));
  auto dimsAttr = b.getDenseI64ArrayAttr(dims);
  UnitAttr keep = keepdims ? b.getUnitAttr() : UnitAttr();
  switch (kind) {
  case Reduction::Sum:
    return ReduceSumOp::create(b, loc, type, x, dimsAttr, keep).getResult();
  case Reduction::Mean:
    return ReduceMeanOp::create(b, loc, type, x, dimsAttr, keep).getResult();
  case Reduction::Max:
    return ReduceMaxOp::create(b, loc, type, x, dimsAttr, keep).getResult();
  case Reduction::Min:
    return ReduceMinOp::create(b, loc, type, x, dimsAttr, keep).getResult();
  case Reduction::Prod:
    return ReduceProdOp::create(b, loc, type, x, dimsAttr, keep).getResult();
  }
  llvm_unreachable("unknown reduction");
}

Value LoomBuilder::iota(Type elementType, int64_t n, int64_t axis,
                        int64_t rank) {
  SmallVector<int64_t> shape(rank, 1);
  shape[axis] = n;
  std::vector<double> values;
  for (int64_t i = 0; i < n; ++i)
    values.push_back(static_cast<double>(i));
  return constant(elementType, shape, values);
}

} // namespace onnx_import
} // namespace loom
