//===- HostEval.cpp - ONNX ops on values known at import time -------------===//
//
// Shape computations in exported models (Shape -> Gather -> Concat ->
// Reshape, Range, ConstantOfShape, ...) must be known at import time for
// Loom's static shapes. This file evaluates such nodes on small host
// tensors; everything else becomes loom ops.
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

#include "loom/dialect/Broadcast.h"

#include <cmath>
#include <cstring>
#include <functional>
#include <numeric>

namespace loom {
namespace onnx_import {

using llvm::ArrayRef;

//===----------------------------------------------------------------------===//
// Host tensors
//===----------------------------------------------------------------------===//

namespace {

template <typename T> T load(const Tensor &t, int64_t i) {
  T v;
  std::memcpy(&v, t.data.data() + i * sizeof(T), sizeof(T));
  return v;
}

template <typename T> void storeAt(Tensor &t, int64_t i, T v) {
  std::memcpy(t.data.data() + i * sizeof(T), &v, sizeof(T));
}

} // namespace

bool isHostComputable(DType dtype) {
  switch (dtype) {
  case DType::Float: case DType::Double: case DType::Int32: case DType::Int64:
  case DType::Bool:
    return true;
  default:
    return false;
  }
}

bool isFloatDType(DType dtype) {
  return dtype == DType::Float || dtype == DType::Double ||
         dtype == DType::Float16 || dtype == DType::BFloat16;
}

double hostDouble(const Tensor &t, int64_t i) {
  return onnx_model::elementAsDouble(t.dtype, t.data.data(), i);
}

int64_t hostInt(const Tensor &t, int64_t i) {
  switch (t.dtype) {
  case DType::Int64: return load<int64_t>(t, i);
  case DType::UInt64: return static_cast<int64_t>(load<uint64_t>(t, i));
  case DType::Int32: return load<int32_t>(t, i);
  case DType::UInt32: return load<uint32_t>(t, i);
  case DType::Int16: return load<int16_t>(t, i);
  case DType::UInt16: return load<uint16_t>(t, i);
  case DType::Int8: return load<int8_t>(t, i);
  case DType::UInt8: case DType::Bool: return load<uint8_t>(t, i);
  default: {
    double d = hostDouble(t, i);
    if (std::isnan(d))
      return 0;
    if (d >= 9.2e18)
      return INT64_MAX;
    if (d <= -9.2e18)
      return INT64_MIN;
    return static_cast<int64_t>(d);
  }
  }
}

std::vector<int64_t> hostInts(const Tensor &t) {
  std::vector<int64_t> v(t.numElements());
  for (int64_t i = 0; i < t.numElements(); ++i)
    v[i] = hostInt(t, i);
  return v;
}

std::vector<double> hostDoubles(const Tensor &t) {
  std::vector<double> v(t.numElements());
  for (int64_t i = 0; i < t.numElements(); ++i)
    v[i] = hostDouble(t, i);
  return v;
}

Tensor makeHostTensor(DType dtype, ArrayRef<int64_t> shape,
                      ArrayRef<double> values) {
  Tensor t;
  t.dtype = dtype;
  t.shape.assign(shape.begin(), shape.end());
  t.data.resize(values.size() * onnx_model::dtypeSize(dtype));
  for (size_t i = 0; i < values.size(); ++i) {
    double v = values[i];
    switch (dtype) {
    case DType::Float: storeAt<float>(t, i, static_cast<float>(v)); break;
    case DType::Double: storeAt<double>(t, i, v); break;
    case DType::Int32: storeAt<int32_t>(t, i, static_cast<int32_t>(v)); break;
    case DType::Int64: storeAt<int64_t>(t, i, static_cast<int64_t>(v)); break;
    case DType::Bool: storeAt<uint8_t>(t, i, v != 0); break;
    default: break;
    }
  }
  return t;
}

Tensor makeHostTensorInts(DType dtype, ArrayRef<int64_t> shape,
                          ArrayRef<int64_t> values) {
  if (isFloatDType(dtype)) {
    std::vector<double> d(values.begin(), values.end());
    return makeHostTensor(dtype, shape, d);
  }
  Tensor t;
  t.dtype = dtype;
  t.shape.assign(shape.begin(), shape.end());
  t.data.resize(values.size() * onnx_model::dtypeSize(dtype));
  for (size_t i = 0; i < values.size(); ++i) {
    switch (dtype) {
    case DType::Int32: storeAt<int32_t>(t, i, static_cast<int32_t>(values[i])); break;
    case DType::Int64: storeAt<int64_t>(t, i, values[i]); break;
    case DType::Bool: storeAt<uint8_t>(t, i, values[i] != 0); break;
    default: break;
    }
  }
  return t;
}

//===----------------------------------------------------------------------===//
// Shape arithmetic
//===----------------------------------------------------------------------===//

std::pair<int64_t, int64_t> shapeRange(int64_t start, int64_t end,
                                       int64_t rank) {
  if (start < 0)
    start += rank;
  if (end < 0)
    end += rank;
  start = std::clamp<int64_t>(start, 0, rank);
  end = std::clamp<int64_t>(end, start, rank);
  return {start, end};
}

std::optional<std::vector<int64_t>> reshapeTarget(ArrayRef<int64_t> inShape,
                                                  ArrayRef<int64_t> spec,
                                                  bool allowZero) {
  std::vector<int64_t> shape;
  int64_t inferred = -1, known = 1;
  for (size_t i = 0; i < spec.size(); ++i) {
    int64_t d = spec[i];
    if (d == 0 && !allowZero) {
      if (i >= inShape.size())
        return std::nullopt;
      d = inShape[i];
    }
    if (d == -1) {
      if (inferred >= 0)
        return std::nullopt;
      inferred = i;
      shape.push_back(1);
      continue;
    }
    if (d < 0)
      return std::nullopt;
    known *= d;
    shape.push_back(d);
  }
  int64_t total = numElementsOf(inShape);
  if (inferred >= 0) {
    if (known == 0 || total % known != 0)
      return std::nullopt;
    shape[inferred] = total / known;
  } else if (known != total) {
    return std::nullopt;
  }
  return shape;
}

std::optional<std::vector<int64_t>> normalizeAxes(ArrayRef<int64_t> axes,
                                                  int64_t rank) {
  std::vector<int64_t> out;
  for (int64_t a : axes) {
    std::optional<int64_t> n = normalizeDim(a, rank);
    if (!n || llvm::is_contained(out, *n))
      return std::nullopt;
    out.push_back(*n);
  }
  return out;
}

std::optional<std::vector<SliceDim>>
sliceDims(ArrayRef<int64_t> shape, ArrayRef<int64_t> starts,
          ArrayRef<int64_t> ends, ArrayRef<int64_t> axes,
          ArrayRef<int64_t> steps) {
  int64_t rank = shape.size();
  std::vector<SliceDim> dims(rank);
  for (int64_t d = 0; d < rank; ++d)
    dims[d] = {0, 1, shape[d]};
  if (starts.size() != ends.size() ||
      (!axes.empty() && axes.size() != starts.size()) ||
      (!steps.empty() && steps.size() != starts.size()))
    return std::nullopt;
  std::vector<int64_t> axisList;
  if (axes.empty()) {
    for (size_t i = 0; i < starts.size(); ++i)
      axisList.push_back(i);
  } else {
    std::optional<std::vector<int64_t>> n = normalizeAxes(axes, rank);
    if (!n)
      return std::nullopt;
    axisList = *n;
  }
  for (size_t i = 0; i < starts.size(); ++i) {
    int64_t axis = axisList[i];
    if (axis >= rank)
      return std::nullopt;
    int64_t dim = shape[axis];
    int64_t step = steps.empty() ? 1 : steps[i];
    if (step == 0)
      return std::nullopt;
    int64_t start = starts[i], end = ends[i];
    if (start < 0)
      start += dim;
    if (end < 0)
      end += dim;
    int64_t count;
    if (step > 0) {
      start = std::clamp<int64_t>(start, 0, dim);
      end = std::clamp<int64_t>(end, 0, dim);
      count = end > start ? (end - start + step - 1) / step : 0;
    } else {
      start = std::clamp<int64_t>(start, 0, dim - 1);
      end = std::clamp<int64_t>(end, -1, dim - 1);
      count = start > end ? (start - end + (-step) - 1) / (-step) : 0;
    }
    dims[axis] = {start, step, count};
  }
  return dims;
}

//===----------------------------------------------------------------------===//
// Evaluation
//===----------------------------------------------------------------------===//

namespace {

constexpr int64_t kMaxHostElements = 1 << 16;

const onnx_model::Attribute *findAttr(const Node &node, const char *name) {
  auto it = node.attributes.find(name);
  return it == node.attributes.end() ? nullptr : &it->second;
}

int64_t intAttr(const Node &node, const char *name, int64_t dflt) {
  const onnx_model::Attribute *a = findAttr(node, name);
  return a ? a->i : dflt;
}

/// Gathers elements of `in` into a tensor of `outShape`: output element o
/// reads input element source(o).
Tensor remap(const Tensor &in, ArrayRef<int64_t> outShape,
             const std::function<int64_t(ArrayRef<int64_t>)> &source) {
  Tensor out;
  out.dtype = in.dtype;
  out.shape.assign(outShape.begin(), outShape.end());
  int64_t width = onnx_model::dtypeSize(in.dtype);
  int64_t n = numElementsOf(outShape);
  out.data.resize(n * width);
  std::vector<int64_t> index(outShape.size(), 0);
  for (int64_t o = 0; o < n; ++o) {
    int64_t src = source(index);
    std::memcpy(out.data.data() + o * width, in.data.data() + src * width,
                width);
    for (int64_t d = static_cast<int64_t>(outShape.size()) - 1; d >= 0; --d) {
      if (++index[d] < outShape[d])
        break;
      index[d] = 0;
    }
  }
  return out;
}

/// Flat index of `index` (of a broadcast result) in a tensor of `shape`.
int64_t broadcastSource(ArrayRef<int64_t> index, ArrayRef<int64_t> shape) {
  int64_t offset = index.size() - shape.size();
  int64_t flat = 0;
  for (size_t d = 0; d < shape.size(); ++d)
    flat = flat * shape[d] + (shape[d] == 1 ? 0 : index[offset + d]);
  return flat;
}

/// Elementwise op over broadcast inputs, computed in double (floats) or
/// int64 (integers and bools).
bool elementwise(ArrayRef<const Tensor *> ins, DType outType,
                 const std::function<double(ArrayRef<double>)> &f,
                 const std::function<int64_t(ArrayRef<int64_t>)> &g,
                 bool computeInFloat, Tensor &out) {
  std::vector<ArrayRef<int64_t>> shapes;
  for (const Tensor *t : ins)
    shapes.push_back(t->shape);
  std::optional<llvm::SmallVector<int64_t>> shape = broadcastShapes(shapes);
  if (!shape)
    return false;
  int64_t n = numElementsOf(*shape);
  std::vector<double> fv;
  std::vector<int64_t> iv;
  std::vector<int64_t> index(shape->size(), 0);
  std::vector<double> fargs(ins.size());
  std::vector<int64_t> iargs(ins.size());
  for (int64_t o = 0; o < n; ++o) {
    for (size_t k = 0; k < ins.size(); ++k) {
      int64_t src = broadcastSource(index, ins[k]->shape);
      if (computeInFloat)
        fargs[k] = hostDouble(*ins[k], src);
      else
        iargs[k] = hostInt(*ins[k], src);
    }
    if (computeInFloat)
      fv.push_back(f(fargs));
    else
      iv.push_back(g(iargs));
    for (int64_t d = static_cast<int64_t>(shape->size()) - 1; d >= 0; --d) {
      if (++index[d] < (*shape)[d])
        break;
      index[d] = 0;
    }
  }
  if (computeInFloat) {
    if (isFloatDType(outType)) {
      out = makeHostTensor(outType, *shape, fv);
    } else {
      std::vector<int64_t> conv;
      for (double v : fv)
        conv.push_back(static_cast<int64_t>(v));
      out = makeHostTensorInts(outType, *shape, conv);
    }
  } else {
    out = makeHostTensorInts(outType, *shape, iv);
  }
  return true;
}

bool evalBinary(const Node &node, ArrayRef<const Tensor *> ins,
                Tensor &out) {
  const std::string &op = node.opType;
  DType t = ins[0]->dtype;
  bool isFloat = isFloatDType(t);
  bool isCompare = op == "Equal" || op == "Less" || op == "Greater" ||
                   op == "LessOrEqual" || op == "GreaterOrEqual";
  DType outType = isCompare ? DType::Bool : t;
  auto fcmp = [&](double a, double b) -> double {
    if (op == "Equal") return a == b;
    if (op == "Less") return a < b;
    if (op == "Greater") return a > b;
    if (op == "LessOrEqual") return a <= b;
    return a >= b;
  };
  auto icmp = [&](int64_t a, int64_t b) -> int64_t {
    if (op == "Equal") return a == b;
    if (op == "Less") return a < b;
    if (op == "Greater") return a > b;
    if (op == "LessOrEqual") return a <= b;
    return a >= b;
  };
  std::function<double(ArrayRef<double>)> f;
  std::function<int64_t(ArrayRef<int64_t>)> g;
  if (isCompare) {
    f = [&](ArrayRef<double> a) { return fcmp(a[0], a[1]); };
    g = [&](ArrayRef<int64_t> a) { return icmp(a[0], a[1]); };
  } else if (op == "Add") {
    f = [](ArrayRef<double> a) { return a[0] + a[1]; };
    g = [](ArrayRef<int64_t> a) { return a[0] + a[1]; };
  } else if (op == "Sub") {
    f = [](ArrayRef<double> a) { return a[0] - a[1]; };
    g = [](ArrayRef<int64_t> a) { return a[0] - a[1]; };
  } else if (op == "Mul") {
    f = [](ArrayRef<double> a) { return a[0] * a[1]; };
    g = [](ArrayRef<int64_t> a) { return a[0] * a[1]; };
  } else if (op == "Div") {
    f = [](ArrayRef<double> a) { return a[0] / a[1]; };
    g = [](ArrayRef<int64_t> a) { return a[1] == 0 ? 0 : a[0] / a[1]; };
  } else if (op == "And" || op == "Or" || op == "Xor") {
    g = [&](ArrayRef<int64_t> a) -> int64_t {
      if (op == "And") return a[0] && a[1];
      if (op == "Or") return a[0] || a[1];
      return (a[0] != 0) != (a[1] != 0);
    };
    isFloat = false;
  } else {
    return false;
  }
  return elementwise(ins, outType, f, g, isFloat, out);
}

bool evalVariadic(const Node &node, ArrayRef<const Tensor *> ins,
                  Tensor &out) {
  const std::string &op = node.opType;
  DType t = ins[0]->dtype;
  auto f = [&](ArrayRef<double> a) {
    double r = a[0];
    for (double v : a.drop_front())
      r = op == "Max" ? std::max(r, v) : op == "Min" ? std::min(r, v) : r + v;
    return r;
  };
  auto g = [&](ArrayRef<int64_t> a) {
    int64_t r = a[0];
    for (int64_t v : a.drop_front())
      r = op == "Max" ? std::max(r, v) : op == "Min" ? std::min(r, v) : r + v;
    return r;
  };
  return elementwise(ins, t, f, g, isFloatDType(t), out);
}

bool evalUnary(const Node &node, const Tensor &in, Tensor &out) {
  const std::string &op = node.opType;
  bool isFloat = isFloatDType(in.dtype);
  std::function<double(ArrayRef<double>)> f;
  std::function<int64_t(ArrayRef<int64_t>)> g;
  if (op == "Neg") {
    f = [](ArrayRef<double> a) { return -a[0]; };
    g = [](ArrayRef<int64_t> a) { return -a[0]; };
  } else if (op == "Abs") {
    f = [](ArrayRef<double> a) { return std::fabs(a[0]); };
    g = [](ArrayRef<int64_t> a) { return a[0] < 0 ? -a[0] : a[0]; };
  } else if (op == "Not") {
    g = [](ArrayRef<int64_t> a) -> int64_t { return !a[0]; };
    isFloat = false;
  } else if (op == "Floor" && isFloat) {
    f = [](ArrayRef<double> a) { return std::floor(a[0]); };
  } else if (op == "Ceil" && isFloat) {
    f = [](ArrayRef<double> a) { return std::ceil(a[0]); };
  } else if (op == "Sqrt" && isFloat) {
    f = [](ArrayRef<double> a) { return std::sqrt(a[0]); };
  } else {
    return false;
  }
  return elementwise({&in}, in.dtype, f, g, isFloat, out);
}

bool evalCast(const Node &node, const Tensor &in, DType to, Tensor &out) {
  if (!isHostComputable(to))
    return false;
  if (isFloatDType(to)) {
    out = makeHostTensor(to, in.shape, hostDoubles(in));
    return true;
  }
  if (isFloatDType(in.dtype)) {
    std::vector<int64_t> v;
    for (double d : hostDoubles(in))
      v.push_back(to == DType::Bool ? d != 0 : static_cast<int64_t>(d));
    out = makeHostTensorInts(to, in.shape, v);
    return true;
  }
  out = makeHostTensorInts(to, in.shape, hostInts(in));
  return true;
}

std::vector<int64_t> axesOf(const Node &node, ArrayRef<const Tensor *> ins,
                            size_t inputIndex) {
  if (const onnx_model::Attribute *a = findAttr(node, "axes"))
    return a->ints;
  if (ins.size() > inputIndex && ins[inputIndex])
    return hostInts(*ins[inputIndex]);
  return {};
}

bool evalReduce(const Node &node, ArrayRef<const Tensor *> ins, Tensor &out) {
  const Tensor &in = *ins[0];
  int64_t rank = in.shape.size();
  std::vector<int64_t> axes = axesOf(node, ins, 1);
  bool keep = intAttr(node, "keepdims", 1) != 0;
  if (axes.empty()) {
    if (intAttr(node, "noop_with_empty_axes", 0)) {
      out = in;
      return true;
    }
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
  }
  std::optional<std::vector<int64_t>> n = normalizeAxes(axes, rank);
  if (!n)
    return false;
  std::vector<int64_t> outShape, keptShape;
  for (int64_t d = 0; d < rank; ++d) {
    bool reduced = llvm::is_contained(*n, d);
    keptShape.push_back(reduced ? 1 : in.shape[d]);
    if (!reduced || keep)
      outShape.push_back(keptShape.back());
  }
  const std::string &op = node.opType;
  bool isFloat = isFloatDType(in.dtype);
  int64_t count = numElementsOf(keptShape);
  std::vector<double> acc(count, op == "ReduceProd" ? 1.0 : 0.0);
  std::vector<bool> seen(count, false);
  std::vector<int64_t> index(rank, 0);
  llvm::SmallVector<int64_t> keptStrides = stridesOf(keptShape);
  for (int64_t i = 0, e = in.numElements(); i < e; ++i) {
    int64_t o = 0;
    for (int64_t d = 0; d < rank; ++d)
      o += (keptShape[d] == 1 ? 0 : index[d]) * keptStrides[d];
    double v = hostDouble(in, i);
    if (op == "ReduceSum")
      acc[o] += v;
    else if (op == "ReduceProd")
      acc[o] *= v;
    else if (op == "ReduceMax")
      acc[o] = seen[o] ? std::max(acc[o], v) : v;
    else if (op == "ReduceMin")
      acc[o] = seen[o] ? std::min(acc[o], v) : v;
    else
      return false;
    seen[o] = true;
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++index[d] < in.shape[d])
        break;
      index[d] = 0;
    }
  }
  if (isFloat) {
    out = makeHostTensor(in.dtype, outShape, acc);
  } else {
    std::vector<int64_t> v(acc.begin(), acc.end());
    out = makeHostTensorInts(in.dtype, outShape, v);
  }
  return true;
}

bool evalConcat(const Node &node, ArrayRef<const Tensor *> ins, Tensor &out) {
  int64_t rank = ins[0]->shape.size();
  std::optional<int64_t> axis = normalizeDim(intAttr(node, "axis", 0), rank);
  if (!axis)
    return false;
  std::vector<int64_t> shape = ins[0]->shape;
  shape[*axis] = 0;
  for (const Tensor *t : ins) {
    if (t->dtype != ins[0]->dtype ||
        static_cast<int64_t>(t->shape.size()) != rank)
      return false;
    shape[*axis] += t->shape[*axis];
  }
  int64_t width = onnx_model::dtypeSize(ins[0]->dtype);
  int64_t outer = numElementsOf(ArrayRef<int64_t>(shape).take_front(*axis));
  out.dtype = ins[0]->dtype;
  out.shape = shape;
  for (int64_t o = 0; o < outer; ++o) {
    for (const Tensor *t : ins) {
      int64_t chunk =
          numElementsOf(ArrayRef<int64_t>(t->shape).drop_front(*axis)) * width;
      const char *src = t->data.data() + o * chunk;
      out.data.insert(out.data.end(), src, src + chunk);
    }
  }
  return true;
}

bool evalGather(const Node &node, const Tensor &data, const Tensor &indices,
                Tensor &out) {
  int64_t rank = data.shape.size();
  std::optional<int64_t> axis = normalizeDim(intAttr(node, "axis", 0), rank);
  if (!axis)
    return false;
  std::vector<int64_t> idx = hostInts(indices);
  int64_t extent = data.shape[*axis];
  for (int64_t &i : idx) {
    if (i < 0)
      i += extent;
    if (i < 0 || i >= extent)
      return false;
  }
  std::vector<int64_t> shape(data.shape.begin(), data.shape.begin() + *axis);
  shape.insert(shape.end(), indices.shape.begin(), indices.shape.end());
  shape.insert(shape.end(), data.shape.begin() + *axis + 1, data.shape.end());
  int64_t idxRank = indices.shape.size();
  llvm::SmallVector<int64_t> strides = stridesOf(data.shape);
  llvm::SmallVector<int64_t> idxStrides = stridesOf(indices.shape);
  out = remap(data, shape, [&](ArrayRef<int64_t> o) {
    int64_t flat = 0;
    for (int64_t d = 0; d < *axis; ++d)
      flat += o[d] * strides[d];
    int64_t k = 0;
    for (int64_t d = 0; d < idxRank; ++d)
      k += o[*axis + d] * idxStrides[d];
    flat += idx[k] * strides[*axis];
    for (int64_t d = *axis + 1; d < rank; ++d)
      flat += o[d - 1 + idxRank] * strides[d];
    return flat;
  });
  return true;
}

bool evalSlice(ArrayRef<const Tensor *> ins, Tensor &out) {
  if (ins.size() < 3 || !ins[1] || !ins[2])
    return false;
  const Tensor &data = *ins[0];
  std::vector<int64_t> axes, steps;
  if (ins.size() > 3 && ins[3])
    axes = hostInts(*ins[3]);
  if (ins.size() > 4 && ins[4])
    steps = hostInts(*ins[4]);
  std::optional<std::vector<SliceDim>> dims = sliceDims(
      data.shape, hostInts(*ins[1]), hostInts(*ins[2]), axes, steps);
  if (!dims)
    return false;
  std::vector<int64_t> shape;
  for (const SliceDim &d : *dims)
    shape.push_back(d.count);
  llvm::SmallVector<int64_t> strides = stridesOf(data.shape);
  out = remap(data, shape, [&](ArrayRef<int64_t> o) {
    int64_t flat = 0;
    for (size_t d = 0; d < o.size(); ++d)
      flat += ((*dims)[d].start + o[d] * (*dims)[d].step) * strides[d];
    return flat;
  });
  return true;
}

bool evalTranspose(const Node &node, const Tensor &in, Tensor &out) {
  int64_t rank = in.shape.size();
  std::vector<int64_t> perm;
  if (const onnx_model::Attribute *a = findAttr(node, "perm"))
    perm = a->ints;
  else
    for (int64_t d = rank - 1; d >= 0; --d)
      perm.push_back(d);
  if (static_cast<int64_t>(perm.size()) != rank)
    return false;
  std::vector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(in.shape[p]);
  llvm::SmallVector<int64_t> strides = stridesOf(in.shape);
  out = remap(in, shape, [&](ArrayRef<int64_t> o) {
    int64_t flat = 0;
    for (int64_t d = 0; d < rank; ++d)
      flat += o[d] * strides[perm[d]];
    return flat;
  });
  return true;
}

bool evalExpand(const Tensor &in, const Tensor &shapeT, Tensor &out) {
  std::vector<int64_t> target = hostInts(shapeT);
  std::optional<llvm::SmallVector<int64_t>> shape =
      broadcastShapes({in.shape, target});
  if (!shape)
    return false;
  out = remap(in, *shape, [&](ArrayRef<int64_t> o) {
    return broadcastSource(o, in.shape);
  });
  return true;
}

bool evalWhere(ArrayRef<const Tensor *> ins, Tensor &out) {
  std::optional<llvm::SmallVector<int64_t>> shape =
      broadcastShapes({ins[0]->shape, ins[1]->shape, ins[2]->shape});
  if (!shape || ins[1]->dtype != ins[2]->dtype)
    return false;
  Tensor t1 = remap(*ins[1], *shape, [&](ArrayRef<int64_t> o) {
    return broadcastSource(o, ins[1]->shape);
  });
  Tensor t2 = remap(*ins[2], *shape, [&](ArrayRef<int64_t> o) {
    return broadcastSource(o, ins[2]->shape);
  });
  Tensor c = remap(*ins[0], *shape, [&](ArrayRef<int64_t> o) {
    return broadcastSource(o, ins[0]->shape);
  });
  out = t1;
  int64_t width = onnx_model::dtypeSize(out.dtype);
  for (int64_t i = 0, e = out.numElements(); i < e; ++i)
    if (!c.data[i])
      std::memcpy(out.data.data() + i * width, t2.data.data() + i * width,
                  width);
  return true;
}

bool evalRange(ArrayRef<const Tensor *> ins, Tensor &out) {
  DType t = ins[0]->dtype;
  if (isFloatDType(t)) {
    double start = hostDouble(*ins[0], 0), limit = hostDouble(*ins[1], 0),
           delta = hostDouble(*ins[2], 0);
    if (delta == 0)
      return false;
    int64_t n = std::max<int64_t>(
        0, static_cast<int64_t>(std::ceil((limit - start) / delta)));
    if (n > kMaxHostElements)
      return false;
    std::vector<double> v;
    for (int64_t i = 0; i < n; ++i)
      v.push_back(start + i * delta);
    out = makeHostTensor(t, {n}, v);
    return true;
  }
  int64_t start = hostInt(*ins[0], 0), limit = hostInt(*ins[1], 0),
          delta = hostInt(*ins[2], 0);
  if (delta == 0)
    return false;
  int64_t n = delta > 0 ? (limit - start + delta - 1) / delta
                        : (start - limit + (-delta) - 1) / (-delta);
  n = std::max<int64_t>(n, 0);
  if (n > kMaxHostElements)
    return false;
  std::vector<int64_t> v;
  for (int64_t i = 0; i < n; ++i)
    v.push_back(start + i * delta);
  out = makeHostTensorInts(t, {n}, v);
  return true;
}

bool evalConstantOfShape(const Node &node, const Tensor &shapeT, Tensor &out) {
  std::vector<int64_t> shape = hostInts(shapeT);
  if (numElementsOf(shape) > kMaxHostElements)
    return false;
  const onnx_model::Attribute *a = findAttr(node, "value");
  DType t = a ? a->t.dtype : DType::Float;
  if (!isHostComputable(t))
    return false;
  double v = a && a->t.numElements() > 0 ? hostDouble(a->t, 0) : 0.0;
  if (isFloatDType(t)) {
    out = makeHostTensor(t, shape,
                         std::vector<double>(numElementsOf(shape), v));
  } else {
    int64_t iv = a && a->t.numElements() > 0 ? hostInt(a->t, 0) : 0;
    out = makeHostTensorInts(t, shape,
                             std::vector<int64_t>(numElementsOf(shape), iv));
  }
  return true;
}

bool evalSqueezeLike(const Node &node, ArrayRef<const Tensor *> ins,
                     Tensor &out) {
  const Tensor &in = *ins[0];
  int64_t rank = in.shape.size();
  const std::string &op = node.opType;
  std::vector<int64_t> shape;
  if (op == "Reshape") {
    if (ins.size() < 2 || !ins[1])
      return false;
    std::optional<std::vector<int64_t>> s = reshapeTarget(
        in.shape, hostInts(*ins[1]), intAttr(node, "allowzero", 0) != 0);
    if (!s)
      return false;
    shape = *s;
  } else if (op == "Flatten") {
    int64_t axis = intAttr(node, "axis", 1);
    if (axis < 0)
      axis += rank;
    if (axis < 0 || axis > rank)
      return false;
    shape = {numElementsOf(ArrayRef<int64_t>(in.shape).take_front(axis)),
             numElementsOf(ArrayRef<int64_t>(in.shape).drop_front(axis))};
  } else if (op == "Squeeze") {
    std::vector<int64_t> axes = axesOf(node, ins, 1);
    std::optional<std::vector<int64_t>> n = normalizeAxes(axes, rank);
    if (!n)
      return false;
    for (int64_t d = 0; d < rank; ++d) {
      bool drop = axes.empty() ? in.shape[d] == 1 : llvm::is_contained(*n, d);
      if (drop && in.shape[d] != 1)
        return false;
      if (!drop)
        shape.push_back(in.shape[d]);
    }
  } else if (op == "Unsqueeze") {
    std::vector<int64_t> axes = axesOf(node, ins, 1);
    int64_t outRank = rank + axes.size();
    std::optional<std::vector<int64_t>> n = normalizeAxes(axes, outRank);
    if (!n)
      return false;
    int64_t k = 0;
    for (int64_t d = 0; d < outRank; ++d)
      shape.push_back(llvm::is_contained(*n, d) ? 1 : in.shape[k++]);
  } else {
    return false;
  }
  out = in;
  out.shape = shape;
  return true;
}

} // namespace

bool evaluateOnHost(const Node &node, ArrayRef<const Tensor *> inputs,
                    std::vector<Tensor> &outputs) {
  const std::string &op = node.opType;
  std::vector<const Tensor *> ins;
  for (const Tensor *t : inputs)
    ins.push_back(t);
  if (ins.empty() || !ins[0])
    return false;
  for (const Tensor *t : ins) {
    if (!t)
      continue;
    if (!isHostComputable(t->dtype) || t->numElements() > kMaxHostElements)
      return false;
  }
  Tensor out;
  bool ok = false;
  auto present = [&](size_t n) {
    if (ins.size() < n)
      return false;
    for (size_t i = 0; i < n; ++i)
      if (!ins[i])
        return false;
    return true;
  };
  if (op == "Identity") {
    out = *ins[0];
    ok = true;
  } else if (op == "Cast") {
    const onnx_model::Attribute *to = findAttr(node, "to");
    ok = to && evalCast(node, *ins[0], static_cast<DType>(to->i), out);
  } else if (op == "CastLike" && present(2)) {
    ok = evalCast(node, *ins[0], ins[1]->dtype, out);
  } else if (op == "Reshape" || op == "Flatten" || op == "Squeeze" ||
             op == "Unsqueeze") {
    ok = evalSqueezeLike(node, ins, out);
  } else if (op == "Concat") {
    for (const Tensor *t : ins)
      if (!t)
        return false;
    ok = evalConcat(node, ins, out);
  } else if (op == "Gather" && present(2)) {
    ok = evalGather(node, *ins[0], *ins[1], out);
  } else if (op == "Slice") {
    ok = evalSlice(ins, out);
  } else if (op == "Transpose") {
    ok = evalTranspose(node, *ins[0], out);
  } else if (op == "Expand" && present(2)) {
    ok = evalExpand(*ins[0], *ins[1], out);
  } else if (op == "Where" && present(3)) {
    ok = evalWhere(ins, out);
  } else if ((op == "Add" || op == "Sub" || op == "Mul" || op == "Div" ||
              op == "Equal" || op == "Less" || op == "Greater" ||
              op == "LessOrEqual" || op == "GreaterOrEqual" || op == "And" ||
              op == "Or" || op == "Xor") &&
             present(2)) {
    if (ins[0]->dtype != ins[1]->dtype)
      return false;
    ok = evalBinary(node, ins, out);
  } else if (op == "Max" || op == "Min" || op == "Sum") {
    for (const Tensor *t : ins)
      if (!t || t->dtype != ins[0]->dtype)
        return false;
    ok = evalVariadic(node, ins, out);
  } else if (op == "Neg" || op == "Abs" || op == "Not" || op == "Floor" ||
             op == "Ceil" || op == "Sqrt") {
    ok = evalUnary(node, *ins[0], out);
  } else if (op == "ReduceSum" || op == "ReduceProd" || op == "ReduceMax" ||
             op == "ReduceMin") {
    ok = evalReduce(node, ins, out);
  } else if (op == "Range" && present(3)) {
    ok = evalRange(ins, out);
  } else if (op == "ConstantOfShape") {
    ok = evalConstantOfShape(node, *ins[0], out);
  }
  if (!ok || out.numElements() > kMaxHostElements)
    return false;
  outputs.clear();
  outputs.push_back(std::move(out));
  return true;
}

} // namespace onnx_import
} // namespace loom
