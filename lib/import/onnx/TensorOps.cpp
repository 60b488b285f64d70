//===- TensorOps.cpp - ONNX shape and data-movement operators -------------===//
//
// Reshape, Transpose, Concat, Slice, Gather, Pad, Tile, ... Operands that
// determine a shape (Reshape's shape, Slice's starts, Pad's pads, ...) must
// be known at import time; values computed from shapes are (HostEval.cpp).
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include <cmath>
#include <limits>

using namespace mlir;

namespace loom {
namespace onnx_import {

namespace {

LogicalResult importConstant(NodeImporter &n) {
  Tensor t;
  if (const Tensor *value = n.attrTensor("value")) {
    t = *value;
  } else if (n.hasAttr("value_float")) {
    t = makeHostTensor(DType::Float, {}, {n.attrFloat("value_float", 0)});
  } else if (n.hasAttr("value_floats")) {
    std::vector<float> f = n.attrFloats("value_floats");
    std::vector<double> d(f.begin(), f.end());
    t = makeHostTensor(DType::Float, {static_cast<int64_t>(d.size())}, d);
  } else if (n.hasAttr("value_int")) {
    t = makeHostTensorInts(DType::Int64, {}, {n.attrInt("value_int", 0)});
  } else if (n.hasAttr("value_ints")) {
    std::vector<int64_t> v = n.attrInts("value_ints");
    t = makeHostTensorInts(DType::Int64, {static_cast<int64_t>(v.size())}, v);
  } else {
    return n.unsupported("only tensor, float and int values are supported");
  }
  n.setConstOutput(0, std::move(t));
  return success();
}

LogicalResult importShape(NodeImporter &n) {
  ArrayRef<int64_t> shape = n.inputShape(0);
  int64_t rank = shape.size();
  auto [start, end] =
      shapeRange(n.attrInt("start", 0), n.attrInt("end", rank), rank);
  std::vector<int64_t> dims(shape.begin() + start, shape.begin() + end);
  n.setConstOutput(0, makeHostTensorInts(DType::Int64,
                                         {static_cast<int64_t>(dims.size())},
                                         dims));
  return success();
}

LogicalResult importSize(NodeImporter &n) {
  n.setConstOutput(0, makeHostTensorInts(DType::Int64, {},
                                         {numElementsOf(n.inputShape(0))}));
  return success();
}

/// Reshape to a target with sizes known only at run time (a shape value,
/// or any target of an input with dynamic dimensions): 0 copies the input's
/// dimension, -1 is the element count over the other sizes.
LogicalResult importDynamicReshape(NodeImporter &n, const ShapeValue &spec) {
  Value x = n.input(0);
  ArrayRef<int64_t> in = n.inputShape(0);
  int64_t rank = in.size();
  bool allowZero = n.attrInt("allowzero", 0) != 0;
  if (spec.scalar)
    return n.unsupported("the target shape is not a 1-D tensor");
  SmallVector<OpFoldResult> sizes;
  int64_t inferred = -1;
  for (auto [i, e] : llvm::enumerate(spec.elems)) {
    std::optional<int64_t> c = getConstantIntValue(e);
    if (c && *c == 0 && !allowZero) {
      if ((int64_t)i >= rank)
        return n.unsupported("target dimension " + std::to_string(i) +
                             " copies an input dimension the input lacks");
      sizes.push_back(dimOf(n.b, n.loc, x, i));
    } else if (c && *c == -1 && inferred < 0) {
      inferred = i;
      sizes.push_back(n.b.getIndexAttr(1));
    } else if (c && *c <= 0) {
      return n.unsupported("invalid target size " + std::to_string(*c) +
                           " in dimension " + std::to_string(i));
    } else {
      sizes.push_back(e);
    }
  }
  if (inferred >= 0) {
    OpFoldResult total = n.b.getIndexAttr(1), known = n.b.getIndexAttr(1);
    for (int64_t d = 0; d < rank; ++d)
      total = sizeMul(n.b, n.loc, total, dimOf(n.b, n.loc, x, d));
    for (auto [i, s] : llvm::enumerate(sizes))
      if ((int64_t)i != inferred)
        known = sizeMul(n.b, n.loc, known, s);
    sizes[inferred] = sizeDiv(n.b, n.loc, total, known);
  }
  SmallVector<int64_t> shape;
  SmallVector<Value> dims;
  for (OpFoldResult s : sizes) {
    std::optional<int64_t> c = getConstantIntValue(s);
    shape.push_back(c ? *c : ShapedType::kDynamic);
    if (!c)
      dims.push_back(cast<Value>(s));
  }
  if (dims.empty() && llvm::none_of(in, ShapedType::isDynamic)) {
    n.setOutput(0, n.reshape(x, shape));
    return success();
  }
  auto type = RankedTensorType::get(shape, elementTypeOf(x));
  n.setOutput(0, ReshapeOp::create(n.b, n.loc, type, x, dims).getResult());
  return success();
}

LogicalResult importReshape(NodeImporter &n) {
  if (const ShapeValue *spec = n.shapeInput(1))
    return importDynamicReshape(n, *spec);
  if (failed(n.requireConst(1, "the target shape")))
    return failure();
  if (!n.inputType(0).hasStaticShape()) {
    ShapeValue spec;
    for (int64_t s : n.constInts(1))
      spec.elems.push_back(n.b.getIndexAttr(s));
    return importDynamicReshape(n, spec);
  }
  std::vector<int64_t> spec = n.constInts(1);
  std::optional<std::vector<int64_t>> shape =
      reshapeTarget(n.inputShape(0), spec, n.attrInt("allowzero", 0) != 0);
  if (!shape)
    return n.unsupported("cannot reshape " + formatShape(n.inputShape(0)) +
                         " to " + formatInts(spec));
  n.setOutput(0, n.reshape(n.input(0), *shape));
  return success();
}

LogicalResult importFlatten(NodeImporter &n) {
  ArrayRef<int64_t> shape = n.inputShape(0);
  int64_t rank = shape.size(), axis = n.attrInt("axis", 1);
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis > rank)
    return n.unsupported("axis out of range");
  // A dynamic dimension (a batch) makes its side dynamic.
  auto side = [](ArrayRef<int64_t> dims) {
    return llvm::any_of(dims, ShapedType::isDynamic) ? ShapedType::kDynamic
                                                     : numElementsOf(dims);
  };
  n.setOutput(0, n.reshape(n.input(0), {side(shape.take_front(axis)),
                                        side(shape.drop_front(axis))}));
  return success();
}

LogicalResult importTranspose(NodeImporter &n) {
  int64_t rank = n.inputRank(0);
  std::vector<int64_t> perm = n.attrInts("perm");
  if (perm.empty())
    for (int64_t d = rank - 1; d >= 0; --d)
      perm.push_back(d);
  n.setOutput(0, n.transpose(n.input(0), perm));
  return success();
}

/// Axes from the `axes` attribute or a constant input `index`.
FailureOr<std::vector<int64_t>> axesOperand(NodeImporter &n, size_t index) {
  if (n.hasAttr("axes"))
    return n.attrInts("axes");
  if (!n.hasInput(index))
    return std::vector<int64_t>{};
  if (failed(n.requireConst(index, "axes")))
    return failure();
  return n.constInts(index);
}

LogicalResult importSqueeze(NodeImporter &n) {
  FailureOr<std::vector<int64_t>> axes = axesOperand(n, 1);
  if (failed(axes))
    return failure();
  ArrayRef<int64_t> in = n.inputShape(0);
  std::optional<std::vector<int64_t>> norm = normalizeAxes(*axes, in.size());
  if (!norm)
    return n.unsupported("invalid axes " + formatInts(*axes));
  std::vector<int64_t> shape;
  for (int64_t d = 0; d < static_cast<int64_t>(in.size()); ++d) {
    bool drop = axes->empty() ? in[d] == 1 : llvm::is_contained(*norm, d);
    if (!drop)
      shape.push_back(in[d]);
  }
  n.setOutput(0, n.reshape(n.input(0), shape));
  return success();
}

LogicalResult importUnsqueeze(NodeImporter &n) {
  FailureOr<std::vector<int64_t>> axes = axesOperand(n, 1);
  if (failed(axes))
    return failure();
  ArrayRef<int64_t> in = n.inputShape(0);
  int64_t outRank = in.size() + axes->size();
  std::optional<std::vector<int64_t>> norm = normalizeAxes(*axes, outRank);
  if (!norm)
    return n.unsupported("invalid axes " + formatInts(*axes));
  std::vector<int64_t> shape;
  size_t k = 0;
  for (int64_t d = 0; d < outRank; ++d)
    shape.push_back(llvm::is_contained(*norm, d) ? 1 : in[k++]);
  n.setOutput(0, n.reshape(n.input(0), shape));
  return success();
}

/// Dynamic sizes of a broadcast of `x` to the target `spec` (numpy rules,
/// right-aligned): a target size of 1 keeps x's dimension, an x dimension
/// of 1 takes the target's size; two dynamic sizes are taken to be equal.
/// The result's type and the index values of its dynamic sizes.
std::optional<std::pair<RankedTensorType, SmallVector<Value>>>
dynamicBroadcast(NodeImporter &n, Value x, ArrayRef<OpFoldResult> spec) {
  ArrayRef<int64_t> in = shapeOf(x);
  size_t rank = std::max(in.size(), spec.size());
  SmallVector<int64_t> shape;
  SmallVector<Value> dims;
  for (size_t d = 0; d < rank; ++d) {
    std::optional<OpFoldResult> target;
    if (d + spec.size() >= rank)
      target = spec[d + spec.size() - rank];
    std::optional<int64_t> inDim;
    if (d + in.size() >= rank)
      inDim = in[d + in.size() - rank];
    std::optional<int64_t> t = target ? getConstantIntValue(*target)
                                      : std::optional<int64_t>(1);
    OpFoldResult size;
    if (inDim && (t == 1 || (!t && ShapedType::isDynamic(*inDim))))
      size = dimOf(n.b, n.loc, x, d + in.size() - rank);
    else if (!inDim || *inDim == 1 || (t && ShapedType::isDynamic(*inDim)))
      size = *target;
    else if (t && *t == *inDim)
      size = n.b.getIndexAttr(*t);
    else if (!t)
      size = n.b.getIndexAttr(*inDim); // a static size wins
    else
      return std::nullopt;
    std::optional<int64_t> c = getConstantIntValue(size);
    shape.push_back(c ? *c : ShapedType::kDynamic);
    if (!c)
      dims.push_back(cast<Value>(size));
  }
  return std::make_pair(RankedTensorType::get(shape, elementTypeOf(x)), dims);
}

LogicalResult importExpand(NodeImporter &n) {
  const ShapeValue *symbolic = n.shapeInput(1);
  if (symbolic || !n.inputType(0).hasStaticShape()) {
    SmallVector<OpFoldResult> spec;
    if (symbolic) {
      spec = symbolic->elems;
    } else {
      if (failed(n.requireConst(1, "the target shape")))
        return failure();
      for (int64_t s : n.constInts(1))
        spec.push_back(n.b.getIndexAttr(s));
    }
    auto result = dynamicBroadcast(n, n.input(0), spec);
    if (!result)
      return n.unsupported("cannot expand " + formatShape(n.inputShape(0)));
    n.setOutput(0, BroadcastToOp::create(n.b, n.loc, result->first,
                                         n.input(0), result->second)
                       .getResult());
    return success();
  }
  if (failed(n.requireConst(1, "the target shape")))
    return failure();
  std::vector<int64_t> target = n.constInts(1);
  std::optional<SmallVector<int64_t>> shape =
      broadcastShapes({n.inputShape(0), target});
  if (!shape)
    return n.unsupported("cannot expand " + formatShape(n.inputShape(0)) +
                         " to " + formatInts(target));
  n.setOutput(0, n.broadcastTo(n.input(0), *shape));
  return success();
}

LogicalResult importConcat(NodeImporter &n) {
  int64_t rank = n.inputRank(0);
  FailureOr<int64_t> axis = n.axisAttr("axis", 0, rank);
  if (failed(axis))
    return failure();
  SmallVector<Value> inputs;
  for (size_t i = 0; i < n.numInputs(); ++i)
    if (n.hasInput(i) && n.inputShape(i)[*axis] > 0)
      inputs.push_back(n.input(i));
  if (inputs.empty())
    return n.unsupported("the result is empty");
  n.setOutput(0, n.concat(inputs, *axis));
  return success();
}

LogicalResult importSplit(NodeImporter &n) {
  ArrayRef<int64_t> in = n.inputShape(0);
  FailureOr<int64_t> axis = n.axisAttr("axis", 0, in.size());
  if (failed(axis))
    return failure();
  std::vector<int64_t> sizes;
  if (n.hasAttr("split")) {
    sizes = n.attrInts("split");
  } else if (n.hasInput(1)) {
    if (failed(n.requireConst(1, "split")))
      return failure();
    sizes = n.constInts(1);
  } else {
    int64_t parts = n.numOutputs();
    int64_t chunk = (in[*axis] + parts - 1) / parts;
    for (int64_t i = 0, left = in[*axis]; i < parts; ++i) {
      sizes.push_back(std::min(chunk, left));
      left -= sizes.back();
    }
  }
  if (sizes.size() != n.numOutputs())
    return n.unsupported("split sizes do not match the number of outputs");
  Value x = n.input(0);
  int64_t offset = 0;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] == 0 && n.hasOutput(i))
      return n.unsupported("empty outputs are not supported");
    n.setOutput(i, n.sliceAxis(x, *axis, offset, offset + sizes[i]));
    offset += sizes[i];
  }
  return success();
}

LogicalResult importSlice(NodeImporter &n) {
  for (size_t i = 1; i < n.numInputs(); ++i)
    if (n.hasInput(i) && failed(n.requireConst(i, "slice parameters")))
      return failure();
  std::vector<int64_t> starts = n.constInts(1), ends = n.constInts(2);
  std::vector<int64_t> axes = n.hasInput(3) ? n.constInts(3)
                                            : std::vector<int64_t>{};
  std::vector<int64_t> steps = n.hasInput(4) ? n.constInts(4)
                                             : std::vector<int64_t>{};
  ArrayRef<int64_t> in = n.inputShape(0);
  // A dynamic dimension is sliced as if it were huge: it must come out
  // whole (x[:, 0:] exports as ends of INT64_MAX), else it is refused.
  constexpr int64_t kHuge = std::numeric_limits<int64_t>::max() / 4;
  SmallVector<int64_t> bounded(in);
  for (int64_t &d : bounded)
    if (ShapedType::isDynamic(d))
      d = kHuge;
  std::optional<std::vector<SliceDim>> dims =
      sliceDims(bounded, starts, ends, axes, steps);
  if (!dims)
    return n.unsupported("invalid slice parameters");
  SmallVector<int64_t> lo, hi, strides;
  SmallVector<int64_t> reversed;
  for (size_t d = 0; d < dims->size(); ++d) {
    SliceDim s = (*dims)[d];
    if (ShapedType::isDynamic(in[d])) {
      if (s.start != 0 || s.step != 1 || s.count != kHuge)
        return n.unsupported("slices dynamic dimension " + std::to_string(d) +
                             " of " + formatShape(in) +
                             "; a dynamic dimension can only be taken whole");
      lo.push_back(0);
      hi.push_back(ShapedType::kDynamic);
      strides.push_back(1);
      continue;
    }
    if (s.count == 0)
      return n.unsupported("the result is empty");
    if (s.step > 0) {
      lo.push_back(s.start);
      hi.push_back(s.start + (s.count - 1) * s.step + 1);
      strides.push_back(s.step);
    } else {
      int64_t last = s.start + (s.count - 1) * s.step;
      lo.push_back(last);
      hi.push_back(s.start + 1);
      strides.push_back(-s.step);
      reversed.push_back(d);
    }
  }
  Value r = n.slice(n.input(0), lo, hi, strides);
  for (int64_t d : reversed)
    r = n.reverse(r, d);
  n.setOutput(0, r);
  return success();
}

LogicalResult importGather(NodeImporter &n) {
  int64_t rank = n.inputRank(0);
  FailureOr<int64_t> axis = n.axisAttr("axis", 0, rank);
  if (failed(axis))
    return failure();
  n.setOutput(0, n.gather(n.input(0), n.input(1), *axis));
  return success();
}

/// `idx` with negative entries wrapped by `extent` (a scalar or a tensor
/// broadcasting against idx).
Value wrapNegative(LoomBuilder &b, Value idx, Value extent) {
  Value zero = b.splat(elementTypeOf(idx), 0);
  return b.select(b.compare(ComparePredicate::lt, idx, zero),
                  b.add(idx, extent), idx);
}

/// Flat indices into a tensor of shape `data` of GatherElements/
/// ScatterElements indices `idx` along `axis`: idx * stride[axis] plus the
/// offset of every other coordinate (known at import time).
Value elementsFlatIndex(LoomBuilder &b, Value idx, ArrayRef<int64_t> data,
                        int64_t axis) {
  ArrayRef<int64_t> idxShape = shapeOf(idx);
  int64_t rank = data.size();
  Type it = elementTypeOf(idx);
  SmallVector<int64_t> strides = stridesOf(data);
  std::vector<int64_t> base(numElementsOf(idxShape));
  SmallVector<int64_t> index(rank, 0);
  for (size_t o = 0; o < base.size(); ++o) {
    int64_t off = 0;
    for (int64_t d = 0; d < rank; ++d)
      if (d != axis)
        off += index[d] * strides[d];
    base[o] = off;
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++index[d] < idxShape[d])
        break;
      index[d] = 0;
    }
  }
  idx = wrapNegative(b, idx, b.splat(it, data[axis]));
  return b.add(b.mulScalar(idx, strides[axis]),
               b.constantInts(it, idxShape, base));
}

/// GatherElements/ScatterElements operands elementsFlatIndex relies on:
/// integer indices of the data's rank, no larger than the data off the axis,
/// and (scatter) updates of the indices' shape.
LogicalResult checkElementsOperands(NodeImporter &n, ArrayRef<int64_t> data,
                                    int64_t axis, Value indices,
                                    Value updates = Value()) {
  ArrayRef<int64_t> is = shapeOf(indices);
  if (!isa<IntegerType>(elementTypeOf(indices)))
    return n.unsupported("indices must be integers");
  bool fits = is.size() == data.size();
  for (size_t d = 0; fits && d < is.size(); ++d)
    fits = static_cast<int64_t>(d) == axis || is[d] <= data[d];
  if (!fits)
    return n.unsupported("indices have shape " + formatShape(is) +
                         ", which does not fit the data's " +
                         formatShape(data) + " off axis " +
                         std::to_string(axis));
  if (updates && shapeOf(updates) != is)
    return n.unsupported("updates have shape " + formatShape(shapeOf(updates)) +
                         ", not the indices' " + formatShape(is));
  return success();
}

LogicalResult importGatherElements(NodeImporter &n) {
  ArrayRef<int64_t> data = n.inputShape(0);
  FailureOr<int64_t> axis = n.axisAttr("axis", 0, data.size());
  if (failed(axis) || failed(checkElementsOperands(n, data, *axis, n.input(1))))
    return failure();
  Value flatIdx = elementsFlatIndex(n, n.input(1), data, *axis);
  Value flatData = n.reshape(n.input(0), {numElementsOf(data)});
  n.setOutput(0, n.gather(flatData, flatIdx, 0));
  return success();
}

/// Scatters `updates` (flattened) into `data` (flattened) at `flatIdx`
/// (flattened, one per update) with ONNX's reduction none/add/mul. Every
/// output element compares against every index: O(outputs x updates).
FailureOr<Value> scatterFlat(NodeImporter &n, Value data, Value flatIdx,
                             Value updates) {
  std::string reduction = n.attrString("reduction", "none");
  if (reduction != "none" && reduction != "add" && reduction != "mul")
    return n.unsupported("reduction '" + reduction + "' is not supported");
  ArrayRef<int64_t> dataShape = shapeOf(data);
  int64_t outCount = numElementsOf(dataShape);
  int64_t count = numElementsOf(shapeOf(flatIdx));
  Type it = elementTypeOf(flatIdx), et = elementTypeOf(data);
  Value flatData = n.reshape(data, {outCount});
  Value idx = n.reshape(flatIdx, {count, 1});
  Value upd = n.reshape(updates, {count, 1});
  Value hit = n.compare(ComparePredicate::eq, idx, n.iota(it, outCount, 1, 2));
  Value result;
  if (reduction == "add") {
    Value contrib = n.reduce(LoomBuilder::Reduction::Sum,
                             n.select(hit, upd, n.splat(et, 0)), {0}, false);
    result = n.add(flatData, contrib);
  } else if (reduction == "mul") {
    Value prod = n.reduce(LoomBuilder::Reduction::Prod,
                          n.select(hit, upd, n.splat(et, 1)), {0}, false);
    result = n.mul(flatData, prod);
  } else {
    // The last update that writes an element wins.
    Type i64 = n.b.getI64Type();
    Value which = n.select(hit, n.iota(i64, count, 0, 2), n.splat(i64, -1));
    Value last = n.reduce(LoomBuilder::Reduction::Max, which, {0}, false);
    Value has = n.compare(ComparePredicate::ge, last, n.splat(i64, 0));
    Value picked = n.gather(n.reshape(updates, {count}),
                            n.max(last, n.splat(i64, 0)), 0);
    result = n.select(has, picked, flatData);
  }
  return n.reshape(result, dataShape);
}

/// The row index of each update row when ScatterElements indices are a
/// column [N, 1, ..., 1] broadcast over the other dimensions (PyTorch's
/// scatter_add(0, dst.unsqueeze(1).expand(-1, F), messages)), else null. A
/// column broadcast along the rows too ([1, 1] to [N, F]) is not one.
Value broadcastRowIndices(Value indices) {
  auto broadcast = indices.getDefiningOp<BroadcastToOp>();
  if (!broadcast)
    return Value();
  ArrayRef<int64_t> column = shapeOf(broadcast.getInput());
  ArrayRef<int64_t> shape = shapeOf(indices);
  if (column.empty() || column.size() != shape.size() ||
      column.front() != shape.front() ||
      llvm::any_of(column.drop_front(), [](int64_t d) { return d != 1; }))
    return Value();
  return broadcast.getInput();
}

LogicalResult importScatterElements(NodeImporter &n) {
  ArrayRef<int64_t> data = n.inputShape(0);
  FailureOr<int64_t> axis = n.axisAttr("axis", 0, data.size());
  if (failed(axis) ||
      failed(checkElementsOperands(n, data, *axis, n.input(1), n.input(2))))
    return failure();
  // Whole rows added into rows (graph networks summing messages into
  // nodes): a segment sum, linear in the updates, instead of comparing
  // every output element with every index.
  ArrayRef<int64_t> updates = n.inputShape(2);
  if (Value rows = broadcastRowIndices(n.input(1));
      rows && *axis == 0 && !data.empty() &&
      n.attrString("reduction", "none") == "add" &&
      updates.drop_front() == data.drop_front()) {
    Type it = elementTypeOf(rows);
    Value ids = wrapNegative(n, n.reshape(rows, {updates[0]}),
                             n.splat(it, data[0]));
    auto type = RankedTensorType::get(data, elementTypeOf(n.input(0)));
    Value sums = SegmentSumOp::create(n.b, n.loc, type, n.input(2), ids,
                                      n.b.getI64IntegerAttr(data[0]));
    n.setOutput(0, n.add(n.input(0), sums));
    return success();
  }
  Value flatIdx = elementsFlatIndex(n, n.input(1), data, *axis);
  FailureOr<Value> r = scatterFlat(n, n.input(0), flatIdx, n.input(2));
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

/// MaxUnpool: the values go back to the flat positions MaxPool's Indices
/// recorded, in a zero tensor of the unpooled shape.
LogicalResult importMaxUnpool(NodeImporter &n) {
  Value x = n.input(0);
  ArrayRef<int64_t> xs = shapeOf(x);
  int64_t sp = xs.size() - 2;
  std::vector<int64_t> kernel = n.attrInts("kernel_shape"),
                       strides = n.attrInts("strides"),
                       pads = n.attrInts("pads");
  if (strides.empty())
    strides.assign(sp, 1);
  if (pads.empty())
    pads.assign(2 * sp, 0);
  if (static_cast<int64_t>(kernel.size()) != sp ||
      static_cast<int64_t>(strides.size()) != sp ||
      static_cast<int64_t>(pads.size()) != 2 * sp)
    return n.unsupported("kernel_shape, strides and pads must match the " +
                         std::to_string(sp) + " spatial dimensions");
  // The indices address the default unpooled shape; a larger output_shape
  // extends it at the end of each spatial dim (as ONNX's reference does).
  std::vector<int64_t> shape = {xs[0], xs[1]};
  for (int64_t d = 0; d < sp; ++d)
    shape.push_back((xs[2 + d] - 1) * strides[d] + kernel[d] - pads[d] -
                    pads[sp + d]);
  Value zeros = n.splat(elementTypeOf(x), 0, shape);
  FailureOr<Value> r = scatterFlat(n, zeros, n.input(1), x);
  if (failed(r))
    return failure();
  Value y = *r;
  if (n.hasInput(2)) {
    if (failed(n.requireConst(2, "output_shape")))
      return failure();
    std::vector<int64_t> outShape = n.constInts(2);
    if (outShape.size() != shape.size())
      return n.unsupported("output_shape must have rank " +
                           std::to_string(shape.size()));
    SmallVector<int64_t> low(shape.size(), 0), high(shape.size(), 0);
    for (size_t d = 0; d < shape.size(); ++d) {
      if (outShape[d] < shape[d])
        return n.unsupported("output_shape " + formatInts(outShape) +
                             " is smaller than the unpooled shape " +
                             formatInts(shape));
      high[d] = outShape[d] - shape[d];
    }
    y = n.pad(y, low, high, 0.0);
  }
  n.setOutput(0, y);
  return success();
}

/// Flat offsets into `data` of the index tuples in the last dim of `idx`
/// (GatherND/ScatterND with `b` batch dims): shape idx.shape[:-1].
Value ndFlatIndex(LoomBuilder &lb, Value idx, ArrayRef<int64_t> data,
                  int64_t b) {
  ArrayRef<int64_t> idxShape = shapeOf(idx);
  int64_t k = idxShape.back();
  Type it = elementTypeOf(idx);
  SmallVector<int64_t> strides = stridesOf(data);
  std::vector<int64_t> extents(data.begin() + b, data.begin() + b + k);
  idx = wrapNegative(lb, idx, lb.constantInts(it, {k}, extents));
  std::vector<int64_t> stridesK(strides.begin() + b, strides.begin() + b + k);
  Value flat = lb.matmul(idx, lb.constantInts(it, {k}, stridesK));
  ArrayRef<int64_t> flatShape = shapeOf(flat);
  if (b > 0) {
    std::vector<int64_t> batchOffset(numElementsOf(flatShape));
    int64_t inner = numElementsOf(flatShape.drop_front(b));
    for (size_t i = 0; i < batchOffset.size(); ++i)
      batchOffset[i] = (static_cast<int64_t>(i) / inner) * strides[b - 1];
    flat = lb.add(flat, lb.constantInts(it, flatShape, batchOffset));
  }
  return flat;
}

LogicalResult importGatherND(NodeImporter &n) {
  ArrayRef<int64_t> data = n.inputShape(0), idxShape = n.inputShape(1);
  if (idxShape.empty())
    return n.unsupported("indices must have rank 1 or more");
  int64_t b = n.attrInt("batch_dims", 0);
  int64_t k = idxShape.back();
  if (b + k > static_cast<int64_t>(data.size()))
    return n.unsupported("index depth exceeds the data rank");
  Value flat = ndFlatIndex(n, n.input(1), data, b);
  // Gather whole slices: view data as [elements / slice, slice...].
  int64_t slice = numElementsOf(data.drop_front(b + k));
  SmallVector<int64_t> viewShape = {numElementsOf(data) / slice};
  viewShape.append(data.begin() + b + k, data.end());
  Value view = n.reshape(n.input(0), viewShape);
  Value rows = n.div(flat, n.splat(elementTypeOf(flat), slice));
  n.setOutput(0, n.gather(view, rows, 0));
  return success();
}

LogicalResult importScatterND(NodeImporter &n) {
  ArrayRef<int64_t> data = n.inputShape(0), idxShape = n.inputShape(1);
  if (idxShape.empty())
    return n.unsupported("indices must have rank 1 or more");
  int64_t k = idxShape.back();
  if (k > static_cast<int64_t>(data.size()))
    return n.unsupported("index depth exceeds the data rank");
  Value base = ndFlatIndex(n, n.input(1), data, 0);
  int64_t count = numElementsOf(shapeOf(base));
  int64_t slice = numElementsOf(data.drop_front(k));
  Type it = elementTypeOf(base);
  // Every element of every updated slice: base + offset within the slice.
  Value flat = n.add(n.reshape(base, {count, 1}), n.iota(it, slice, 1, 2));
  FailureOr<Value> r = scatterFlat(n, n.input(0), flat, n.input(2));
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

/// out.flat[i] = x.flat[source[i]], reshaped to `shape`.
Value gatherFlat(LoomBuilder &b, Value x, ArrayRef<int64_t> shape,
                 ArrayRef<int64_t> source) {
  Value flat = b.reshape(x, {numElementsOf(shapeOf(x))});
  Value idx = b.constantInts(b.b.getI64Type(), shape, source);
  return b.gather(flat, idx, 0);
}

LogicalResult importCompress(NodeImporter &n) {
  const Tensor *cond = n.constInput(1);
  if (!cond)
    return n.unsupported("the condition (input 1) must be known at import "
                         "time: the result's shape depends on it");
  std::vector<int64_t> picked;
  std::vector<int64_t> c = hostInts(*cond);
  Value x = n.input(0);
  int64_t axis = 0;
  if (n.hasAttr("axis")) {
    FailureOr<int64_t> a = n.axisAttr("axis", 0, rankOf(x));
    if (failed(a))
      return failure();
    axis = *a;
  } else {
    x = n.reshape(x, {numElementsOf(shapeOf(x))});
  }
  for (size_t i = 0; i < c.size() && static_cast<int64_t>(i) < shapeOf(x)[axis];
       ++i)
    if (c[i])
      picked.push_back(i);
  if (picked.empty())
    return n.unsupported("the result is empty");
  Value idx = n.constantInts(n.b.getI64Type(),
                             {static_cast<int64_t>(picked.size())}, picked);
  n.setOutput(0, n.gather(x, idx, axis));
  return success();
}

LogicalResult importReverseSequence(NodeImporter &n) {
  const Tensor *lensT = n.constInput(1);
  if (!lensT)
    return n.unsupported("sequence_lens (input 1) must be known at import "
                         "time");
  ArrayRef<int64_t> shape = n.inputShape(0);
  int64_t rank = shape.size();
  FailureOr<int64_t> timeAxis = n.axisAttr("time_axis", 0, rank);
  FailureOr<int64_t> batchAxis = n.axisAttr("batch_axis", 1, rank);
  if (failed(timeAxis) || failed(batchAxis))
    return failure();
  std::vector<int64_t> lens = hostInts(*lensT);
  SmallVector<int64_t> strides = stridesOf(shape);
  std::vector<int64_t> source(numElementsOf(shape));
  SmallVector<int64_t> index(rank, 0);
  for (size_t i = 0; i < source.size(); ++i) {
    int64_t t = index[*timeAxis], len = lens[index[*batchAxis]];
    int64_t src = i;
    if (t < len)
      src += (len - 1 - 2 * t) * strides[*timeAxis];
    source[i] = src;
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
  }
  n.setOutput(0, gatherFlat(n, n.input(0), shape, source));
  return success();
}

/// HannWindow, HammingWindow, BlackmanWindow: constants of `size` values.
LogicalResult importWindow(NodeImporter &n) {
  const Tensor *sizeT = n.constInput(0);
  if (!sizeT)
    return n.unsupported("size (input 0) must be known at import time");
  int64_t size = hostInt(*sizeT, 0);
  if (size < 1)
    return n.unsupported("the result is empty");
  DType dtype = static_cast<DType>(n.attrInt("output_datatype", 1));
  Type et = n.elementType(dtype);
  if (!et)
    return n.unsupported(std::string("output_datatype ") +
                         onnx_model::dtypeName(dtype) + " is not supported");
  double denom = n.attrInt("periodic", 1) ? size : size - 1;
  const std::string &op = n.node.opType;
  std::vector<double> v(size);
  for (int64_t i = 0; i < size; ++i) {
    double a = 2 * M_PI * i / denom;
    if (op == "HannWindow")
      v[i] = 0.5 - 0.5 * std::cos(a);
    else if (op == "HammingWindow")
      v[i] = 25.0 / 46.0 - 21.0 / 46.0 * std::cos(a);
    else
      v[i] = 0.42 - 0.5 * std::cos(a) + 0.08 * std::cos(2 * a);
  }
  n.setOutput(0, n.constant(et, {size}, v));
  return success();
}

/// Pads one axis by `lo`/`hi` elements in mode "reflect" or "edge".
Value padAxisMode(LoomBuilder &b, Value x, int64_t axis, int64_t lo,
                  int64_t hi, bool reflect) {
  int64_t n = shapeOf(x)[axis];
  SmallVector<Value> parts;
  auto edge = [&](int64_t at, int64_t count) {
    Value s = b.sliceAxis(x, axis, at, at + 1);
    SmallVector<int64_t> shape(shapeOf(s));
    shape[axis] = count;
    return b.broadcastTo(s, shape);
  };
  if (lo > 0)
    parts.push_back(reflect ? b.reverse(b.sliceAxis(x, axis, 1, lo + 1), axis)
                            : edge(0, lo));
  parts.push_back(x);
  if (hi > 0)
    parts.push_back(reflect
                        ? b.reverse(b.sliceAxis(x, axis, n - 1 - hi, n - 1),
                                    axis)
                        : edge(n - 1, hi));
  return b.concat(parts, axis);
}

LogicalResult importPad(NodeImporter &n) {
  std::string mode = n.attrString("mode", "constant");
  if (mode != "constant" && mode != "reflect" && mode != "edge")
    return n.unsupported("mode '" + mode + "' is not supported");
  if (failed(n.requireConst(1, "pads")))
    return failure();
  ArrayRef<int64_t> in = n.inputShape(0);
  int64_t rank = in.size();
  std::vector<int64_t> pads = n.constInts(1);
  std::vector<int64_t> axes;
  if (n.hasInput(3)) {
    if (failed(n.requireConst(3, "axes")))
      return failure();
    std::optional<std::vector<int64_t>> norm =
        normalizeAxes(n.constInts(3), rank);
    if (!norm)
      return n.unsupported("invalid axes");
    axes = *norm;
  } else {
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
  }
  if (pads.size() != 2 * axes.size())
    return n.unsupported("expected " + std::to_string(2 * axes.size()) +
                         " pads, got " + std::to_string(pads.size()));
  SmallVector<int64_t> low(rank, 0), high(rank, 0);
  for (size_t i = 0; i < axes.size(); ++i) {
    low[axes[i]] = pads[i];
    high[axes[i]] = pads[axes.size() + i];
  }
  Value x = n.input(0);
  // Negative pads crop.
  SmallVector<int64_t> starts(rank, 0), limits(in), strides(rank, 1);
  for (int64_t d = 0; d < rank; ++d) {
    if (low[d] < 0) {
      starts[d] = -low[d];
      low[d] = 0;
    }
    if (high[d] < 0) {
      limits[d] += high[d];
      high[d] = 0;
    }
    if (ShapedType::isDynamic(in[d])) {
      if (starts[d] != 0 || limits[d] != in[d] || low[d] || high[d])
        return n.unsupported("dimension " + std::to_string(d) +
                             " is dynamic: it cannot be padded or cropped");
      continue;
    }
    if (limits[d] <= starts[d])
      return n.unsupported("the result is empty");
  }
  if (!llvm::equal(starts, SmallVector<int64_t>(rank, 0)) ||
      !llvm::equal(limits, in))
    x = n.slice(x, starts, limits, strides);
  if (mode == "constant") {
    double value = 0;
    if (n.hasInput(2)) {
      if (failed(n.requireConst(2, "constant_value")))
        return failure();
      value = hostDouble(*n.constInput(2), 0);
    }
    n.setOutput(0, n.pad(x, low, high, value));
    return success();
  }
  for (int64_t d = 0; d < rank; ++d) {
    if (low[d] == 0 && high[d] == 0)
      continue;
    if (mode == "reflect" && (low[d] >= shapeOf(x)[d] || high[d] >= shapeOf(x)[d]))
      return n.unsupported("reflect padding must be smaller than the padded "
                           "dimension");
    x = padAxisMode(n, x, d, low[d], high[d], mode == "reflect");
  }
  n.setOutput(0, x);
  return success();
}

LogicalResult importTile(NodeImporter &n) {
  if (failed(n.requireConst(1, "repeats")))
    return failure();
  std::vector<int64_t> reps = n.constInts(1);
  ArrayRef<int64_t> in = n.inputShape(0);
  if (reps.size() != in.size())
    return n.unsupported("repeats must have one entry per dimension");
  SmallVector<int64_t> interleaved, expanded, out;
  for (size_t d = 0; d < in.size(); ++d) {
    if (reps[d] < 1)
      return n.unsupported("repeats must be positive");
    interleaved.append({1, in[d]});
    expanded.append({reps[d], in[d]});
    out.push_back(reps[d] * in[d]);
  }
  Value x = n.reshape(n.input(0), interleaved);
  x = n.broadcastTo(x, expanded);
  n.setOutput(0, n.reshape(x, out));
  return success();
}

LogicalResult importDepthToSpace(NodeImporter &n) {
  ArrayRef<int64_t> s = n.inputShape(0);
  int64_t b = n.attrInt("blocksize", 0);
  if (s.size() != 4 || b < 1 || s[1] % (b * b) != 0)
    return n.unsupported("expects NCHW input with C divisible by blocksize^2");
  int64_t c = s[1] / (b * b);
  bool crd = n.attrString("mode", "DCR") == "CRD";
  Value x = n.input(0);
  if (crd) {
    x = n.reshape(x, {s[0], c, b, b, s[2], s[3]});
    x = n.transpose(x, {0, 1, 4, 2, 5, 3});
  } else {
    x = n.reshape(x, {s[0], b, b, c, s[2], s[3]});
    x = n.transpose(x, {0, 3, 4, 1, 5, 2});
  }
  n.setOutput(0, n.reshape(x, {s[0], c, s[2] * b, s[3] * b}));
  return success();
}

LogicalResult importSpaceToDepth(NodeImporter &n) {
  ArrayRef<int64_t> s = n.inputShape(0);
  int64_t b = n.attrInt("blocksize", 0);
  if (s.size() != 4 || b < 1 || s[2] % b != 0 || s[3] % b != 0)
    return n.unsupported("expects NCHW input with H and W divisible by "
                         "blocksize");
  Value x = n.reshape(n.input(0), {s[0], s[1], s[2] / b, b, s[3] / b, b});
  x = n.transpose(x, {0, 3, 5, 1, 2, 4});
  n.setOutput(0, n.reshape(x, {s[0], s[1] * b * b, s[2] / b, s[3] / b}));
  return success();
}

LogicalResult importConstantOfShape(NodeImporter &n) {
  const ShapeValue *symbolic = n.shapeInput(0);
  if (!symbolic && failed(n.requireConst(0, "the shape")))
    return failure();
  const Tensor *value = n.attrTensor("value");
  DType dtype = value ? value->dtype : DType::Float;
  Type et = n.elementType(dtype);
  if (!et)
    return n.unsupported(std::string("values of type ") +
                         onnx_model::dtypeName(dtype) + " are not supported");
  double v = value && value->numElements() ? hostDouble(*value, 0) : 0.0;
  if (symbolic) {
    // A splat of sizes known at run time: the scalar broadcast to them.
    Value scalar = n.splat(et, v);
    auto result = dynamicBroadcast(n, scalar, symbolic->elems);
    if (!result)
      return n.unsupported("invalid shape");
    n.setOutput(0, BroadcastToOp::create(n.b, n.loc, result->first, scalar,
                                         result->second)
                       .getResult());
    return success();
  }
  std::vector<int64_t> shape = n.constInts(0);
  if (numElementsOf(shape) == 0)
    return n.unsupported("the result is empty");
  n.setOutput(0, n.splat(et, v, shape));
  return success();
}

/// Range over a run-time size (position ids 0..seq-1): start and delta
/// known at import time, the limit a shape value.
LogicalResult importRange(NodeImporter &n) {
  const ShapeValue *limit = n.shapeInput(1);
  const Tensor *start = n.constInput(0), *delta = n.constInput(2);
  if (!limit || !limit->scalar || !start || !delta ||
      start->numElements() != 1 || delta->numElements() != 1 ||
      isFloatDType(start->dtype))
    return n.unsupported("start, limit and delta must be known at import "
                         "time (or the limit an integer size computed at "
                         "run time, with start and delta known)");
  int64_t first = hostInt(*start, 0), step = hostInt(*delta, 0);
  // (A size is at least 1, so with start <= 0 the range is never empty.)
  if (step <= 0 || first > 0)
    return n.unsupported("a limit known only at run time needs a start <= 0 "
                         "and a positive delta");
  // n = ceil((limit - start) / delta)
  Value l = getValueOrCreateConstantIndexOp(n.b, n.loc, limit->elems[0]);
  Value span = first == 0
                   ? l
                   : arith::SubIOp::create(
                         n.b, n.loc, l,
                         arith::ConstantIndexOp::create(n.b, n.loc, first))
                         .getResult();
  Value count = step == 1 ? span
                          : arith::CeilDivSIOp::create(
                                n.b, n.loc, span,
                                arith::ConstantIndexOp::create(n.b, n.loc, step))
                                .getResult();
  Type et = n.elementType(start->dtype);
  auto type = RankedTensorType::get({ShapedType::kDynamic}, et);
  n.setOutput(0, IotaOp::create(n.b, n.loc, type, count,
                                n.b.getI64IntegerAttr(first),
                                n.b.getI64IntegerAttr(step))
                     .getResult());
  return success();
}

LogicalResult importEyeLike(NodeImporter &n) {
  ArrayRef<int64_t> s = n.inputShape(0);
  if (s.size() != 2)
    return n.unsupported("expects a 2-D input");
  DType dtype = n.hasAttr("dtype") ? static_cast<DType>(n.attrInt("dtype", 1))
                                   : n.inputDType(0);
  Type et = n.elementType(dtype);
  if (!et)
    return n.unsupported(std::string("dtype ") + onnx_model::dtypeName(dtype) +
                         " is not supported");
  int64_t k = n.attrInt("k", 0);
  std::vector<double> v(s[0] * s[1], 0.0);
  for (int64_t i = 0; i < s[0]; ++i)
    if (i + k >= 0 && i + k < s[1])
      v[i * s[1] + i + k] = 1.0;
  n.setOutput(0, n.constant(et, s, v));
  return success();
}

LogicalResult importTrilu(NodeImporter &n) {
  ArrayRef<int64_t> s = n.inputShape(0);
  if (s.size() < 2)
    return n.unsupported("expects a tensor of rank >= 2");
  int64_t k = 0;
  if (n.hasInput(1)) {
    if (failed(n.requireConst(1, "k")))
      return failure();
    k = n.constInts(1)[0];
  }
  bool upper = n.attrInt("upper", 1) != 0;
  int64_t rows = s[s.size() - 2], cols = s.back();
  std::vector<int64_t> mask(rows * cols);
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      mask[i * cols + j] = upper ? j - i >= k : j - i <= k;
  Value x = n.input(0);
  Value m = n.constantInts(n.b.getI1Type(), {rows, cols}, mask);
  n.setOutput(0, n.select(m, x, n.splat(elementTypeOf(x), 0)));
  return success();
}

LogicalResult importOneHot(NodeImporter &n) {
  if (failed(n.requireConst(1, "depth")))
    return failure();
  int64_t depth = hostInt(*n.constInput(1), 0);
  ArrayRef<int64_t> in = n.inputShape(0);
  int64_t outRank = in.size() + 1;
  FailureOr<int64_t> axis = n.axisAttr("axis", -1, outRank);
  if (failed(axis))
    return failure();
  if (depth < 1)
    return n.unsupported("depth must be positive, got " +
                         std::to_string(depth));
  Value idx = n.input(0);
  Type i64 = n.b.getI64Type();
  idx = n.cast(idx, i64);
  idx = wrapNegative(n, idx, n.splat(i64, depth));
  SmallVector<int64_t> expanded(in);
  expanded.insert(expanded.begin() + *axis, 1);
  idx = n.reshape(idx, expanded);
  Value hot = n.compare(ComparePredicate::eq, idx,
                        n.iota(i64, depth, *axis, outRank));
  Value values = n.input(2);
  Value off = n.reshape(n.sliceAxis(values, 0, 0, 1), {});
  Value on = n.reshape(n.sliceAxis(values, 0, 1, 2), {});
  n.setOutput(0, n.select(hot, on, off));
  return success();
}

LogicalResult importCumSum(NodeImporter &n) {
  if (failed(n.requireConst(1, "axis")))
    return failure();
  ArrayRef<int64_t> in = n.inputShape(0);
  int64_t rank = in.size();
  std::optional<int64_t> axis = normalizeDim(n.constInts(1)[0], rank);
  if (!axis || rank > 25)
    return n.unsupported("invalid axis");
  bool exclusive = n.attrInt("exclusive", 0), reverse = n.attrInt("reverse", 0);
  int64_t len = in[*axis];
  // out[j] = sum_i x[i] * m[i][j] with a triangular 0/1 matrix m.
  std::vector<double> m(len * len, 0.0);
  for (int64_t i = 0; i < len; ++i) {
    for (int64_t j = 0; j < len; ++j) {
      bool take = reverse ? (exclusive ? i > j : i >= j)
                          : (exclusive ? i < j : i <= j);
      m[i * len + j] = take;
    }
  }
  Value x = n.input(0);
  Value mat = n.constant(elementTypeOf(x), {len, len}, m);
  std::string term, out;
  for (int64_t d = 0; d < rank; ++d) {
    term += static_cast<char>('a' + d);
    out += d == *axis ? 'z' : static_cast<char>('a' + d);
  }
  std::string spec = term + "," + static_cast<char>('a' + *axis) + "z->" + out;
  n.setOutput(0, n.contract(spec, {x, mat}, in));
  return success();
}

LogicalResult importDropout(NodeImporter &n) {
  if (n.hasInput(2)) {
    const Tensor *training = n.constInput(2);
    if (!training)
      return n.unsupported("training_mode must be known at import time");
    double ratio = 0.5;
    if (n.hasInput(1)) {
      const Tensor *r = n.constInput(1);
      ratio = r ? hostDouble(*r, 0) : -1.0;
    }
    if (hostInt(*training, 0) != 0 && ratio != 0.0)
      return n.unsupported("training mode (random dropout) is not supported");
  }
  Value x = n.input(0);
  n.setOutput(0, x);
  // The mask (all true) is built only when something reads it: a training-
  // mode export names it even when nothing does.
  if (n.outputUsed(1)) {
    if (!n.inputType(0).hasStaticShape())
      return n.unsupported("the mask output of an input with dynamic "
                           "dimensions is not supported");
    n.setOutput(1, n.splat(n.b.getI1Type(), 1, shapeOf(x)));
  }
  return success();
}

} // namespace

void registerTensorOps(HandlerMap &map) {
  map["Constant"] = importConstant;
  map["Shape"] = importShape;
  map["Size"] = importSize;
  map["Reshape"] = importReshape;
  map["Flatten"] = importFlatten;
  map["Transpose"] = importTranspose;
  map["Squeeze"] = importSqueeze;
  map["Unsqueeze"] = importUnsqueeze;
  map["Expand"] = importExpand;
  map["Concat"] = importConcat;
  map["Split"] = importSplit;
  map["Slice"] = importSlice;
  map["Gather"] = importGather;
  map["GatherElements"] = importGatherElements;
  map["GatherND"] = importGatherND;
  map["ScatterElements"] = importScatterElements;
  map["ScatterND"] = importScatterND;
  map["MaxUnpool"] = importMaxUnpool;
  map["Compress"] = importCompress;
  map["ReverseSequence"] = importReverseSequence;
  map["HannWindow"] = importWindow;
  map["HammingWindow"] = importWindow;
  map["BlackmanWindow"] = importWindow;
  map["Pad"] = importPad;
  map["Tile"] = importTile;
  map["DepthToSpace"] = importDepthToSpace;
  map["SpaceToDepth"] = importSpaceToDepth;
  map["ConstantOfShape"] = importConstantOfShape;
  map["Range"] = importRange;
  map["EyeLike"] = importEyeLike;
  map["Trilu"] = importTrilu;
  map["OneHot"] = importOneHot;
  map["CumSum"] = importCumSum;
  map["Dropout"] = importDropout;
}

} // namespace onnx_import
} // namespace loom
