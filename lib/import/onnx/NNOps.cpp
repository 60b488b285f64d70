//===- NNOps.cpp - ONNX neural-network operators --------------------------===//
//
// MatMul, Gemm, Einsum, Conv, ConvTranspose, pooling, normalizations,
// softmax, reductions and arg-max/min.
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

#include <cmath>
#include <limits>
#include <set>

using namespace mlir;

namespace loom {
namespace onnx_import {

namespace {

using Reduction = LoomBuilder::Reduction;

//===----------------------------------------------------------------------===//
// Matrix products
//===----------------------------------------------------------------------===//

LogicalResult importMatMul(NodeImporter &n) {
  Value a = n.input(0), b = n.input(1);
  if (elementTypeOf(a).isInteger(1))
    return n.unsupported("bool operands are not supported");
  n.setOutput(0, n.matmul(a, b));
  return success();
}

LogicalResult importGemm(NodeImporter &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  Value a = n.input(0), b = n.input(1);
  if (n.attrInt("transA", 0))
    a = n.transpose(a, {1, 0});
  if (n.attrInt("transB", 0))
    b = n.transpose(b, {1, 0});
  Value y = n.matmul(a, b);
  double alpha = n.attrFloat("alpha", 1.0f), beta = n.attrFloat("beta", 1.0f);
  if (alpha != 1.0)
    y = n.mulScalar(y, alpha);
  if (n.hasInput(2) && beta != 0.0) {
    Value c = n.input(2);
    if (beta != 1.0)
      c = n.mulScalar(c, beta);
    y = n.add(y, c);
  }
  n.setOutput(0, y);
  return success();
}

/// ONNX Einsum: ellipses become fresh labels (the loader has already made
/// an implicit output explicit: the labels used once, in ASCII order, after
/// the ellipsis), and size-1
/// dimensions that broadcast against a larger one are squeezed away.
LogicalResult importEinsum(NodeImporter &n) {
  std::string eq;
  for (char c : n.attrString("equation", ""))
    if (c != ' ')
      eq += c;
  size_t arrow = eq.find("->");
  std::string lhs = eq.substr(0, arrow);
  std::vector<std::string> terms;
  for (size_t start = 0;;) {
    size_t comma = lhs.find(',', start);
    terms.push_back(lhs.substr(start, comma - start));
    if (comma == std::string::npos)
      break;
    start = comma + 1;
  }
  if (terms.size() != n.numInputs())
    return n.unsupported("the equation has " + std::to_string(terms.size()) +
                         " terms for " + std::to_string(n.numInputs()) +
                         " inputs");
  std::set<char> used(eq.begin(), eq.end());
  std::string ellipsisLabels;
  int64_t maxEllipsis = 0;
  for (size_t i = 0; i < terms.size(); ++i) {
    size_t dots = terms[i].find("...");
    if (dots != std::string::npos)
      maxEllipsis = std::max<int64_t>(
          maxEllipsis, n.inputRank(i) - (terms[i].size() - 3));
  }
  for (char c = 'A'; c <= 'Z' && (int64_t)ellipsisLabels.size() < maxEllipsis;
       ++c)
    if (!used.count(c))
      ellipsisLabels += c;
  if ((int64_t)ellipsisLabels.size() < maxEllipsis)
    return n.unsupported("too many labels");
  SmallVector<Value> inputs;
  std::map<char, int64_t> sizes;
  std::vector<std::string> expanded;
  for (size_t i = 0; i < terms.size(); ++i) {
    std::string t = terms[i];
    size_t dots = t.find("...");
    if (dots != std::string::npos) {
      int64_t count = n.inputRank(i) - (t.size() - 3);
      t = t.substr(0, dots) + ellipsisLabels.substr(maxEllipsis - count) +
          t.substr(dots + 3);
    }
    if ((int64_t)t.size() != n.inputRank(i))
      return n.unsupported("term '" + terms[i] + "' does not match input " +
                           std::to_string(i) + " of shape " +
                           formatShape(n.inputShape(i)));
    for (size_t d = 0; d < t.size(); ++d) {
      if (!std::isalpha(static_cast<unsigned char>(t[d])))
        return n.unsupported("invalid label in '" + terms[i] + "'");
      int64_t &s = sizes[t[d]];
      s = std::max(s, n.inputShape(i)[d]);
    }
    expanded.push_back(t);
  }
  // Drop broadcast (size-1) dimensions.
  for (size_t i = 0; i < expanded.size(); ++i) {
    Value x = n.input(i);
    std::string kept;
    SmallVector<int64_t> shape;
    for (size_t d = 0; d < expanded[i].size(); ++d) {
      int64_t s = n.inputShape(i)[d];
      if (s == 1 && sizes[expanded[i][d]] > 1)
        continue;
      if (s != sizes[expanded[i][d]])
        return n.unsupported("label '" + std::string(1, expanded[i][d]) +
                             "' has inconsistent sizes");
      kept += expanded[i][d];
      shape.push_back(s);
    }
    inputs.push_back(n.reshape(x, shape));
    expanded[i] = kept;
  }
  // The model loader (OnnxModel.cpp) wrote implicit outputs out.
  assert(arrow != std::string::npos && "implicit Einsum output left");
  std::string out = eq.substr(arrow + 2);
  if (size_t dots = out.find("..."); dots != std::string::npos)
    out = out.substr(0, dots) + ellipsisLabels + out.substr(dots + 3);
  SmallVector<int64_t> resultShape;
  for (char c : out) {
    if (!sizes.count(c))
      return n.unsupported("output label '" + std::string(1, c) +
                           "' is not in any input");
    resultShape.push_back(sizes[c]);
  }
  std::string spec;
  for (size_t i = 0; i < expanded.size(); ++i)
    spec += (i ? "," : "") + expanded[i];
  spec += "->" + out;
  n.setOutput(0, n.contract(spec, inputs, resultShape));
  return success();
}

//===----------------------------------------------------------------------===//
// Sliding windows
//===----------------------------------------------------------------------===//

struct Window {
  SmallVector<int64_t> kernel, strides, dilations, lo, hi, out;
};

/// Strides, dilations and padding of a convolution/pool over the spatial
/// dims `in` with kernel `kernel` (auto_pad resolved), and its output size.
/// With `ceilMode` the output rounds up and `hi` grows to cover the last
/// window.
LogicalResult windowOf(NodeImporter &n, ArrayRef<int64_t> in,
                       ArrayRef<int64_t> kernel, bool ceilMode, Window &w) {
  size_t sp = in.size();
  w.kernel.assign(kernel.begin(), kernel.end());
  std::vector<int64_t> strides = n.attrInts("strides"),
                       dilations = n.attrInts("dilations"),
                       pads = n.attrInts("pads");
  if (strides.empty())
    strides.assign(sp, 1);
  if (dilations.empty())
    dilations.assign(sp, 1);
  if (pads.empty())
    pads.assign(2 * sp, 0);
  if (strides.size() != sp || dilations.size() != sp || pads.size() != 2 * sp)
    return n.unsupported("strides, dilations or pads do not match the " +
                         std::to_string(sp) + " spatial dimensions");
  w.strides.assign(strides.begin(), strides.end());
  w.dilations.assign(dilations.begin(), dilations.end());
  std::string autoPad = n.attrString("auto_pad", "NOTSET");
  for (size_t i = 0; i < sp; ++i) {
    int64_t span = (kernel[i] - 1) * dilations[i] + 1;
    int64_t lo = pads[i], hi = pads[sp + i];
    if (autoPad == "VALID") {
      lo = hi = 0;
    } else if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
      int64_t out = (in[i] + strides[i] - 1) / strides[i];
      int64_t total =
          std::max<int64_t>(0, (out - 1) * strides[i] + span - in[i]);
      if (autoPad == "SAME_UPPER") {
        lo = total / 2;
        hi = total - lo;
      } else {
        hi = total / 2;
        lo = total - hi;
      }
    } else if (autoPad != "NOTSET") {
      return n.unsupported("auto_pad '" + autoPad + "' is not supported");
    }
    if (lo < 0 || hi < 0)
      return n.unsupported("negative pads are not supported");
    int64_t padded = in[i] + lo + hi - span;
    if (padded < 0)
      return n.unsupported("the kernel does not fit the padded input");
    int64_t out = ceilMode ? (padded + strides[i] - 1) / strides[i] + 1
                           : padded / strides[i] + 1;
    if (ceilMode && (out - 1) * strides[i] >= in[i] + lo)
      --out; // the last window would start in the padding
    hi += std::max<int64_t>(0, (out - 1) * strides[i] + span -
                                   (in[i] + lo + hi));
    w.lo.push_back(lo);
    w.hi.push_back(hi);
    w.out.push_back(out);
  }
  return success();
}

/// loom.conv over `x` (N x C x spatial, 1-3 spatial dims).
Value convolution(NodeImporter &n, Value x, Value weight, Value bias,
                  const Window &w, int64_t groups) {
  OpBuilder &b = n.b;
  SmallVector<int64_t> outShape = {shapeOf(x)[0], shapeOf(weight)[0]};
  outShape.append(w.out);
  SmallVector<int64_t> padding(w.lo);
  padding.append(w.hi);
  return ConvOp::create(b, n.loc, RankedTensorType::get(outShape, elementTypeOf(x)),
                        x, weight, bias, b.getDenseI64ArrayAttr(w.strides),
                        b.getDenseI64ArrayAttr(padding),
                        b.getDenseI64ArrayAttr(w.dilations),
                        b.getI64IntegerAttr(groups));
}

LogicalResult checkKernelShape(NodeImporter &n, ArrayRef<int64_t> kernel) {
  std::vector<int64_t> attr = n.attrInts("kernel_shape");
  if (!attr.empty() && ArrayRef<int64_t>(attr) != kernel)
    return n.unsupported("kernel_shape " + formatInts(attr) +
                         " differs from the weight's " + formatInts(kernel));
  return success();
}

LogicalResult importConv(NodeImporter &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  Value x = n.input(0), weight = n.input(1);
  int64_t sp = rankOf(x) - 2;
  if (sp < 1 || sp > 3)
    return n.unsupported(std::to_string(sp) +
                         "-D convolution is not supported (1-D to 3-D)");
  if (rankOf(weight) != rankOf(x))
    return n.unsupported("the weight has rank " +
                         std::to_string(rankOf(weight)) +
                         " but the input has rank " +
                         std::to_string(rankOf(x)));
  ArrayRef<int64_t> kernel = shapeOf(weight).drop_front(2);
  if (failed(checkKernelShape(n, kernel)))
    return failure();
  Window w;
  if (failed(windowOf(n, shapeOf(x).drop_front(2), kernel, false, w)))
    return failure();
  Value bias = n.hasInput(2) ? n.input(2) : Value();
  n.setOutput(0, convolution(n, x, weight, bias, w, n.attrInt("group", 1)));
  return success();
}

/// ConvTranspose as a convolution: the input is dilated by the stride
/// (zeros inserted), padded by dilation * (kernel - 1) - pad, and convolved
/// with the spatially flipped kernel whose in/out channels are swapped.
LogicalResult importConvTranspose(NodeImporter &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  Value x = n.input(0), weight = n.input(1);
  ArrayRef<int64_t> xs = shapeOf(x), ws = shapeOf(weight);
  int64_t sp = xs.size() - 2;
  if (sp < 1 || sp > 3)
    return n.unsupported(std::to_string(sp) +
                         "-D transposed convolution is not supported");
  if (ws.size() != xs.size())
    return n.unsupported("the weight has rank " + std::to_string(ws.size()) +
                         " but the input has rank " +
                         std::to_string(xs.size()));
  ArrayRef<int64_t> kernel = ws.drop_front(2);
  if (failed(checkKernelShape(n, kernel)))
    return failure();
  int64_t groups = n.attrInt("group", 1);
  std::vector<int64_t> strides = n.attrInts("strides"),
                       dilations = n.attrInts("dilations"),
                       pads = n.attrInts("pads"),
                       outPad = n.attrInts("output_padding"),
                       outShape = n.attrInts("output_shape");
  if (strides.empty())
    strides.assign(sp, 1);
  if (dilations.empty())
    dilations.assign(sp, 1);
  if (pads.empty())
    pads.assign(2 * sp, 0);
  if (outPad.empty())
    outPad.assign(sp, 0);
  auto lengthOk = [&](const std::vector<int64_t> &v, int64_t expected) {
    return static_cast<int64_t>(v.size()) == expected;
  };
  if (!lengthOk(strides, sp) || !lengthOk(dilations, sp) ||
      !lengthOk(pads, 2 * sp) || !lengthOk(outPad, sp) ||
      (!outShape.empty() && static_cast<int64_t>(outShape.size()) < sp))
    return n.unsupported(
        "strides (" + std::to_string(strides.size()) + "), dilations (" +
        std::to_string(dilations.size()) + "), pads (" +
        std::to_string(pads.size()) + "), output_padding (" +
        std::to_string(outPad.size()) + ") or output_shape (" +
        std::to_string(outShape.size()) + ") do not match the " +
        std::to_string(sp) + " spatial dimensions (pads: twice that)");
  std::string autoPad = n.attrString("auto_pad", "NOTSET");
  if (autoPad != "NOTSET" && autoPad != "VALID" && autoPad != "SAME_UPPER" &&
      autoPad != "SAME_LOWER")
    return n.unsupported("auto_pad '" + autoPad + "' is not supported");
  if (outShape.size() > static_cast<size_t>(sp))
    outShape.erase(outShape.begin(), outShape.end() - sp);
  SmallVector<int64_t> lo(sp), hi(sp);
  for (int64_t i = 0; i < sp; ++i) {
    int64_t span = (kernel[i] - 1) * dilations[i] + 1;
    int64_t full = strides[i] * (xs[2 + i] - 1) + outPad[i] + span;
    if (!outShape.empty() || autoPad == "SAME_UPPER" ||
        autoPad == "SAME_LOWER") {
      int64_t target =
          !outShape.empty() ? outShape[i] : xs[2 + i] * strides[i];
      // Floor division, as in ONNX's (Python) reference: a negative total
      // grows the end of the output.
      int64_t total = full - target;
      int64_t half = total >= 0 ? total / 2 : -((-total + 1) / 2);
      if (autoPad == "SAME_UPPER") {
        lo[i] = half;
        hi[i] = total - half;
      } else {
        lo[i] = total - half;
        hi[i] = half;
      }
    } else if (autoPad == "VALID") {
      lo[i] = hi[i] = 0;
    } else {
      lo[i] = pads[i];
      hi[i] = pads[sp + i];
    }
  }
  // Zero insertion along each spatial dim: [.., n, ..] -> [.., n, s, ..]
  // (zero-padded) -> [.., n*s, ..] -> the first (n-1)*s+1.
  for (int64_t i = 0; i < sp; ++i) {
    int64_t s = strides[i];
    if (s == 1)
      continue;
    int64_t axis = 2 + i;
    SmallVector<int64_t> shape(shapeOf(x));
    SmallVector<int64_t> split(shape);
    split.insert(split.begin() + axis + 1, 1);
    Value v = n.reshape(x, split);
    SmallVector<int64_t> low(split.size(), 0), high(split.size(), 0);
    high[axis + 1] = s - 1;
    v = n.pad(v, low, high, 0.0);
    SmallVector<int64_t> merged(shape);
    merged[axis] *= s;
    v = n.reshape(v, merged);
    x = n.sliceAxis(v, axis, 0, (shape[axis] - 1) * s + 1);
  }
  // Edge padding (negative: cropping), then the output padding.
  Window w;
  SmallVector<int64_t> low(sp + 2, 0), high(sp + 2, 0);
  for (int64_t i = 0; i < sp; ++i) {
    int64_t span = (kernel[i] - 1) * dilations[i];
    int64_t l = span - lo[i], h = span - hi[i] + outPad[i];
    if (l < 0) {
      x = n.sliceAxis(x, 2 + i, -l, shapeOf(x)[2 + i]);
      l = 0;
    }
    if (h < 0) {
      x = n.sliceAxis(x, 2 + i, 0, shapeOf(x)[2 + i] + h);
      h = 0;
    }
    low[2 + i] = l;
    high[2 + i] = h;
    w.kernel.push_back(kernel[i]);
    w.strides.push_back(1);
    w.dilations.push_back(dilations[i]);
    w.lo.push_back(0);
    w.hi.push_back(0);
  }
  x = n.pad(x, low, high, 0.0);
  for (int64_t i = 0; i < sp; ++i)
    w.out.push_back(shapeOf(x)[2 + i] - (kernel[i] - 1) * dilations[i]);
  // Weight C x F/g x k... -> F x C/g x k..., flipped.
  int64_t c = ws[0], fg = ws[1], cg = c / groups;
  SmallVector<int64_t> grouped = {groups, cg, fg};
  grouped.append(kernel.begin(), kernel.end());
  Value wt = n.reshape(weight, grouped);
  SmallVector<int64_t> perm = {0, 2, 1};
  for (int64_t i = 0; i < sp; ++i)
    perm.push_back(3 + i);
  wt = n.transpose(wt, perm);
  SmallVector<int64_t> flat = {groups * fg, cg};
  flat.append(kernel.begin(), kernel.end());
  wt = n.reshape(wt, flat);
  for (int64_t i = 0; i < sp; ++i)
    wt = n.reverse(wt, 2 + i);
  Value bias = n.hasInput(2) ? n.input(2) : Value();
  n.setOutput(0, convolution(n, x, wt, bias, w, groups));
  return success();
}

/// MaxPool with its Indices output: the window taps are strided slices of
/// the (-inf) padded input, and a running maximum keeps the flat input index
/// of the first maximal tap (row-major, or column-major over the spatial
/// dims with storage_order = 1).
void maxPoolWithIndices(NodeImporter &n, Value x, const Window &w) {
  ArrayRef<int64_t> xs = shapeOf(x);
  int64_t sp = w.kernel.size(), batch = xs[0], channels = xs[1];
  ArrayRef<int64_t> spatial = xs.drop_front(2);
  bool columnMajor = n.attrInt("storage_order", 0) != 0;
  SmallVector<int64_t> low = {0, 0}, high = {0, 0};
  low.append(w.lo);
  high.append(w.hi);
  Value padded = n.pad(x, low, high, -std::numeric_limits<double>::infinity());
  Type i64 = n.b.getI64Type();
  // Strides of the spatial dims in the flat index.
  SmallVector<int64_t> flatStride(sp, 1);
  if (columnMajor)
    for (int64_t d = 1; d < sp; ++d)
      flatStride[d] = flatStride[d - 1] * spatial[d - 1];
  else
    for (int64_t d = sp - 2; d >= 0; --d)
      flatStride[d] = flatStride[d + 1] * spatial[d + 1];
  int64_t plane = numElementsOf(spatial);
  std::vector<int64_t> planes(batch * channels);
  for (int64_t i = 0; i < batch * channels; ++i)
    planes[i] = i * plane;
  SmallVector<int64_t> baseShape(sp + 2, 1), posShape(sp + 2, 1);
  baseShape[0] = batch;
  baseShape[1] = channels;
  for (int64_t d = 0; d < sp; ++d)
    posShape[2 + d] = w.out[d];
  Value base = n.constantInts(i64, baseShape, planes);
  Value best, bestIdx;
  SmallVector<int64_t> tap(sp, 0);
  int64_t outCount = numElementsOf(w.out);
  for (int64_t t = 0, taps = numElementsOf(w.kernel); t < taps; ++t) {
    SmallVector<int64_t> starts = {0, 0}, limits = {batch, channels},
                         strides = {1, 1};
    for (int64_t d = 0; d < sp; ++d) {
      starts.push_back(tap[d] * w.dilations[d]);
      limits.push_back(starts.back() + (w.out[d] - 1) * w.strides[d] + 1);
      strides.push_back(w.strides[d]);
    }
    Value v = n.slice(padded, starts, limits, strides);
    // Flat input index of this tap at every output position (clamped where
    // the tap lies in the padding: it never wins there).
    std::vector<int64_t> pos(outCount);
    SmallVector<int64_t> o(sp, 0);
    for (int64_t i = 0; i < outCount; ++i) {
      int64_t flat = 0;
      for (int64_t d = 0; d < sp; ++d) {
        int64_t c = o[d] * w.strides[d] + tap[d] * w.dilations[d] - w.lo[d];
        flat += std::clamp<int64_t>(c, 0, spatial[d] - 1) * flatStride[d];
      }
      pos[i] = flat;
      for (int64_t d = sp - 1; d >= 0; --d) {
        if (++o[d] < w.out[d])
          break;
        o[d] = 0;
      }
    }
    Value idx = n.add(base, n.constantInts(i64, posShape, pos));
    if (!best) {
      best = v;
      bestIdx = n.broadcastTo(idx, shapeOf(v));
    } else {
      Value better = n.compare(ComparePredicate::gt, v, best);
      best = n.select(better, v, best);
      bestIdx = n.select(better, idx, bestIdx);
    }
    for (int64_t d = sp - 1; d >= 0; --d) {
      if (++tap[d] < w.kernel[d])
        break;
      tap[d] = 0;
    }
  }
  n.setOutput(0, best);
  n.setOutput(1, bestIdx);
}

LogicalResult importPool(NodeImporter &n) {
  bool isMax = n.node.opType == "MaxPool";
  if (failed(n.requireFloat(0)))
    return failure();
  Value x = n.input(0);
  ArrayRef<int64_t> xs = shapeOf(x);
  int64_t sp = xs.size() - 2;
  std::vector<int64_t> kernel = n.attrInts("kernel_shape");
  if (sp < 1 || sp > 3 || kernel.size() != static_cast<size_t>(sp))
    return n.unsupported("pooling over " + std::to_string(sp) +
                         " spatial dimensions is not supported");
  if (!isMax && n.hasAttr("dilations"))
    for (int64_t d : n.attrInts("dilations"))
      if (d != 1)
        return n.unsupported("dilated average pooling is not supported");
  bool ceilMode = n.attrInt("ceil_mode", 0) != 0;
  Window w;
  if (failed(windowOf(n, xs.drop_front(2), kernel, ceilMode, w)))
    return failure();
  if (isMax && n.hasOutput(1)) {
    maxPoolWithIndices(n, x, w);
    return success();
  }
  bool includePad = !isMax && n.attrInt("count_include_pad", 0) != 0;
  std::vector<int64_t> pads = n.attrInts("pads");
  if (includePad && n.attrString("auto_pad", "NOTSET") == "NOTSET")
    for (int64_t i = 0; i < sp; ++i)
      if (!pads.empty() && w.hi[i] != pads[sp + i])
        return n.unsupported("ceil_mode with count_include_pad is not "
                             "supported");
  SmallVector<int64_t> outShape = {xs[0], xs[1]};
  outShape.append(w.out);
  auto type = RankedTensorType::get(outShape, elementTypeOf(x));
  SmallVector<int64_t> padding(w.lo);
  padding.append(w.hi);
  OpBuilder &b = n.b;
  Value y;
  if (isMax)
    y = MaxPoolOp::create(
        b, n.loc, type, x, b.getDenseI64ArrayAttr(w.kernel),
        b.getDenseI64ArrayAttr(w.strides),
        llvm::all_of(w.dilations, [](int64_t d) { return d == 1; })
            ? DenseI64ArrayAttr()
            : b.getDenseI64ArrayAttr(w.dilations),
        b.getDenseI64ArrayAttr(padding));
  else
    y = AvgPoolOp::create(b, n.loc, type, x, b.getDenseI64ArrayAttr(w.kernel),
                          b.getDenseI64ArrayAttr(w.strides),
                          b.getDenseI64ArrayAttr(padding),
                          includePad ? b.getUnitAttr() : UnitAttr());
  n.setOutput(0, y);
  return success();
}

LogicalResult importGlobalPool(NodeImporter &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  Value x = n.input(0);
  SmallVector<int64_t> dims;
  for (int64_t d = 2; d < rankOf(x); ++d)
    dims.push_back(d);
  Reduction kind =
      n.node.opType == "GlobalMaxPool" ? Reduction::Max : Reduction::Mean;
  n.setOutput(0, n.reduce(kind, x, dims, /*keepdims=*/true));
  return success();
}

//===----------------------------------------------------------------------===//
// Normalizations
//===----------------------------------------------------------------------===//

/// `v` (a vector of C per-channel values) shaped to broadcast along dim 1
/// of a rank-`rank` tensor.
Value channelVector(NodeImporter &n, Value v, int64_t rank) {
  SmallVector<int64_t> shape(rank - 1, 1);
  shape[0] = numElementsOf(shapeOf(v));
  return n.reshape(v, shape);
}

/// (x - mean) * rsqrt(var + eps) over `dims`; also returns the mean and
/// the inverse standard deviation (kept dims).
Value normalize(NodeImporter &n, Value x, ArrayRef<int64_t> dims, double eps,
                Value *meanOut = nullptr, Value *invStdOut = nullptr) {
  Value mean = n.reduce(Reduction::Mean, x, dims, true);
  Value d = n.sub(x, mean);
  Value var = n.reduce(Reduction::Mean, n.mul(d, d), dims, true);
  Value inv = n.unary<RsqrtOp>(n.addScalar(var, eps));
  if (meanOut)
    *meanOut = mean;
  if (invStdOut)
    *invStdOut = inv;
  return n.mul(d, inv);
}

LogicalResult importBatchNorm(NodeImporter &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  Value x = n.input(0);
  int64_t rank = rankOf(x);
  Type et = elementTypeOf(x);
  double eps = n.attrFloat("epsilon", 1e-5f);
  if (n.attrInt("training_mode", 0) != 0) {
    // Batch statistics; the running ones are updated with `momentum`.
    SmallVector<int64_t> dims = {0};
    for (int64_t d = 2; d < rank; ++d)
      dims.push_back(d);
    Value mean, inv;
    Value y = normalize(n, x, dims, eps, &mean, &inv);
    y = n.mul(y, channelVector(n, n.input(1), rank));
    y = n.add(y, channelVector(n, n.input(2), rank));
    n.setOutput(0, y);
    double momentum = n.attrFloat("momentum", 0.9f);
    int64_t c = shapeOf(x)[1];
    Value batchMean = n.reshape(mean, {c});
    Value d = n.sub(x, mean);
    Value batchVar = n.reshape(
        n.reduce(Reduction::Mean, n.mul(d, d), dims, true), {c});
    auto running = [&](Value old, Value current) {
      return n.add(n.mulScalar(old, momentum),
                   n.mulScalar(current, 1.0 - momentum));
    };
    n.setOutput(1, running(n.input(3), batchMean));
    n.setOutput(2, running(n.input(4), batchVar));
    return success();
  }
  if (n.hasOutput(1) || n.hasOutput(2))
    return n.unsupported("the running mean/variance outputs exist only in "
                         "training mode");
  Value scale, shift;
  const Tensor *s = n.constInput(1), *b = n.constInput(2),
               *mean = n.constInput(3), *var = n.constInput(4);
  if (s && b && mean && var) {
    // Folded at import time: y = x * a + c.
    int64_t c = s->numElements();
    std::vector<double> a(c), off(c);
    for (int64_t i = 0; i < c; ++i) {
      a[i] = hostDouble(*s, i) / std::sqrt(hostDouble(*var, i) + eps);
      off[i] = hostDouble(*b, i) - hostDouble(*mean, i) * a[i];
    }
    SmallVector<int64_t> shape(rank - 1, 1);
    shape[0] = c;
    scale = n.constant(et, shape, a);
    shift = n.constant(et, shape, off);
  } else {
    Value inv = n.unary<RsqrtOp>(n.addScalar(n.input(4), eps));
    Value a = n.mul(n.input(1), inv);
    scale = channelVector(n, a, rank);
    shift = channelVector(n, n.sub(n.input(2), n.mul(n.input(3), a)), rank);
  }
  n.setOutput(0, n.add(n.mul(x, scale), shift));
  return success();
}

LogicalResult importInstanceNorm(NodeImporter &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  Value x = n.input(0);
  int64_t rank = rankOf(x);
  SmallVector<int64_t> dims;
  for (int64_t d = 2; d < rank; ++d)
    dims.push_back(d);
  Value y = normalize(n, x, dims, n.attrFloat("epsilon", 1e-5f));
  y = n.mul(y, channelVector(n, n.input(1), rank));
  y = n.add(y, channelVector(n, n.input(2), rank));
  n.setOutput(0, y);
  return success();
}

LogicalResult importLayerNorm(NodeImporter &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  Value x = n.input(0);
  int64_t rank = rankOf(x);
  FailureOr<int64_t> axis = n.axisAttr("axis", -1, rank);
  if (failed(axis))
    return failure();
  double eps = n.attrFloat("epsilon", 1e-5f);
  Value scale = n.input(1);
  Value bias = n.hasInput(2) ? n.input(2) : Value();
  ArrayRef<int64_t> normShape = shapeOf(x).drop_front(*axis);
  bool exact = shapeOf(scale) == normShape &&
               (!bias || shapeOf(bias) == normShape) && !n.hasOutput(1) &&
               !n.hasOutput(2);
  if (exact) {
    auto type = tensorTypeOf(x);
    n.setOutput(0, LayerNormOp::create(n.b, n.loc, type, x, scale, bias,
                                       n.b.getI64IntegerAttr(*axis),
                                       n.b.getF64FloatAttr(eps)));
    return success();
  }
  SmallVector<int64_t> dims;
  for (int64_t d = *axis; d < rank; ++d)
    dims.push_back(d);
  Value mean, inv;
  Value y = n.mul(normalize(n, x, dims, eps, &mean, &inv), scale);
  if (bias)
    y = n.add(y, bias);
  n.setOutput(0, y);
  n.setOutput(1, mean);
  n.setOutput(2, inv);
  return success();
}

LogicalResult importLRN(NodeImporter &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  Value x = n.input(0);
  int64_t rank = rankOf(x), channels = shapeOf(x)[1];
  int64_t size = n.attrInt("size", 0);
  if (size < 1)
    return n.unsupported("size must be positive");
  double alpha = n.attrFloat("alpha", 1e-4f), beta = n.attrFloat("beta", 0.75f),
         bias = n.attrFloat("bias", 1.0f);
  SmallVector<int64_t> lo(rank, 0), hi(rank, 0);
  lo[1] = (size - 1) / 2;
  hi[1] = size - 1 - lo[1];
  Value sq = n.pad(n.mul(x, x), lo, hi, 0.0);
  Value sum = n.sliceAxis(sq, 1, 0, channels);
  for (int64_t i = 1; i < size; ++i)
    sum = n.add(sum, n.sliceAxis(sq, 1, i, i + channels));
  Value denom = n.addScalar(n.mulScalar(sum, alpha / size), bias);
  denom = n.pow(denom, n.splat(elementTypeOf(x), beta));
  n.setOutput(0, n.div(x, denom));
  return success();
}

LogicalResult importMVN(NodeImporter &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  Value x = n.input(0);
  std::optional<std::vector<int64_t>> axes =
      normalizeAxes(n.attrInts("axes", {0, 2, 3}), rankOf(x));
  if (!axes)
    return n.unsupported("invalid axes");
  Value mean = n.reduce(Reduction::Mean, x, *axes, true);
  Value d = n.sub(x, mean);
  Value var = n.reduce(Reduction::Mean, n.mul(d, d), *axes, true);
  Value std = n.addScalar(n.unary<SqrtOp>(var), 1e-9);
  n.setOutput(0, n.div(d, std));
  return success();
}

//===----------------------------------------------------------------------===//
// Softmax, reductions, arg-max
//===----------------------------------------------------------------------===//

LogicalResult importSoftmax(NodeImporter &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  Value x = n.input(0);
  FailureOr<int64_t> axis = n.axisAttr("axis", -1, rankOf(x));
  if (failed(axis))
    return failure();
  auto type = tensorTypeOf(x);
  auto axisAttr = n.b.getI64IntegerAttr(*axis);
  if (n.node.opType == "Softmax")
    n.setOutput(0, SoftmaxOp::create(n.b, n.loc, type, x, axisAttr));
  else
    n.setOutput(0, LogSoftmaxOp::create(n.b, n.loc, type, x, axisAttr));
  return success();
}

Value argmax(NodeImporter &n, Value x, int64_t axis, bool keepdims) {
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rankOf(x); ++d) {
    if (d != axis)
      shape.push_back(shapeOf(x)[d]);
    else if (keepdims)
      shape.push_back(1);
  }
  auto type = RankedTensorType::get(shape, n.b.getI64Type());
  return ArgmaxOp::create(n.b, n.loc, type, x, n.b.getI64IntegerAttr(axis),
                          keepdims ? n.b.getUnitAttr() : UnitAttr());
}

LogicalResult importArgMax(NodeImporter &n) {
  Value x = n.input(0);
  if (elementTypeOf(x).isInteger(1))
    return n.unsupported("bool input is not supported");
  FailureOr<int64_t> axis = n.axisAttr("axis", 0, rankOf(x));
  if (failed(axis))
    return failure();
  bool keep = n.attrInt("keepdims", 1) != 0;
  bool last = n.attrInt("select_last_index", 0) != 0;
  if (n.node.opType == "ArgMin")
    x = n.unary<NegOp>(x);
  int64_t len = shapeOf(x)[*axis];
  if (last)
    x = n.reverse(x, *axis);
  Value r = argmax(n, x, *axis, keep);
  if (last)
    r = n.sub(n.splat(n.b.getI64Type(), len - 1), r);
  n.setOutput(0, r);
  return success();
}

/// TopK by k rounds of arg-max, masking each winner: O(k * n) work, meant
/// for the small k of classification heads.
LogicalResult importTopK(NodeImporter &n) {
  const Tensor *kT = n.constInput(1);
  if (!kT)
    return n.unsupported("k (input 1) must be known at import time");
  int64_t k = hostInt(*kT, 0);
  Value x = n.input(0);
  if (elementTypeOf(x).isInteger(1))
    return n.unsupported("bool input is not supported");
  int64_t rank = rankOf(x);
  FailureOr<int64_t> axis = n.axisAttr("axis", -1, rank);
  if (failed(axis))
    return failure();
  int64_t len = shapeOf(x)[*axis];
  if (k < 1 || k > len)
    return n.unsupported("k = " + std::to_string(k) + " is not in [1, " +
                         std::to_string(len) + "]");
  bool largest = n.attrInt("largest", 1) != 0;
  Value work = largest ? x : n.unary<NegOp>(x);
  Type et = elementTypeOf(x), i64 = n.b.getI64Type();
  Value lowest = isa<FloatType>(et)
                     ? n.splat(et, -std::numeric_limits<double>::infinity())
                     : n.splat(et, et.isInteger(32) ? INT32_MIN : -9.2e18);
  Value positions = n.iota(i64, len, *axis, rank);
  SmallVector<Value> values, indices;
  for (int64_t i = 0; i < k; ++i) {
    Value idx = argmax(n, work, *axis, true);
    Value hit = n.compare(ComparePredicate::eq, positions, idx);
    Value val = n.reduce(Reduction::Max, work, {*axis}, true);
    values.push_back(largest ? val : n.unary<NegOp>(val));
    indices.push_back(idx);
    work = n.select(hit, lowest, work);
  }
  n.setOutput(0, n.concat(values, *axis));
  n.setOutput(1, n.concat(indices, *axis));
  return success();
}

LogicalResult importHardmax(NodeImporter &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  Value x = n.input(0);
  int64_t rank = rankOf(x);
  FailureOr<int64_t> axis = n.axisAttr("axis", -1, rank);
  if (failed(axis))
    return failure();
  Value idx = argmax(n, x, *axis, true);
  Value hot = n.compare(ComparePredicate::eq, idx,
                        n.iota(n.b.getI64Type(), shapeOf(x)[*axis], *axis,
                               rank));
  n.setOutput(0, n.cast(hot, elementTypeOf(x)));
  return success();
}

LogicalResult importReduce(NodeImporter &n) {
  const std::string &op = n.node.opType;
  Value x = n.input(0);
  if (elementTypeOf(x).isInteger(1))
    return n.unsupported("bool input is not supported");
  int64_t rank = rankOf(x);
  std::vector<int64_t> axes;
  if (n.hasAttr("axes")) {
    axes = n.attrInts("axes");
  } else if (n.hasInput(1)) {
    if (!n.constInput(1))
      return n.unsupported("axes (input 1) must be known at import time");
    axes = n.constInts(1);
  }
  if (axes.empty()) {
    if (n.attrInt("noop_with_empty_axes", 0)) {
      n.setOutput(0, x);
      return success();
    }
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
  }
  std::optional<std::vector<int64_t>> dims = normalizeAxes(axes, rank);
  if (!dims)
    return n.unsupported("invalid axes " + formatInts(axes));
  std::sort(dims->begin(), dims->end());
  bool keep = n.attrInt("keepdims", 1) != 0;
  bool isFloat = isa<FloatType>(elementTypeOf(x));
  bool needsFloat = op == "ReduceMean" || op == "ReduceL2" ||
                    op == "ReduceLogSum" || op == "ReduceLogSumExp";
  if (needsFloat && failed(n.requireFloat(0)))
    return failure();
  Value r;
  if (op == "ReduceSum")
    r = n.reduce(Reduction::Sum, x, *dims, keep);
  else if (op == "ReduceMean")
    r = n.reduce(Reduction::Mean, x, *dims, keep);
  else if (op == "ReduceMax")
    r = n.reduce(Reduction::Max, x, *dims, keep);
  else if (op == "ReduceMin")
    r = n.reduce(Reduction::Min, x, *dims, keep);
  else if (op == "ReduceProd")
    r = n.reduce(Reduction::Prod, x, *dims, keep);
  else if (op == "ReduceL1")
    r = n.reduce(Reduction::Sum, n.unary<AbsOp>(x), *dims, keep);
  else if (op == "ReduceSumSquare")
    r = n.reduce(Reduction::Sum, n.mul(x, x), *dims, keep);
  else if (op == "ReduceL2")
    r = n.unary<SqrtOp>(n.reduce(Reduction::Sum, n.mul(x, x), *dims, keep));
  else if (op == "ReduceLogSum")
    r = n.unary<LogOp>(n.reduce(Reduction::Sum, x, *dims, keep));
  else {
    // log(sum(exp(x - max))) + max, stable for large inputs.
    Value m = n.reduce(Reduction::Max, x, *dims, true);
    Value s = n.reduce(Reduction::Sum, n.unary<ExpOp>(n.sub(x, m)), *dims,
                       true);
    r = n.add(n.unary<LogOp>(s), m);
    if (!keep) {
      SmallVector<int64_t> shape;
      for (int64_t d = 0; d < rank; ++d)
        if (!llvm::is_contained(*dims, d))
          shape.push_back(shapeOf(x)[d]);
      r = n.reshape(r, shape);
    }
  }
  n.setOutput(0, r);
  return success();
}

} // namespace

void registerNNOps(HandlerMap &map) {
  map["MatMul"] = importMatMul;
  map["Gemm"] = importGemm;
  map["Einsum"] = importEinsum;
  map["Conv"] = importConv;
  map["ConvTranspose"] = importConvTranspose;
  map["MaxPool"] = importPool;
  map["AveragePool"] = importPool;
  map["GlobalAveragePool"] = importGlobalPool;
  map["GlobalMaxPool"] = importGlobalPool;
  map["BatchNormalization"] = importBatchNorm;
  map["InstanceNormalization"] = importInstanceNorm;
  map["LayerNormalization"] = importLayerNorm;
  map["LRN"] = importLRN;
  map["MeanVarianceNormalization"] = importMVN;
  map["Softmax"] = importSoftmax;
  map["LogSoftmax"] = importSoftmax;
  map["Hardmax"] = importHardmax;
  map["TopK"] = importTopK;
  map["ArgMax"] = importArgMax;
  map["ArgMin"] = importArgMax;
  for (const char *op :
       {"ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd",
        "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp",
        "ReduceSumSquare"})
    map[op] = importReduce;
}

} // namespace onnx_import
} // namespace loom
