//===- ResizeOps.cpp - ONNX Resize, Upsample and GridSample ---------------===//
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
// GridSample samples at coordinates computed at run time: each tap is a
// gather from the flattened input at computed flat indices, weighted, with
// torch.nn.functional.grid_sample's padding modes.
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
  if (failed(n.requireFloat(0)))
    return failure();
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

//===----------------------------------------------------------------------===//
// GridSample (torch.nn.functional.grid_sample semantics)
//===----------------------------------------------------------------------===//

struct GridSampler {
  NodeImporter &n;
  Value flatX;    // X flattened
  Value base;     // [N, C, 1, 1] offset of each (n, c) plane, i64
  int64_t h, w;
  std::string padding;
  bool alignCorners;
  Type et;

  Value c(double v) { return n.splat(et, v); }

  /// Grid coordinate in [-1, 1] -> pixel coordinate along a dim of `size`.
  Value unnormalize(Value g, int64_t size) {
    if (alignCorners)
      return n.mulScalar(n.addScalar(g, 1.0), (size - 1) / 2.0);
    return n.mulScalar(n.addScalar(n.mulScalar(g, size), size - 1.0), 0.5);
  }

  Value clip(Value x, int64_t size) {
    return n.min(n.max(x, c(0)), c(size - 1));
  }

  /// Reflects x into [low/2, high/2] (twice the bounds are given).
  Value reflect(Value x, int64_t twiceLow, int64_t twiceHigh) {
    if (twiceLow == twiceHigh)
      return n.mulScalar(x, 0.0);
    double lo = twiceLow / 2.0, span = (twiceHigh - twiceLow) / 2.0;
    Value d = n.unary<AbsOp>(n.addScalar(x, -lo));
    Value flips = n.unary<FloorOp>(n.mulScalar(d, 1.0 / span));
    Value extra = n.sub(d, n.mulScalar(flips, span));
    // flips even: extra + lo, odd: span - extra + lo.
    Value half = n.mulScalar(flips, 0.5);
    Value even = n.compare(ComparePredicate::eq, n.unary<FloorOp>(half), half);
    return n.select(even, n.addScalar(extra, lo),
                    n.addScalar(n.sub(c(span), extra), lo));
  }

  /// Applies the padding mode to a coordinate.
  Value fold(Value x, int64_t size) {
    if (padding == "border")
      return clip(x, size);
    if (padding == "reflection") {
      x = alignCorners ? reflect(x, 0, 2 * (size - 1))
                       : reflect(x, -1, 2 * size - 1);
      return clip(x, size);
    }
    return x;
  }

  /// X[n, c, y, x] for integral-valued float coordinates [N, 1, Ho, Wo];
  /// 0 where (y, x) is outside the image.
  Value sample(Value y, Value x) {
    Type i64 = n.b.getI64Type();
    Value inside = n.select(
        n.compare(ComparePredicate::ge, x, c(0)),
        n.select(n.compare(ComparePredicate::le, x, c(w - 1)),
                 n.select(n.compare(ComparePredicate::ge, y, c(0)),
                          n.compare(ComparePredicate::le, y, c(h - 1)),
                          n.splat(n.b.getI1Type(), 0)),
                 n.splat(n.b.getI1Type(), 0)),
        n.splat(n.b.getI1Type(), 0));
    Value xi = n.cast(clip(x, w), i64), yi = n.cast(clip(y, h), i64);
    Value idx = n.add(base, n.add(n.mulScalar(yi, w), xi));
    Value v = n.gather(flatX, idx, 0);
    return n.select(inside, v, c(0));
  }
};

LogicalResult importGridSample(NodeImporter &n) {
  Value x = n.input(0), grid = n.input(1);
  if (failed(n.requireFloat(0)))
    return failure();
  ArrayRef<int64_t> xs = shapeOf(x), gs = shapeOf(grid);
  if (xs.size() != 4 || gs.size() != 4 || gs[3] != 2)
    return n.unsupported("expects X N x C x H x W and grid N x Ho x Wo x 2");
  std::string mode = n.attrString("mode", "bilinear");
  std::string padding = n.attrString("padding_mode", "zeros");
  if (mode != "bilinear" && mode != "nearest" && mode != "bicubic")
    return n.unsupported("mode '" + mode + "' is not supported");
  if (padding != "zeros" && padding != "border" && padding != "reflection")
    return n.unsupported("padding_mode '" + padding + "' is not supported");
  int64_t batch = xs[0], channels = xs[1], h = xs[2], w = xs[3];
  int64_t ho = gs[1], wo = gs[2];
  Type et = elementTypeOf(x), i64 = n.b.getI64Type();
  grid = n.cast(grid, et);
  std::vector<int64_t> planes(batch * channels);
  for (int64_t i = 0; i < batch * channels; ++i)
    planes[i] = i * h * w;
  GridSampler s{n,
                n.reshape(x, {numElementsOf(xs)}),
                n.constantInts(i64, {batch, channels, 1, 1}, planes),
                h,
                w,
                padding,
                n.attrInt("align_corners", 0) != 0,
                et};
  // Pixel coordinates [N, 1, Ho, Wo].
  auto coord = [&](int64_t k, int64_t size) {
    Value g = n.reshape(n.sliceAxis(grid, 3, k, k + 1), {batch, 1, ho, wo});
    return s.unnormalize(g, size);
  };
  Value gx = coord(0, w), gy = coord(1, h);
  Value y;
  if (mode == "nearest") {
    Value px = n.unary<RoundOp>(s.fold(gx, w));
    Value py = n.unary<RoundOp>(s.fold(gy, h));
    y = s.sample(py, px);
  } else if (mode == "bilinear") {
    Value px = s.fold(gx, w), py = s.fold(gy, h);
    Value x0 = n.unary<FloorOp>(px), y0 = n.unary<FloorOp>(py);
    Value tx = n.sub(px, x0), ty = n.sub(py, y0);
    Value one = s.c(1);
    Value x1 = n.addScalar(x0, 1), y1 = n.addScalar(y0, 1);
    Value wx0 = n.sub(one, tx), wy0 = n.sub(one, ty);
    y = n.add(n.add(n.mul(n.mul(wy0, wx0), s.sample(y0, x0)),
                    n.mul(n.mul(wy0, tx), s.sample(y0, x1))),
              n.add(n.mul(n.mul(ty, wx0), s.sample(y1, x0)),
                    n.mul(n.mul(ty, tx), s.sample(y1, x1))));
  } else {
    // Bicubic: 4x4 taps around floor(coordinate); the padding mode folds
    // each tap's integer coordinate.
    Value x0 = n.unary<FloorOp>(gx), y0 = n.unary<FloorOp>(gy);
    Value tx = n.sub(gx, x0), ty = n.sub(gy, y0);
    // Cubic weights as polynomials of t, per tap.
    auto weights = [&](Value t) {
      const double a = -0.75;
      auto near = [&](Value v) { // ((a+2) v - (a+3)) v^2 + 1
        Value p = n.addScalar(n.mulScalar(v, a + 2), -(a + 3));
        return n.addScalar(n.mul(p, n.mul(v, v)), 1);
      };
      auto far = [&](Value v) { // ((a v - 5a) v + 8a) v - 4a
        Value p = n.addScalar(n.mulScalar(v, a), -5 * a);
        p = n.addScalar(n.mul(p, v), 8 * a);
        return n.addScalar(n.mul(p, v), -4 * a);
      };
      Value oneMinus = n.sub(s.c(1), t);
      return std::vector<Value>{far(n.addScalar(t, 1)), near(t),
                                near(oneMinus),
                                far(n.addScalar(oneMinus, 1))};
    };
    std::vector<Value> wx = weights(tx), wy = weights(ty);
    for (int64_t i = 0; i < 4; ++i) {
      Value yi = s.fold(n.addScalar(y0, i - 1), h);
      Value row;
      for (int64_t j = 0; j < 4; ++j) {
        Value xj = s.fold(n.addScalar(x0, j - 1), w);
        Value v = n.mul(wx[j], s.sample(yi, xj));
        row = row ? n.add(row, v) : v;
      }
      Value term = n.mul(wy[i], row);
      y = y ? n.add(y, term) : term;
    }
  }
  n.setOutput(0, n.broadcastTo(y, {batch, channels, ho, wo}));
  return success();
}

} // namespace

void registerResizeOps(HandlerMap &map) {
  map["Resize"] = importResize;
  map["Upsample"] = importResize;
  map["GridSample"] = importGridSample;
}

} // namespace onnx_import
} // namespace loom
