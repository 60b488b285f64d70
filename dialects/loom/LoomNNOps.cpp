//===- LoomNNOps.cpp - verifiers of the ops in LoomNNOps.td ---------------===//
//
// Like the core verifiers, every message names the operand and its shape:
//   'loom.conv3d' op channel mismatch: input is 1x4x5x5x5 with groups = 1,
//   weight is 2x3x3x3x3
//
//===----------------------------------------------------------------------===//
#include "loom/dialect/LoomOps.h"

#include "mlir/IR/Diagnostics.h"

using namespace mlir;
using namespace loom;

namespace {

ArrayRef<int64_t> shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}

Type elementTypeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getElementType();
}

std::string formatList(ArrayRef<int64_t> values) {
  std::string s = "[";
  for (size_t i = 0; i < values.size(); ++i)
    s += (i ? ", " : "") + std::to_string(values[i]);
  return s + "]";
}

LogicalResult checkCount(Operation *op, ArrayRef<int64_t> values,
                         size_t expected, StringRef name) {
  if (values.size() == expected)
    return success();
  return op->emitOpError() << "expects " << expected << " values in `" << name
                           << "`, got " << formatList(values);
}

LogicalResult checkAtLeast(Operation *op, ArrayRef<int64_t> values,
                           int64_t minimum, StringRef name) {
  for (int64_t v : values)
    if (v < minimum)
      return op->emitOpError() << "`" << name << "` values must be >= "
                               << minimum << ", got " << formatList(values);
  return success();
}

/// Output extent of a sliding window, or 0 if the window does not fit.
int64_t windowExtent(int64_t in, int64_t padLow, int64_t padHigh,
                     int64_t kernel, int64_t stride, int64_t dilation) {
  int64_t span = dilation * (kernel - 1) + 1;
  int64_t padded = in + padLow + padHigh;
  if (padded < span)
    return 0;
  return (padded - span) / stride + 1;
}

LogicalResult checkResult(Operation *op, ArrayRef<int64_t> expected,
                          Type elementType, StringRef what) {
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  if (type.getShape() == expected && type.getElementType() == elementType)
    return success();
  return op->emitOpError()
         << "result type is " << formatType(type) << " but " << what << " is "
         << formatType(RankedTensorType::get(expected, elementType));
}

/// Checks of a sliding window over the trailing `kernel.size()` dimensions
/// of `input` (N x C x spatial...); returns the output shape.
FailureOr<SmallVector<int64_t>>
verifyWindow(Operation *op, ArrayRef<int64_t> x, ArrayRef<int64_t> kernel,
             ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations,
             ArrayRef<int64_t> padding, StringRef kernelName) {
  size_t n = kernel.size();
  if (failed(checkCount(op, strides, n, "strides")) ||
      failed(checkCount(op, dilations, n, "dilations")) ||
      failed(checkCount(op, padding, 2 * n, "padding")) ||
      failed(checkAtLeast(op, kernel, 1, kernelName)) ||
      failed(checkAtLeast(op, strides, 1, "strides")) ||
      failed(checkAtLeast(op, dilations, 1, "dilations")) ||
      failed(checkAtLeast(op, padding, 0, "padding")))
    return failure();
  SmallVector<int64_t> out = {x[0], x[1]};
  for (size_t i = 0; i < n; ++i) {
    int64_t extent = windowExtent(x[2 + i], padding[i], padding[n + i],
                                  kernel[i], strides[i], dilations[i]);
    if (extent < 1)
      return op->emitOpError()
             << kernelName << " " << formatList(kernel) << " with dilations "
             << formatList(dilations) << " does not fit the input "
             << formatShape(x) << " padded by " << formatList(padding);
    out.push_back(extent);
  }
  return out;
}

} // namespace

//===----------------------------------------------------------------------===//
// conv3d
//===----------------------------------------------------------------------===//

LogicalResult Conv3DOp::verify() {
  ArrayRef<int64_t> x = shapeOf(getInput()), w = shapeOf(getWeight());
  if (x.size() != 5)
    return emitOpError() << "input must be NCDHW (rank 5), got "
                         << formatShape(x);
  if (w.size() != 5)
    return emitOpError()
           << "weight must be F x C/groups x KD x KH x KW (rank 5), got "
           << formatShape(w);
  int64_t groups = getGroups();
  if (groups < 1 || x[1] % groups != 0 || w[0] % groups != 0)
    return emitOpError() << "groups = " << groups
                         << " must divide the input channels (" << x[1]
                         << ") and the output channels (" << w[0] << ")";
  if (w[1] * groups != x[1])
    return emitOpError() << "channel mismatch: input is " << formatShape(x)
                         << " with groups = " << groups << ", weight is "
                         << formatShape(w);
  if (elementTypeOf(getWeight()) != elementTypeOf(getInput()))
    return emitOpError() << "element types differ: input is "
                         << formatType(getInput().getType()) << ", weight is "
                         << formatType(getWeight().getType());
  if (Value bias = getBias()) {
    if (shapeOf(bias) != ArrayRef<int64_t>{w[0]} ||
        elementTypeOf(bias) != elementTypeOf(getInput()))
      return emitOpError() << "bias must be a vector of " << w[0]
                           << " elements of the input's type, got "
                           << formatType(bias.getType());
  }
  FailureOr<SmallVector<int64_t>> out =
      verifyWindow(*this, x, w.drop_front(2), getStrides(), getDilations(),
                   getPadding(), "kernel");
  if (failed(out))
    return failure();
  (*out)[1] = w[0];
  return checkResult(*this, *out, elementTypeOf(getInput()),
                     "the convolution");
}

//===----------------------------------------------------------------------===//
// N-D pooling
//===----------------------------------------------------------------------===//

namespace {

LogicalResult verifyPoolND(Operation *op, Value input,
                           ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                           ArrayRef<int64_t> dilations,
                           ArrayRef<int64_t> padding) {
  ArrayRef<int64_t> x = shapeOf(input);
  size_t n = kernel.size();
  if (n < 1 || n > 3)
    return op->emitOpError() << "pools over 1 to 3 spatial dimensions, got "
                             << "kernel " << formatList(kernel);
  if (x.size() != n + 2)
    return op->emitOpError() << "input must be N x C x " << n
                             << " spatial dimensions (rank " << n + 2
                             << ") for kernel " << formatList(kernel)
                             << ", got " << formatShape(x);
  FailureOr<SmallVector<int64_t>> out =
      verifyWindow(op, x, kernel, strides, dilations, padding, "kernel");
  if (failed(out))
    return failure();
  return checkResult(op, *out, elementTypeOf(input), "the pooled input");
}

} // namespace

LogicalResult MaxPoolOp::verify() {
  return verifyPoolND(*this, getInput(), getKernel(), getStrides(),
                      getDilations(), getPadding());
}

LogicalResult AvgPoolOp::verify() {
  SmallVector<int64_t> ones(getKernel().size(), 1);
  return verifyPoolND(*this, getInput(), getKernel(), getStrides(), ones,
                      getPadding());
}
