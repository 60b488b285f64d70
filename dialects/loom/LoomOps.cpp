//===- LoomOps.cpp - loom op verifiers and builders -----------------------===//
//
// Every verifier names the operand and the shapes involved, e.g.
//   'loom.matmul' op contracting dimension mismatch: lhs is 4x8, rhs is 9x3
//
//===----------------------------------------------------------------------===//

#include "VerifierUtils.h"

#include "loom/dialect/LoomOps.h"
#include "loom/dialect/EinsumSpec.h"
#include "loom/dialect/TypeUtils.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallSet.h"
#include "llvm/ADT/StringMap.h"

using namespace mlir;
using namespace loom;

//===----------------------------------------------------------------------===//
// Checks shared with the other verifiers (VerifierUtils.h)
//===----------------------------------------------------------------------===//

namespace loom::OpTrait {

LogicalResult verifyStaticShapes(Operation *op) {
  auto check = [&](Type t, StringRef what, unsigned i) -> LogicalResult {
    auto tensor = dyn_cast<RankedTensorType>(t);
    if (!tensor || tensor.hasStaticShape())
      return success();
    return op->emitOpError()
           << "does not take dynamic dimensions yet: " << what << " #" << i
           << " is " << tensor
           << " (bind the dimension with --input-shape=NAME:DIMS)";
  };
  for (auto [i, t] : llvm::enumerate(op->getOperandTypes()))
    if (failed(check(t, "operand", i)))
      return failure();
  for (auto [i, t] : llvm::enumerate(op->getResultTypes()))
    if (failed(check(t, "result", i)))
      return failure();
  return success();
}

} // namespace loom::OpTrait

namespace loom::verifier {

std::string formatList(ArrayRef<int64_t> values) {
  std::string s = "[";
  for (size_t i = 0; i < values.size(); ++i)
    s += (i ? ", " : "") + std::to_string(values[i]);
  return s + "]";
}

LogicalResult verifyResultType(Operation *op, Type result,
                               ArrayRef<int64_t> expected, Type elementType,
                               StringRef what) {
  auto t = cast<RankedTensorType>(result);
  if (t.getShape() == expected && t.getElementType() == elementType)
    return success();
  return op->emitOpError() << "result type is " << formatType(t) << " but "
                           << what << " is "
                           << formatType(RankedTensorType::get(expected,
                                                               elementType));
}

LogicalResult verifySameElementTypes(Operation *op, ArrayRef<Value> values,
                                     ArrayRef<StringRef> names) {
  for (size_t i = 1; i < values.size(); ++i) {
    if (elementTypeOf(values[i]) != elementTypeOf(values[0])) {
      std::string a, b;
      llvm::raw_string_ostream(a) << elementTypeOf(values[0]);
      llvm::raw_string_ostream(b) << elementTypeOf(values[i]);
      return op->emitOpError() << "element types differ: " << names[0]
                               << " is " << a << ", " << names[i] << " is "
                               << b;
    }
  }
  return success();
}

LogicalResult checkArraySize(Operation *op, ArrayRef<int64_t> values,
                             size_t expected, StringRef name) {
  if (values.size() != expected)
    return op->emitOpError() << "expects " << expected << " values in `"
                             << name << "`, got " << formatList(values);
  return success();
}

LogicalResult checkAllAtLeast(Operation *op, ArrayRef<int64_t> values,
                              int64_t minimum, StringRef name) {
  for (int64_t v : values)
    if (v < minimum)
      return op->emitOpError() << "`" << name << "` values must be >= "
                               << minimum << ", got " << formatList(values);
  return success();
}

} // namespace loom::verifier

using loom::verifier::checkAllAtLeast;
using loom::verifier::checkArraySize;
using loom::verifier::verifyResultType;
using loom::verifier::verifySameElementTypes;

namespace {

std::string formatElementType(Type t) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << t;
  return s;
}

/// Shared checks of elementwise ops: operands broadcast and the result has
/// the broadcast shape.
LogicalResult verifyBroadcast(Operation *op, ArrayRef<Value> operands,
                              ArrayRef<StringRef> names, Type result,
                              Type resultElementType) {
  SmallVector<ArrayRef<int64_t>> shapes;
  for (Value v : operands)
    shapes.push_back(shapeOf(v));
  std::optional<SmallVector<int64_t>> shape = broadcastShapes(shapes);
  if (!shape) {
    auto diag = op->emitOpError() << "operands do not broadcast: ";
    for (auto [i, v] : llvm::enumerate(operands))
      diag << (i ? ", " : "") << names[i] << " is " << formatShape(shapeOf(v));
    return diag;
  }
  return verifyResultType(op, result, *shape, resultElementType,
                          "the broadcast of the operands");
}

template <typename BinaryOp>
LogicalResult verifyBinary(BinaryOp op) {
  if (failed(verifySameElementTypes(op, {op.getLhs(), op.getRhs()},
                                    {"lhs", "rhs"})))
    return failure();
  return verifyBroadcast(op, {op.getLhs(), op.getRhs()}, {"lhs", "rhs"},
                         op.getType(), elementTypeOf(op.getLhs()));
}

/// Normalizes a list of dims against `rank`: in range and unique.
LogicalResult normalizeDims(Operation *op, ArrayRef<int64_t> dims,
                            int64_t rank, StringRef what,
                            SmallVectorImpl<int64_t> &out) {
  llvm::SmallSet<int64_t, 8> seen;
  for (int64_t d : dims) {
    std::optional<int64_t> n = normalizeDim(d, rank);
    if (!n)
      return op->emitOpError() << what << " " << d
                               << " is out of range for rank " << rank;
    if (!seen.insert(*n).second)
      return op->emitOpError() << what << " " << d << " is repeated";
    out.push_back(*n);
  }
  return success();
}

} // namespace

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

LogicalResult AddOp::verify() { return verifyBinary(*this); }
LogicalResult SubOp::verify() { return verifyBinary(*this); }
LogicalResult MulOp::verify() { return verifyBinary(*this); }
LogicalResult DivOp::verify() { return verifyBinary(*this); }
LogicalResult MaxOp::verify() { return verifyBinary(*this); }
LogicalResult MinOp::verify() { return verifyBinary(*this); }
LogicalResult PowOp::verify() { return verifyBinary(*this); }

LogicalResult CompareOp::verify() {
  if (failed(verifySameElementTypes(*this, {getLhs(), getRhs()},
                                    {"lhs", "rhs"})))
    return failure();
  return verifyBroadcast(*this, {getLhs(), getRhs()}, {"lhs", "rhs"},
                         getType(), IntegerType::get(getContext(), 1));
}

LogicalResult SelectOp::verify() {
  if (failed(verifySameElementTypes(*this, {getTrueValue(), getFalseValue()},
                                    {"true value", "false value"})))
    return failure();
  return verifyBroadcast(*this, {getCondition(), getTrueValue(), getFalseValue()},
                         {"condition", "true value", "false value"}, getType(),
                         elementTypeOf(getTrueValue()));
}

LogicalResult CastOp::verify() {
  if (shapeOf(getInput()) != getType().getShape())
    return emitOpError() << "cannot change the shape: input is "
                         << formatType(getInput().getType()) << ", result is "
                         << formatType(getType());
  return success();
}

//===----------------------------------------------------------------------===//
// Matmul, linear, contract
//===----------------------------------------------------------------------===//

namespace {
/// numpy.matmul result shape; sets `error` on failure.
std::optional<SmallVector<int64_t>>
inferMatmulShape(ArrayRef<int64_t> lhs, ArrayRef<int64_t> rhs,
                 std::string &error) {
  if (lhs.empty() || rhs.empty()) {
    error = "operands must have rank >= 1: lhs is " + formatShape(lhs) +
            ", rhs is " + formatShape(rhs);
    return std::nullopt;
  }
  SmallVector<int64_t> l(lhs), r(rhs);
  bool vecL = l.size() == 1, vecR = r.size() == 1;
  if (vecL)
    l.insert(l.begin(), 1);
  if (vecR)
    r.push_back(1);
  int64_t k1 = l[l.size() - 1], k2 = r[r.size() - 2];
  if (k1 != k2) {
    error = "contracting dimension mismatch: lhs is " + formatShape(lhs) +
            ", rhs is " + formatShape(rhs);
    return std::nullopt;
  }
  ArrayRef<int64_t> bl = ArrayRef<int64_t>(l).drop_back(2);
  ArrayRef<int64_t> br = ArrayRef<int64_t>(r).drop_back(2);
  std::optional<SmallVector<int64_t>> batch = broadcastShapes({bl, br});
  if (!batch) {
    error = "batch dimensions do not broadcast: lhs is " + formatShape(lhs) +
            ", rhs is " + formatShape(rhs);
    return std::nullopt;
  }
  SmallVector<int64_t> result = *batch;
  if (!vecL)
    result.push_back(l[l.size() - 2]);
  if (!vecR)
    result.push_back(r.back());
  return result;
}
} // namespace

void MatmulOp::build(OpBuilder &builder, OperationState &state, Value lhs,
                     Value rhs) {
  std::string error;
  Type resultType = lhs.getType();
  if (auto shape = inferMatmulShape(shapeOf(lhs), shapeOf(rhs), error))
    resultType = RankedTensorType::get(*shape, elementTypeOf(lhs));
  build(builder, state, resultType, lhs, rhs);
}

LogicalResult MatmulOp::verify() {
  if (failed(verifySameElementTypes(*this, {getLhs(), getRhs()},
                                    {"lhs", "rhs"})))
    return failure();
  std::string error;
  auto shape = inferMatmulShape(shapeOf(getLhs()), shapeOf(getRhs()), error);
  if (!shape)
    return emitOpError() << error;
  return verifyResultType(*this, getType(), *shape, elementTypeOf(getLhs()),
                          "the matrix product");
}

LogicalResult LinearOp::verify() {
  SmallVector<Value> values = {getInput(), getWeight()};
  SmallVector<StringRef> names = {"input", "weight"};
  if (getBias()) {
    values.push_back(getBias());
    names.push_back("bias");
  }
  if (failed(verifySameElementTypes(*this, values, names)))
    return failure();
  ArrayRef<int64_t> x = shapeOf(getInput()), w = shapeOf(getWeight());
  if (x.empty())
    return emitOpError() << "input must have rank >= 1, got a scalar";
  if (w.size() != 2)
    return emitOpError() << "weight must be out_features x in_features, got "
                         << formatShape(w);
  if (x.back() != w[1])
    return emitOpError() << "in_features mismatch: input is " << formatShape(x)
                         << ", weight is " << formatShape(w);
  if (getBias() && shapeOf(getBias()) != ArrayRef<int64_t>{w[0]})
    return emitOpError() << "bias must have shape " << w[0] << ", got "
                         << formatShape(shapeOf(getBias()));
  SmallVector<int64_t> out(x.drop_back());
  out.push_back(w[0]);
  return verifyResultType(*this, getType(), out, elementTypeOf(getInput()),
                          "input x weight^T");
}

LogicalResult ContractOp::verify() {
  std::string error;
  std::optional<EinsumSpec> spec = EinsumSpec::parse(getSpec(), error);
  if (!spec)
    return emitOpError() << error;
  if (getInputs().empty())
    return emitOpError() << "needs at least one operand";
  if (spec->inputs.size() != getInputs().size())
    return emitOpError() << "spec '" << getSpec() << "' has "
                         << spec->inputs.size() << " input terms but there are "
                         << getInputs().size() << " operands";
  SmallVector<StringRef> names;
  SmallVector<std::string> storage;
  for (size_t i = 0; i < getInputs().size(); ++i)
    storage.push_back("operand #" + std::to_string(i));
  for (auto &s : storage)
    names.push_back(s);
  if (failed(verifySameElementTypes(*this, llvm::to_vector(getInputs()), names)))
    return failure();

  llvm::StringMap<std::pair<int64_t, unsigned>> sizes;
  for (auto [i, operand] : llvm::enumerate(getInputs())) {
    const EinsumSpec::Term &term = spec->inputs[i];
    std::string termText = EinsumSpec::termString(term);
    ArrayRef<int64_t> shape = shapeOf(operand);
    if (term.size() != shape.size())
      return emitOpError() << "term '" << termText << "' of operand #" << i
                           << " has " << term.size()
                           << " labels but the operand is "
                           << formatShape(shape);
    for (auto [label, size] : llvm::zip(term, shape)) {
      auto [it, inserted] = sizes.try_emplace(label, size, (unsigned)i);
      if (!inserted && it->second.first != size)
        return emitOpError()
               << "label '" << label << "' has size " << it->second.first
               << " in operand #" << it->second.second << " ("
               << formatShape(shapeOf(getInputs()[it->second.second]))
               << ") but " << size << " in operand #" << i << " ("
               << formatShape(shape) << ")";
    }
  }
  SmallVector<int64_t> out;
  for (const std::string &label : spec->output) {
    auto it = sizes.find(label);
    if (it == sizes.end())
      return emitOpError() << "output label '" << label
                           << "' does not appear in any input";
    out.push_back(it->second.first);
  }
  return verifyResultType(*this, getType(), out,
                          elementTypeOf(getInputs()[0]), "the contraction");
}

//===----------------------------------------------------------------------===//
// Reductions and normalizations
//===----------------------------------------------------------------------===//

namespace {
template <typename ReduceOp>
LogicalResult verifyReduce(ReduceOp op) {
  ArrayRef<int64_t> in = shapeOf(op.getInput());
  SmallVector<int64_t> dims;
  if (failed(normalizeDims(op, op.getDims(), in.size(), "dim", dims)))
    return failure();
  SmallVector<int64_t> out;
  for (int64_t i = 0, e = in.size(); i < e; ++i) {
    if (llvm::is_contained(dims, i)) {
      if (op.getKeepdims())
        out.push_back(1);
    } else {
      out.push_back(in[i]);
    }
  }
  return verifyResultType(op, op.getType(), out, elementTypeOf(op.getInput()),
                          "the reduction");
}

LogicalResult verifyAxis(Operation *op, int64_t axis, int64_t rank) {
  if (!normalizeDim(axis, rank))
    return op->emitOpError() << "axis " << axis << " is out of range for rank "
                             << rank;
  return success();
}
} // namespace

LogicalResult ReduceSumOp::verify() { return verifyReduce(*this); }
LogicalResult ReduceMeanOp::verify() { return verifyReduce(*this); }
LogicalResult ReduceMaxOp::verify() { return verifyReduce(*this); }
LogicalResult ReduceMinOp::verify() { return verifyReduce(*this); }
LogicalResult ReduceProdOp::verify() { return verifyReduce(*this); }

LogicalResult ArgmaxOp::verify() {
  ArrayRef<int64_t> in = shapeOf(getInput());
  std::optional<int64_t> dim = normalizeDim(getDim(), in.size());
  if (!dim)
    return emitOpError() << "dim " << getDim() << " is out of range for rank "
                         << in.size();
  SmallVector<int64_t> out;
  for (int64_t i = 0, e = in.size(); i < e; ++i) {
    if (i != *dim)
      out.push_back(in[i]);
    else if (getKeepdims())
      out.push_back(1);
  }
  if (getType().getShape() != ArrayRef<int64_t>(out))
    return emitOpError() << "result shape is " << formatShape(getType().getShape())
                         << " but the reduction is " << formatShape(out);
  return success();
}

LogicalResult SoftmaxOp::verify() {
  return verifyAxis(*this, getAxis(), getType().getRank());
}
LogicalResult LogSoftmaxOp::verify() {
  return verifyAxis(*this, getAxis(), getType().getRank());
}

LogicalResult LayerNormOp::verify() {
  ArrayRef<int64_t> in = shapeOf(getInput());
  std::optional<int64_t> axis = normalizeDim(getAxis(), in.size());
  if (!axis)
    return emitOpError() << "axis " << getAxis() << " is out of range for rank "
                         << in.size();
  ArrayRef<int64_t> normalized = in.drop_front(*axis);
  for (auto [name, v] : {std::pair<StringRef, Value>{"scale", getScale()},
                         std::pair<StringRef, Value>{"bias", getBias()}}) {
    if (!v)
      continue;
    if (elementTypeOf(v) != elementTypeOf(getInput()))
      return emitOpError() << name << " element type "
                           << formatElementType(elementTypeOf(v))
                           << " differs from the input's "
                           << formatElementType(elementTypeOf(getInput()));
    if (shapeOf(v) != normalized)
      return emitOpError() << name << " must have the normalized shape "
                           << formatShape(normalized) << ", got "
                           << formatShape(shapeOf(v));
  }
  if (getEpsilon().convertToDouble() < 0)
    return emitOpError() << "epsilon must be >= 0";
  return verifyResultType(*this, getType(), in, elementTypeOf(getInput()),
                          "the input");
}

//===----------------------------------------------------------------------===//
// Shape ops
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::verify() {
  auto in = cast<RankedTensorType>(getInput().getType());
  // With dynamic dimensions the count is known per call; the lowering
  // takes reshapes that keep each dynamic dimension in a group of static
  // factors (a flatten of N x C x H x W into N x CHW).
  if (in.hasStaticShape() && getType().hasStaticShape() &&
      in.getNumElements() != getType().getNumElements())
    return emitOpError() << "element count changes: input is "
                         << formatShape(in.getShape()) << " ("
                         << in.getNumElements() << " elements), result is "
                         << formatShape(getType().getShape()) << " ("
                         << getType().getNumElements() << " elements)";
  if (in.getElementType() != getType().getElementType())
    return emitOpError() << "element type changes from "
                         << formatElementType(in.getElementType()) << " to "
                         << formatElementType(getType().getElementType());
  int64_t dynamic = getType().getNumDynamicDims();
  if (!getDims().empty() && (int64_t)getDims().size() != dynamic)
    return emitOpError() << "has " << getDims().size()
                         << " dimension operands but the result "
                         << formatShape(getType().getShape()) << " has "
                         << dynamic << " dynamic dimensions";
  return success();
}

void TransposeOp::build(OpBuilder &builder, OperationState &state, Value input,
                        ArrayRef<int64_t> perm) {
  ArrayRef<int64_t> in = shapeOf(input);
  SmallVector<int64_t> out;
  for (int64_t p : perm)
    out.push_back(p >= 0 && p < (int64_t)in.size() ? in[p] : 1);
  build(builder, state, RankedTensorType::get(out, elementTypeOf(input)), input,
        perm);
}

LogicalResult TransposeOp::verify() {
  ArrayRef<int64_t> in = shapeOf(getInput());
  ArrayRef<int64_t> perm = getPermutation();
  if (perm.size() != in.size())
    return emitOpError() << "permutation has " << perm.size()
                         << " entries but the input is " << formatShape(in);
  SmallVector<bool> seen(in.size(), false);
  SmallVector<int64_t> out;
  for (int64_t p : perm) {
    if (p < 0 || p >= (int64_t)in.size() || seen[p])
      return emitOpError() << "[" << llvm::make_range(perm.begin(), perm.end())
                           << "] is not a permutation of 0.."
                           << (int64_t)in.size() - 1;
    seen[p] = true;
    out.push_back(in[p]);
  }
  return verifyResultType(*this, getType(), out, elementTypeOf(getInput()),
                          "the transposed input");
}

LogicalResult BroadcastToOp::verify() {
  ArrayRef<int64_t> in = shapeOf(getInput()), out = getType().getShape();
  std::optional<SmallVector<int64_t>> b = broadcastShapes({in, out});
  if (!b || ArrayRef<int64_t>(*b) != out)
    return emitOpError() << "input " << formatShape(in)
                         << " does not broadcast to " << formatShape(out);
  if (elementTypeOf(getInput()) != getType().getElementType())
    return emitOpError() << "element type changes";
  int64_t dynamic = getType().getNumDynamicDims();
  if (!getDims().empty() && (int64_t)getDims().size() != dynamic)
    return emitOpError() << "has " << getDims().size()
                         << " dimension operands but the result "
                         << formatShape(out) << " has " << dynamic
                         << " dynamic dimensions";
  if (getDims().empty()) {
    // Each dynamic result dimension keeps a dynamic input dimension's size.
    size_t lead = out.size() - in.size();
    for (size_t d = 0; d < out.size(); ++d)
      if (ShapedType::isDynamic(out[d]) &&
          (d < lead || !ShapedType::isDynamic(in[d - lead])))
        return emitOpError() << "broadcasts to dynamic dimension " << d
                             << " of " << formatShape(out)
                             << " without its size: give the result's "
                                "dynamic sizes as operands";
  }
  return success();
}

LogicalResult ConcatOp::verify() {
  if (getInputs().empty())
    return emitOpError() << "needs at least one operand";
  ArrayRef<int64_t> first = shapeOf(getInputs()[0]);
  std::optional<int64_t> axis = normalizeDim(getAxis(), first.size());
  if (!axis)
    return emitOpError() << "axis " << getAxis() << " is out of range for rank "
                         << first.size();
  for (Value v : getInputs())
    if (shapeOf(v).size() == first.size() &&
        ShapedType::isDynamic(shapeOf(v)[*axis]))
      return emitOpError() << "concatenates along dynamic dimension " << *axis
                           << " of " << formatShape(shapeOf(v))
                           << "; only static dimensions can be joined";
  SmallVector<int64_t> out(first);
  for (auto [i, v] : llvm::enumerate(getInputs())) {
    if (i == 0)
      continue;
    ArrayRef<int64_t> s = shapeOf(v);
    if (elementTypeOf(v) != elementTypeOf(getInputs()[0]))
      return emitOpError() << "operand #" << i << " has element type "
                           << formatElementType(elementTypeOf(v))
                           << ", operand #0 has "
                           << formatElementType(elementTypeOf(getInputs()[0]));
    bool ok = s.size() == first.size();
    for (size_t d = 0; ok && d < s.size(); ++d)
      ok = d == (size_t)*axis || s[d] == first[d];
    if (!ok)
      return emitOpError() << "operand #" << i << " is " << formatShape(s)
                           << " but operand #0 is " << formatShape(first)
                           << "; they may differ only in dim " << *axis;
    out[*axis] += s[*axis];
  }
  return verifyResultType(*this, getType(), out,
                          elementTypeOf(getInputs()[0]), "the concatenation");
}

LogicalResult SliceOp::verify() {
  ArrayRef<int64_t> in = shapeOf(getInput());
  size_t rank = in.size();
  if (failed(checkArraySize(*this, getStarts(), rank, "starts")) ||
      failed(checkArraySize(*this, getLimits(), rank, "limits")) ||
      failed(checkArraySize(*this, getStrides(), rank, "strides")) ||
      failed(checkAllAtLeast(*this, getStrides(), 1, "strides")))
    return failure();
  SmallVector<int64_t> out;
  for (size_t d = 0; d < rank; ++d) {
    int64_t s = getStarts()[d], l = getLimits()[d], st = getStrides()[d];
    if (ShapedType::isDynamic(in[d])) {
      if (s != 0 || !ShapedType::isDynamic(l) || st != 1)
        return emitOpError() << "slices dynamic dimension " << d << " of "
                             << formatShape(in)
                             << "; a dynamic dimension is taken whole (start "
                                "0, stride 1, limit the dynamic size)";
      out.push_back(ShapedType::kDynamic);
      continue;
    }
    if (s < 0 || s > l || l > in[d])
      return emitOpError() << "slice [" << s << ":" << l << "] of dim " << d
                           << " is outside the input " << formatShape(in);
    out.push_back((l - s + st - 1) / st);
  }
  return verifyResultType(*this, getType(), out, elementTypeOf(getInput()),
                          "the slice");
}

LogicalResult IotaOp::verify() {
  RankedTensorType type = getType();
  if (type.getRank() != 1)
    return emitOpError() << "result must be 1-D, got "
                         << formatShape(type.getShape());
  if (type.isDynamicDim(0) != (getSize() != nullptr))
    return emitOpError() << (getSize() ? "has a size operand but a static "
                                         "result "
                                       : "has a dynamic result but no size "
                                         "operand ")
                         << formatShape(type.getShape());
  return success();
}

LogicalResult PadOp::verify() {
  ArrayRef<int64_t> in = shapeOf(getInput());
  if (failed(checkArraySize(*this, getLow(), in.size(), "low")) ||
      failed(checkArraySize(*this, getHigh(), in.size(), "high")) ||
      failed(checkAllAtLeast(*this, getLow(), 0, "low")) ||
      failed(checkAllAtLeast(*this, getHigh(), 0, "high")))
    return failure();
  SmallVector<int64_t> out;
  for (size_t d = 0; d < in.size(); ++d) {
    if (!ShapedType::isDynamic(in[d])) {
      out.push_back(in[d] + getLow()[d] + getHigh()[d]);
      continue;
    }
    if (getLow()[d] != 0 || getHigh()[d] != 0)
      return emitOpError() << "pads dynamic dimension " << d << " of "
                           << formatShape(in)
                           << "; only static dimensions can be padded";
    out.push_back(ShapedType::kDynamic);
  }
  return verifyResultType(*this, getType(), out, elementTypeOf(getInput()),
                          "the padded input");
}

LogicalResult GatherOp::verify() {
  ArrayRef<int64_t> in = shapeOf(getInput());
  std::optional<int64_t> axis = normalizeDim(getAxis(), in.size());
  if (!axis)
    return emitOpError() << "axis " << getAxis() << " is out of range for rank "
                         << in.size();
  SmallVector<int64_t> out(in.take_front(*axis));
  llvm::append_range(out, shapeOf(getIndices()));
  llvm::append_range(out, in.drop_front(*axis + 1));
  return verifyResultType(*this, getType(), out, elementTypeOf(getInput()),
                          "the gather");
}

LogicalResult SegmentSumOp::verify() {
  ArrayRef<int64_t> data = shapeOf(getData()), ids = shapeOf(getSegmentIds());
  int64_t segments = getNumSegments();
  if (data.empty())
    return emitOpError() << "data must have rank >= 1 (rows along dimension "
                            "0), got a scalar";
  if (ids.size() != 1 || ids[0] != data[0])
    return emitOpError() << "segment_ids must be one id per row of data ("
                         << data[0] << "), got " << formatShape(ids);
  if (segments < 1)
    return emitOpError() << "num_segments must be >= 1, got " << segments;
  DenseIntElementsAttr constant;
  if (matchPattern(getSegmentIds(), m_Constant(&constant))) {
    int64_t i = 0;
    for (const APInt &id : constant.getValues<APInt>()) {
      int64_t v = id.getSExtValue();
      if (v < 0 || v >= segments)
        return emitOpError() << "segment id " << v << " (row " << i
                             << ") is out of range [0, " << segments << ")";
      ++i;
    }
  }
  SmallVector<int64_t> out{segments};
  llvm::append_range(out, data.drop_front());
  return verifyResultType(*this, getType(), out, elementTypeOf(getData()),
                          "the segment sum");
}

LogicalResult ScanOp::verify() {
  if (getSequences().empty())
    return emitOpError() << "needs at least one sequence to scan";
  std::optional<int64_t> steps;
  for (Value seq : getSequences()) {
    ArrayRef<int64_t> shape = shapeOf(seq);
    if (shape.empty())
      return emitOpError() << "sequences are scanned along dimension 0: a "
                              "scalar cannot be";
    if (steps && *steps != shape[0])
      return emitOpError() << "sequences have " << *steps << " and "
                           << shape[0] << " steps; all must have the same";
    steps = shape[0];
  }
  if (*steps < 1)
    return emitOpError() << "sequences must have at least one step";
  size_t carried = getInits().size();
  if (getNumResults() < carried)
    return emitOpError() << "has " << getNumResults()
                         << " results but carries " << carried << " values";
  for (size_t i = 0; i < carried; ++i)
    if (getResult(i).getType() != getInits()[i].getType())
      return emitOpError() << "result " << i << " has type "
                           << getResult(i).getType() << " but its state is "
                           << getInits()[i].getType();
  for (size_t i = carried; i < getNumResults(); ++i) {
    ArrayRef<int64_t> shape = shapeOf(getResult(i));
    if (shape.empty() || shape[0] != *steps)
      return emitOpError() << "per-step result " << i - carried
                           << " must stack " << *steps
                           << " steps along dimension 0, got type "
                           << getResult(i).getType();
  }
  return success();
}

LogicalResult ScanOp::verifyRegions() {
  Block &body = getBody().front();
  size_t carried = getInits().size();
  if (body.getNumArguments() != carried + getSequences().size())
    return emitOpError() << "body takes " << body.getNumArguments()
                         << " arguments; expected " << carried
                         << " states then " << getSequences().size()
                         << " sequence slices";
  for (size_t i = 0; i < carried; ++i)
    if (body.getArgument(i).getType() != getInits()[i].getType())
      return emitOpError() << "body argument " << i << " has type "
                           << body.getArgument(i).getType()
                           << " but its state is " << getInits()[i].getType();
  for (auto [i, seq] : llvm::enumerate(getSequences())) {
    auto type = cast<RankedTensorType>(seq.getType());
    auto slice = RankedTensorType::get(type.getShape().drop_front(),
                                       type.getElementType());
    Type arg = body.getArgument(carried + i).getType();
    if (arg != slice)
      return emitOpError() << "body argument " << carried + i << " has type "
                           << arg << " but a step of sequence " << i << " is "
                           << slice;
  }
  auto yield = cast<YieldOp>(body.getTerminator());
  if (yield.getValues().size() != getNumResults())
    return yield.emitOpError()
           << "yields " << yield.getValues().size() << " values; the scan has "
           << getNumResults() << " results";
  for (auto [i, v] : llvm::enumerate(yield.getValues())) {
    Type expected = getResult(i).getType();
    if (i >= carried) {
      auto stacked = cast<RankedTensorType>(expected);
      expected = RankedTensorType::get(stacked.getShape().drop_front(),
                                       stacked.getElementType());
    }
    if (v.getType() != expected)
      return yield.emitOpError()
             << "value " << i << " has type " << v.getType() << "; expected "
             << expected;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Dispatch regions
//===----------------------------------------------------------------------===//

/// One `result_dims` operand per dynamic dimension of the results.
static LogicalResult verifyResultDims(Operation *op, TypeRange results,
                                      size_t count) {
  size_t dynamic = 0;
  for (Type t : results)
    dynamic += cast<RankedTensorType>(t).getNumDynamicDims();
  if (dynamic != count)
    return op->emitOpError() << "has " << count
                             << " result_dims for the results' " << dynamic
                             << " dynamic dimensions";
  return success();
}

LogicalResult DispatchOp::verify() {
  Block &body = getBody().front();
  if (body.getNumArguments() != getInputs().size())
    return emitOpError() << "region has " << body.getNumArguments()
                         << " arguments for " << getInputs().size()
                         << " operands";
  for (auto [i, arg, in] : llvm::enumerate(body.getArguments(), getInputs()))
    if (arg.getType() != in.getType())
      return emitOpError() << "region argument #" << i << " has type "
                           << arg.getType() << " but operand #" << i
                           << " has type " << in.getType();
  auto yield = dyn_cast<YieldOp>(body.getTerminator());
  if (!yield)
    return emitOpError() << "region must end with loom.yield";
  if (yield.getValues().getTypes() != getResultTypes())
    return emitOpError() << "loom.yield types do not match the results";
  return verifyResultDims(*this, getResultTypes(), getResultDims().size());
}

//===----------------------------------------------------------------------===//
// Kernel launches
//===----------------------------------------------------------------------===//

LogicalResult LaunchOp::verify() {
  return verifyResultDims(*this, getResultTypes(), getResultDims().size());
}

LogicalResult LaunchOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  auto fn = symbolTable.lookupNearestSymbolFrom<FunctionOpInterface>(
      *this, getKernel());
  if (!fn)
    return emitOpError() << "kernel " << getKernel() << " does not exist";
  // After lowering to LLVM the kernel has the 4-pointer CPU ABI instead.
  size_t expected = getInputs().size() + getResults().size() + 3;
  if (fn->getName().getStringRef() == "func.func" &&
      fn.getNumArguments() != expected)
    return emitOpError() << "kernel " << getKernel() << " takes "
                         << fn.getNumArguments() << " arguments but the launch "
                         << "binds " << getInputs().size() << " inputs and "
                         << getResults().size() << " results (+3 workgroup ids)";
  return success();
}

//===----------------------------------------------------------------------===//
// SliceLoopOp
//===----------------------------------------------------------------------===//

int64_t SliceLoopOp::getSliceCount() {
  int64_t count = 1;
  for (int64_t e : getExtents())
    count *= e;
  return count;
}

LogicalResult SliceLoopOp::verify() {
  ArrayRef<int64_t> extents = getExtents();
  size_t k = extents.size();
  if (k == 0)
    return emitOpError() << "needs at least one sliced index (extents = [])";
  uint64_t count = 1;
  for (int64_t e : extents) {
    if (e < 1)
      return emitOpError() << "has an extent of " << e << "; extents are >= 1";
    if (count > (uint64_t(1) << 62) / uint64_t(e))
      return emitOpError() << "has more than 2^62 slices";
    count *= uint64_t(e);
  }
  if (getInputStrides().size() != getInputs().size() * k)
    return emitOpError() << "has " << getInputStrides().size()
                         << " input strides; expected " << getInputs().size()
                         << " inputs x " << k << " sliced indices";
  if (getOutputStrides().size() != k)
    return emitOpError() << "has " << getOutputStrides().size()
                         << " output strides; expected one per sliced index ("
                         << k << ")";
  for (int64_t s : getInputStrides())
    if (s < 0)
      return emitOpError() << "has a negative input stride (" << s << ")";
  for (int64_t s : getOutputStrides())
    if (s < 0)
      return emitOpError() << "has a negative output stride (" << s << ")";
  return success();
}

/// The elements of block `(strides, block)` reached by the last slice.
static int64_t lastElement(ArrayRef<int64_t> extents,
                           ArrayRef<int64_t> strides, int64_t block) {
  int64_t end = block;
  for (auto [e, s] : llvm::zip(extents, strides))
    end += (e - 1) * s;
  return end;
}

LogicalResult
SliceLoopOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  auto lookup = [&](FlatSymbolRefAttr name,
                    StringRef role) -> FailureOr<FunctionType> {
    auto fn =
        symbolTable.lookupNearestSymbolFrom<FunctionOpInterface>(*this, name);
    if (!fn)
      return emitOpError() << role << " function " << name
                           << " does not exist";
    return cast<FunctionType>(fn.getFunctionType());
  };
  FailureOr<FunctionType> body = lookup(getBodyAttr(), "body");
  FailureOr<FunctionType> acc = lookup(getAccumulateAttr(), "accumulate");
  FailureOr<FunctionType> reduce = lookup(getReduceAttr(), "reduce");
  if (failed(body) || failed(acc) || failed(reduce))
    return failure();
  if (body->getNumInputs() != getInputs().size() ||
      body->getNumResults() != 1)
    return emitOpError() << "body " << getBodyAttr() << " has type " << *body
                         << "; expected " << getInputs().size()
                         << " arguments (one per input) and one result";
  size_t k = getExtents().size();
  auto elements = [](Type t) {
    return cast<ShapedType>(t).getNumElements();
  };
  for (auto [t, input] : llvm::enumerate(getInputs())) {
    ArrayRef<int64_t> strides = getInputStrides().slice(t * k, k);
    if (lastElement(getExtents(), strides, elements(body->getInput(t))) >
        elements(input.getType()))
      return emitOpError() << "input " << t << " (" << input.getType()
                           << ") is smaller than its last slice ("
                           << body->getInput(t) << " with strides ["
                           << strides << "])";
  }
  Type partial = body->getResult(0);
  if (acc->getNumInputs() != 2 || acc->getInput(0) != partial ||
      acc->getInput(1) != partial || acc->getNumResults() != 1 ||
      acc->getResult(0) != partial)
    return emitOpError() << "accumulate " << getAccumulateAttr()
                         << " has type " << *acc << "; expected (" << partial
                         << ", " << partial << ") -> " << partial;
  Type result = getResult().getType();
  if (reduce->getNumInputs() != 2 || reduce->getInput(0) != result ||
      reduce->getInput(1) != result || reduce->getNumResults() != 1 ||
      reduce->getResult(0) != result)
    return emitOpError() << "reduce " << getReduceAttr() << " has type "
                         << *reduce << "; expected (" << result << ", "
                         << result << ") -> " << result;
  if (lastElement(getExtents(), getOutputStrides(), elements(partial)) >
      elements(result))
    return emitOpError() << "result " << result
                         << " is smaller than its last slice's block ("
                         << partial << " with strides [" << getOutputStrides()
                         << "])";
  return success();
}

#define GET_OP_CLASSES
#include "dialects/loom/LoomOps.cpp.inc"
