//===- LoomConvolutionOps.cpp - convolution and pooling verifiers ---------===//
//
// Every message names the operand and its shape:
//   'loom.conv' op channel mismatch: input is 1x4x5x5x5 with groups = 1,
//   weight is 2x3x3x3x3
//
//===----------------------------------------------------------------------===//
#include "VerifierUtils.h"

#include "loom/dialect/Broadcast.h"
#include "loom/dialect/LoomOps.h"
#include "loom/dialect/TypeUtils.h"

#include "mlir/IR/Diagnostics.h"

using namespace mlir;
using namespace loom;
using namespace loom::verifier;

namespace {

/// Output extent of a sliding window, or 0 if the window does not fit.
int64_t windowExtent(int64_t in, int64_t padLow, int64_t padHigh,
                     int64_t kernel, int64_t stride, int64_t dilation) {
  int64_t span = dilation * (kernel - 1) + 1;
  int64_t padded = in + padLow + padHigh;
  if (padded < span)
    return 0;
  return (padded - span) / stride + 1;
}

/// Checks of a sliding window over the trailing `kernel.size()` dimensions
/// of `x` (N x C x spatial...); returns the output shape (N x C x out...).
FailureOr<SmallVector<int64_t>>
verifyWindow(Operation *op, ArrayRef<int64_t> x, ArrayRef<int64_t> kernel,
             ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations,
             ArrayRef<int64_t> padding, StringRef kernelName) {
  size_t n = kernel.size();
  // A dynamic batch (dimension 0) only: channels and spatial sizes decide
  // the window's arithmetic.
  for (size_t d = 1; d < x.size(); ++d)
    if (ShapedType::isDynamic(x[d]))
      return op->emitOpError()
             << "takes a dynamic batch (dimension 0) only, but the input is "
             << formatShape(x);
  if (failed(checkArraySize(op, strides, n, "strides")) ||
      failed(checkArraySize(op, dilations, n, "dilations")) ||
      failed(checkArraySize(op, padding, 2 * n, "padding")) ||
      failed(checkAllAtLeast(op, kernel, 1, kernelName)) ||
      failed(checkAllAtLeast(op, strides, 1, "strides")) ||
      failed(checkAllAtLeast(op, dilations, 1, "dilations")) ||
      failed(checkAllAtLeast(op, padding, 0, "padding")))
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

/// An input of 1 to 3 spatial dimensions after N and C.
LogicalResult checkSpatialInput(Operation *op, ArrayRef<int64_t> x) {
  if (x.size() < 3 || x.size() > 5)
    return op->emitOpError() << "input must be N x C x 1 to 3 spatial "
                                "dimensions (rank 3 to 5), got "
                             << formatShape(x);
  return success();
}

LogicalResult verifyPool(Operation *op, Value input, ArrayRef<int64_t> kernel,
                         ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations,
                         ArrayRef<int64_t> padding) {
  ArrayRef<int64_t> x = shapeOf(input);
  if (failed(checkSpatialInput(op, x)))
    return failure();
  if (kernel.size() != x.size() - 2)
    return op->emitOpError() << "kernel " << formatList(kernel) << " has "
                             << kernel.size() << " values for the "
                             << x.size() - 2 << " spatial dimensions of "
                             << formatShape(x);
  FailureOr<SmallVector<int64_t>> out =
      verifyWindow(op, x, kernel, strides, dilations, padding, "kernel");
  if (failed(out))
    return failure();
  return verifyResultType(op, op->getResult(0).getType(), *out,
                          elementTypeOf(input), "the pooled input");
}

} // namespace

LogicalResult ConvOp::verify() {
  ArrayRef<int64_t> x = shapeOf(getInput()), w = shapeOf(getWeight());
  if (failed(checkSpatialInput(*this, x)))
    return failure();
  if (w.size() != x.size())
    return emitOpError() << "weight must be F x C/groups x kernel (rank "
                         << x.size() << ", like the input), got "
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
  SmallVector<Value> values = {getInput(), getWeight()};
  SmallVector<StringRef> names = {"input", "weight"};
  if (Value bias = getBias()) {
    values.push_back(bias);
    names.push_back("bias");
    if (shapeOf(bias) != ArrayRef<int64_t>{w[0]})
      return emitOpError() << "bias must have shape " << w[0] << ", got "
                           << formatShape(shapeOf(bias));
  }
  if (failed(verifySameElementTypes(*this, values, names)))
    return failure();
  FailureOr<SmallVector<int64_t>> out =
      verifyWindow(*this, x, w.drop_front(2), getStrides(), getDilations(),
                   getPadding(), "kernel");
  if (failed(out))
    return failure();
  (*out)[1] = w[0];
  return verifyResultType(*this, getType(), *out, elementTypeOf(getInput()),
                          "the convolution");
}

LogicalResult MaxPoolOp::verify() {
  return verifyPool(*this, getInput(), getKernel(), getStrides(),
                    getDilationsOrOnes(), getPadding());
}

LogicalResult AvgPoolOp::verify() {
  SmallVector<int64_t> ones(getKernel().size(), 1);
  return verifyPool(*this, getInput(), getKernel(), getStrides(), ones,
                    getPadding());
}

LogicalResult GlobalAvgPoolOp::verify() {
  ArrayRef<int64_t> x = shapeOf(getInput());
  if (failed(checkSpatialInput(*this, x)))
    return failure();
  SmallVector<int64_t> out(x.begin(), x.end());
  std::fill(out.begin() + 2, out.end(), 1);
  return verifyResultType(*this, getType(), out, elementTypeOf(getInput()),
                          "the pooled input");
}
