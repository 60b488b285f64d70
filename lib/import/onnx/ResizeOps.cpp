//===- ResizeOps.cpp - ONNX Resize / Upsample -----------------------------===//
//
// Shapes are static, so every coordinate transformation is computed at
// import time and a resize is separable: along each resized axis,
//   nearest       -> loom.gather with constant indices,
//   linear, cubic -> loom.contract with a constant [out, in] matrix of
//                    interpolation weights,
// following ONNX's reference implementation (neighbours of the source
// coordinate, edge-clamped; exclude_outside renormalizes; tf_crop_and_resize
// writes extrapolation_value outside the input).
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

#include <cmath>

using namespace mlir;

namespace loom {
namespace onnx_import {

namespace {

struct ResizeParams {
  std::string mode, transform, nearestMode;
  double cubicA = -0.75, extrapolation = 0;
  bool excludeOutside = false;
};

/// The source coordinate of output index `o` along an axis.
double sourceCoordinate(const ResizeParams &p, int64_t o, int64_t in,
                        int64_t out, double scale, double roiStart,
                        double roiEnd) {
  double outLen = scale * in;
  if (p.transform == "align_corners")
    return outLen == 1 ? 0.0 : o * (in - 1) / (outLen - 1);
  if (p.transform == "asymmetric")
    return o / scale;
  if (p.transform == "tf_crop_and_resize") {
    if (out == 1)
      return 0.5 * (roiStart + roiEnd) * (in - 1);
    return roiStart * (in - 1) + o * (roiEnd - roiStart) * (in - 1) / (out - 1);
  }
  if (p.transform == "tf_half_pixel_for_nn")
    return (o + 0.5) / scale;
  if (p.transform == "pytorch_half_pixel")
    return out == 1 ? -0.5 : (o + 0.5) / scale - 0.5;
  return (o + 0.5) / scale - 0.5; // half_pixel
}

/// Interpolation weights of the `count` neighbours of x (the nearest ones,
/// the lower preferred) for the given ratio.
std::vector<double> weights(const ResizeParams &p, double ratio) {
  if (p.mode == "linear")
    return {1 - ratio, ratio};
  double a = p.cubicA, r = ratio, s = 1 - ratio;
  return {((a * (r + 1) - 5 * a) * (r + 1) + 8 * a) * (r + 1) - 4 * a,
          ((a + 2) * r - (a + 3)) * r * r + 1,
          ((a + 2) * s - (a + 3)) * s * s + 1,
          ((a * (s + 1) - 5 * a) * (s + 1) + 8 * a) * (s + 1) - 4 * a};
}

/// The input index nearest mode picks for source coordinate x.
int64_t nearestIndex(const ResizeParams &p, double x, int64_t in) {
  double fl = std::floor(x);
  double ratio = x - fl;
  int64_t idx;
  if (ratio == 0)
    idx = static_cast<int64_t>(fl);
  else if (p.nearestMode == "floor")
    idx = static_cast<int64_t>(fl);
  else if (p.nearestMode == "ceil")
    idx = static_cast<int64_t>(fl) + 1;
  else if (p.nearestMode == "round_prefer_ceil")
    idx = static_cast<int64_t>(fl) + (ratio >= 0.5);
  else
    idx = static_cast<int64_t>(fl) + (ratio > 0.5);
  return std::clamp<int64_t>(idx, 0, in - 1);
}

LogicalResult importResize(NodeImporter &n) {
  Value x = n.input(0);
  if (!isa<FloatType>(elementTypeOf(x)))
    return n.unsupported("the input must be a float tensor");
  ResizeParams p;
  p.mode = n.attrString("mode", "nearest");
  p.transform = n.attrString("coordinate_transformation_mode", "half_pixel");
  p.nearestMode = n.attrString("nearest_mode", "round_prefer_floor");
  p.cubicA = n.attrFloat("cubic_coeff_a", -0.75f);
  p.excludeOutside = n.attrInt("exclude_outside", 0) != 0;
  p.extrapolation = n.attrFloat("extrapolation_value", 0.0f);
  if (p.mode != "nearest" && p.mode != "linear" && p.mode != "cubic")
    return n.unsupported("mode '" + p.mode + "' is not supported");
  static const char *transforms[] = {"half_pixel", "pytorch_half_pixel",
                                     "align_corners", "asymmetric",
                                     "tf_crop_and_resize",
                                     "tf_half_pixel_for_nn"};
  if (!llvm::is_contained(transforms, p.transform))
    return n.unsupported("coordinate_transformation_mode '" + p.transform +
                         "' is not supported");

  ArrayRef<int64_t> in = shapeOf(x);
  int64_t rank = in.size();
  // Upsample (opset <= 9) has only X and scales.
  bool isUpsample = n.node.opType == "Upsample";
  size_t scalesIdx = isUpsample ? 1 : 2, sizesIdx = 3, roiIdx = 1;
  std::vector<double> scales, roi;
  std::vector<int64_t> sizes;
  for (size_t i : {scalesIdx, sizesIdx, isUpsample ? size_t(99) : roiIdx}) {
    if (!n.hasInput(i))
      continue;
    const Tensor *t = n.constInput(i);
    if (!t)
      return n.unsupported("input " + std::to_string(i) +
                           " (scales, sizes or roi) must be known at import "
                           "time");
    if (t->numElements() == 0)
      continue;
    if (i == scalesIdx)
      scales = hostDoubles(*t);
    else if (i == sizesIdx)
      sizes = hostInts(*t);
    else
      roi = hostDoubles(*t);
  }
  if (scales.empty() && sizes.empty())
    return n.unsupported("needs scales or sizes");
  if ((!scales.empty() && static_cast<int64_t>(scales.size()) != rank) ||
      (!sizes.empty() && static_cast<int64_t>(sizes.size()) != rank))
    return n.unsupported("scales/sizes must have one entry per dimension");
  if (p.transform == "tf_crop_and_resize" &&
      static_cast<int64_t>(roi.size()) != 2 * rank)
    return n.unsupported("tf_crop_and_resize needs a roi of " +
                         std::to_string(2 * rank) + " values");

  Type et = elementTypeOf(x);
  // The innermost axis first, as the reference interpolates.
  for (int64_t axis = rank - 1; axis >= 0; --axis) {
    int64_t len = in[axis];
    int64_t out = sizes.empty()
                      ? static_cast<int64_t>(std::floor(len * scales[axis]))
                      : sizes[axis];
    double scale = sizes.empty() ? scales[axis]
                                 : static_cast<double>(out) / len;
    if (out < 1)
      return n.unsupported("the result is empty");
    bool crop = p.transform == "tf_crop_and_resize";
    double roiStart = crop ? roi[axis] : 0, roiEnd = crop ? roi[rank + axis] : 1;
    if (out == len && scale == 1.0 && (!crop || (roiStart == 0 && roiEnd == 1)))
      continue;
    std::vector<double> outside(out, 0.0);
    bool anyOutside = false;
    SmallVector<int64_t> maskShape(rank, 1);
    maskShape[axis] = out;
    if (p.mode == "nearest") {
      std::vector<int64_t> idx(out);
      for (int64_t o = 0; o < out; ++o) {
        double src = sourceCoordinate(p, o, len, out, scale, roiStart, roiEnd);
        if (crop && (src < 0 || src > len - 1)) {
          outside[o] = 1;
          anyOutside = true;
        }
        idx[o] = nearestIndex(p, src, len);
      }
      x = n.gather(x, n.constantInts(n.b.getI64Type(), {out}, idx), axis);
    } else {
      int64_t taps = p.mode == "linear" ? 2 : 4;
      std::vector<double> matrix(out * len, 0.0);
      for (int64_t o = 0; o < out; ++o) {
        double src = sourceCoordinate(p, o, len, out, scale, roiStart, roiEnd);
        if (crop && (src < 0 || src > len - 1)) {
          outside[o] = 1;
          anyOutside = true;
          continue;
        }
        double fl = std::floor(src);
        bool integral = src == fl;
        double ratio = integral ? 1.0 : src - fl;
        // The `taps` nearest indices, lower ones preferred on ties.
        int64_t first = static_cast<int64_t>(fl) - taps / 2 + 1 -
                        (integral ? 1 : 0);
        std::vector<double> w = weights(p, ratio);
        std::vector<int64_t> idx;
        for (int64_t k = 0; k < taps; ++k)
          idx.push_back(first + k);
        if (p.excludeOutside) {
          double sum = 0;
          for (int64_t k = 0; k < taps; ++k) {
            if (idx[k] < 0 || idx[k] >= len)
              w[k] = 0;
            sum += w[k];
          }
          for (double &v : w)
            v = sum != 0 ? v / sum : 0;
        }
        for (int64_t k = 0; k < taps; ++k)
          matrix[o * len + std::clamp<int64_t>(idx[k], 0, len - 1)] += w[k];
      }
      std::string inTerm, outTerm;
      for (int64_t d = 0; d < rank; ++d) {
        inTerm += static_cast<char>('a' + d);
        outTerm += d == axis ? 'z' : static_cast<char>('a' + d);
      }
      SmallVector<int64_t> outShape(shapeOf(x));
      outShape[axis] = out;
      std::string spec = inTerm + ",z" + static_cast<char>('a' + axis) + "->" +
                         outTerm;
      x = n.contract(spec, {x, n.constant(et, {out, len}, matrix)}, outShape);
    }
    if (anyOutside) {
      SmallVector<int64_t> mask(outside.begin(), outside.end());
      Value m = n.constantInts(n.b.getI1Type(), maskShape, mask);
      x = n.select(m, n.splat(et, p.extrapolation), x);
    }
  }
  n.setOutput(0, x);
  return success();
}

} // namespace

void registerResizeOps(HandlerMap &map) {
  map["Resize"] = importResize;
  map["Upsample"] = importResize;
}

} // namespace onnx_import
} // namespace loom
