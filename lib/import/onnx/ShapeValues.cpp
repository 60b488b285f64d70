//===- ShapeValues.cpp - sizes computed from dynamic dimensions -----------===//
//
// PyTorch exports a dynamic batch or sequence as integer arithmetic on the
// outputs of Shape nodes: Shape -> Gather -> (Mul, Div, Add) -> Unsqueeze ->
// Concat -> Reshape. With static shapes, host evaluation folds all of it to
// constants. With dynamic dimensions the importer follows it here instead,
// element by element: a size known at import time stays a constant, and a
// size that depends on a dynamic dimension becomes index arithmetic
// (tensor.dim, arith) in the function, which Reshape takes as its result's
// dynamic sizes.
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;

namespace loom {
namespace onnx_import {

bool ShapeValue::isConstant() const {
  return llvm::all_of(elems, [](OpFoldResult e) {
    return getConstantIntValue(e).has_value();
  });
}

Tensor ShapeValue::toTensor() const {
  std::vector<int64_t> ints;
  for (OpFoldResult e : elems)
    ints.push_back(*getConstantIntValue(e));
  std::vector<int64_t> shape;
  if (!scalar)
    shape.push_back(ints.size());
  return makeHostTensorInts(dtype, shape, ints);
}

namespace {

enum class SizeOp { Add, Sub, Mul, Div, Max, Min };

int64_t foldSizeOp(SizeOp op, int64_t x, int64_t y) {
  switch (op) {
  case SizeOp::Add: return x + y;
  case SizeOp::Sub: return x - y;
  case SizeOp::Mul: return x * y;
  case SizeOp::Div: return x / y; // ONNX integer Div truncates, as C++ does
  case SizeOp::Max: return std::max(x, y);
  case SizeOp::Min: return std::min(x, y);
  }
  return 0;
}

OpFoldResult sizeOp(OpBuilder &b, Location loc, SizeOp op, OpFoldResult x,
                    OpFoldResult y) {
  std::optional<int64_t> cx = getConstantIntValue(x),
                         cy = getConstantIntValue(y);
  if (cx && cy && !(op == SizeOp::Div && *cy == 0))
    return b.getIndexAttr(foldSizeOp(op, *cx, *cy));
  // x * 1, x / 1, x + 0, x - 0 are x.
  if (cy && ((*cy == 1 && (op == SizeOp::Mul || op == SizeOp::Div)) ||
             (*cy == 0 && (op == SizeOp::Add || op == SizeOp::Sub))))
    return x;
  if (cx && ((*cx == 1 && op == SizeOp::Mul) || (*cx == 0 && op == SizeOp::Add)))
    return y;
  Value vx = getValueOrCreateConstantIndexOp(b, loc, x);
  Value vy = getValueOrCreateConstantIndexOp(b, loc, y);
  switch (op) {
  case SizeOp::Add: return arith::AddIOp::create(b, loc, vx, vy).getResult();
  case SizeOp::Sub: return arith::SubIOp::create(b, loc, vx, vy).getResult();
  case SizeOp::Mul: return arith::MulIOp::create(b, loc, vx, vy).getResult();
  case SizeOp::Div: return arith::DivSIOp::create(b, loc, vx, vy).getResult();
  case SizeOp::Max: return arith::MaxSIOp::create(b, loc, vx, vy).getResult();
  case SizeOp::Min: return arith::MinSIOp::create(b, loc, vx, vy).getResult();
  }
  return {};
}

std::optional<SizeOp> sizeOpOf(llvm::StringRef opType) {
  return llvm::StringSwitch<std::optional<SizeOp>>(opType)
      .Case("Add", SizeOp::Add)
      .Case("Sub", SizeOp::Sub)
      .Case("Mul", SizeOp::Mul)
      .Case("Div", SizeOp::Div)
      .Case("Max", SizeOp::Max)
      .Case("Min", SizeOp::Min)
      .Default(std::nullopt);
}

bool isIntegerDType(DType t) {
  return t == DType::Int64 || t == DType::Int32;
}

/// An operand as a shape value: a shape value, or a small integer constant
/// of rank 0 or 1.
std::optional<ShapeValue> asShapeValue(OpBuilder &b, const ShapeOperand &in) {
  if (in.symbolic)
    return *in.symbolic;
  if (!in.constant || !isIntegerDType(in.constant->dtype) ||
      in.constant->shape.size() > 1)
    return std::nullopt;
  ShapeValue v;
  v.dtype = in.constant->dtype;
  v.scalar = in.constant->shape.empty();
  for (int64_t x : hostInts(*in.constant))
    v.elems.push_back(b.getIndexAttr(x));
  return v;
}

int64_t intAttrOf(const Node &node, llvm::StringRef name, int64_t dflt) {
  auto it = node.attributes.find(name.str());
  return it == node.attributes.end() ? dflt : it->second.i;
}

/// The axes of Squeeze/Unsqueeze: the attribute (opset < 13) or input 1.
std::optional<std::vector<int64_t>> axesOf(const Node &node,
                                           llvm::ArrayRef<ShapeOperand> ins) {
  auto it = node.attributes.find("axes");
  if (it != node.attributes.end())
    return it->second.ints;
  if (ins.size() > 1 && ins[1].constant)
    return hostInts(*ins[1].constant);
  if (ins.size() > 1)
    return std::nullopt;
  return std::vector<int64_t>{};
}

} // namespace

OpFoldResult sizeMul(OpBuilder &b, Location loc, OpFoldResult x,
                     OpFoldResult y) {
  return sizeOp(b, loc, SizeOp::Mul, x, y);
}

OpFoldResult sizeDiv(OpBuilder &b, Location loc, OpFoldResult x,
                     OpFoldResult y) {
  return sizeOp(b, loc, SizeOp::Div, x, y);
}

OpFoldResult dimOf(OpBuilder &b, Location loc, Value x, int64_t d) {
  int64_t size = llvm::cast<RankedTensorType>(x.getType()).getDimSize(d);
  if (!ShapedType::isDynamic(size))
    return b.getIndexAttr(size);
  return tensor::DimOp::create(b, loc, x, d).getResult();
}

bool evaluateShapeValue(const Node &node, llvm::ArrayRef<ShapeOperand> ins,
                        OpBuilder &b, Location loc, ShapeValue &out) {
  const std::string &op = node.opType;
  if (ins.empty())
    return false;
  out = ShapeValue();

  if (op == "Shape" || op == "Size") {
    if (!ins[0].value)
      return false;
    auto type = llvm::cast<RankedTensorType>(ins[0].value.getType());
    int64_t rank = type.getRank();
    if (op == "Size") {
      OpFoldResult count = b.getIndexAttr(1);
      for (int64_t d = 0; d < rank; ++d)
        count = sizeMul(b, loc, count, dimOf(b, loc, ins[0].value, d));
      out.scalar = true;
      out.elems.push_back(count);
      return true;
    }
    auto [start, end] = shapeRange(intAttrOf(node, "start", 0),
                                   intAttrOf(node, "end", rank), rank);
    for (int64_t d = start; d < end; ++d)
      out.elems.push_back(dimOf(b, loc, ins[0].value, d));
    return true;
  }

  // Everything else computes on shape values and small integer constants.
  llvm::SmallVector<ShapeValue> vals;
  for (const ShapeOperand &in : ins) {
    if (!in.constant && !in.symbolic && !in.value) { // an omitted input
      vals.emplace_back();
      continue;
    }
    std::optional<ShapeValue> v = asShapeValue(b, in);
    if (!v)
      return false;
    vals.push_back(std::move(*v));
  }
  const ShapeValue &x = vals[0];

  if (op == "Identity") {
    out = x;
    return true;
  }
  if (op == "Cast") {
    auto it = node.attributes.find("to");
    if (it == node.attributes.end())
      return false;
    auto to = static_cast<DType>(it->second.i);
    if (!isIntegerDType(to))
      return false;
    out = x;
    out.dtype = to;
    return true;
  }
  if (std::optional<SizeOp> sop = sizeOpOf(op)) {
    if (vals.size() != 2 || vals[0].dtype != vals[1].dtype)
      return false;
    const ShapeValue &y = vals[1];
    size_t n = std::max(x.elems.size(), y.elems.size());
    if ((x.elems.size() != n && x.elems.size() != 1) ||
        (y.elems.size() != n && y.elems.size() != 1))
      return false;
    out.dtype = x.dtype;
    out.scalar = x.scalar && y.scalar;
    for (size_t i = 0; i < n; ++i) {
      OpFoldResult a = x.elems[x.elems.size() == 1 ? 0 : i];
      OpFoldResult c = y.elems[y.elems.size() == 1 ? 0 : i];
      std::optional<int64_t> cc = getConstantIntValue(c);
      if (*sop == SizeOp::Div && cc && *cc == 0)
        return false;
      out.elems.push_back(sizeOp(b, loc, *sop, a, c));
    }
    return true;
  }
  if (op == "Gather") {
    if (x.scalar || vals.size() != 2 || intAttrOf(node, "axis", 0) != 0 ||
        !ins[1].constant)
      return false;
    int64_t n = x.elems.size();
    out.dtype = x.dtype;
    out.scalar = ins[1].constant->shape.empty();
    if (ins[1].constant->shape.size() > 1)
      return false;
    for (int64_t i : hostInts(*ins[1].constant)) {
      if (i < 0)
        i += n;
      if (i < 0 || i >= n)
        return false;
      out.elems.push_back(x.elems[i]);
    }
    return true;
  }
  if (op == "Unsqueeze" || op == "Squeeze") {
    std::optional<std::vector<int64_t>> axes = axesOf(node, ins);
    if (!axes)
      return false;
    // Only between rank 0 and rank 1.
    if (op == "Unsqueeze" && x.scalar && axes->size() == 1 &&
        ((*axes)[0] == 0 || (*axes)[0] == -1)) {
      out = x;
      out.scalar = false;
      return true;
    }
    if (op == "Squeeze" && !x.scalar && x.elems.size() == 1 &&
        (axes->empty() ||
         (axes->size() == 1 && ((*axes)[0] == 0 || (*axes)[0] == -1)))) {
      out = x;
      out.scalar = true;
      return true;
    }
    return false;
  }
  if (op == "Concat") {
    out.dtype = x.dtype;
    for (const ShapeValue &v : vals) {
      if (v.scalar || v.dtype != x.dtype)
        return false;
      out.elems.append(v.elems.begin(), v.elems.end());
    }
    return true;
  }
  if (op == "Slice") {
    if (x.scalar)
      return false;
    std::vector<std::vector<int64_t>> params;
    for (size_t i = 1; i < 5; ++i) {
      if (i >= ins.size() || (!ins[i].constant && !ins[i].symbolic)) {
        params.emplace_back();
        continue;
      }
      if (!ins[i].constant)
        return false;
      params.push_back(hostInts(*ins[i].constant));
    }
    std::optional<std::vector<SliceDim>> dims =
        sliceDims({static_cast<int64_t>(x.elems.size())}, params[0],
                  params[1], params[2], params[3]);
    if (!dims)
      return false;
    out.dtype = x.dtype;
    SliceDim s = (*dims)[0];
    for (int64_t k = 0; k < s.count; ++k)
      out.elems.push_back(x.elems[s.start + k * s.step]);
    return true;
  }
  return false;
}

} // namespace onnx_import
} // namespace loom
