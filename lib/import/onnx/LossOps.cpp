//===- LossOps.cpp - ONNX loss operators ----------------------------------===//
//
// NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss (= NLL of the
// log-softmax over the class dimension), composed of loom ops: the class
// of every element is picked with a one-hot mask over the class dimension.
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

using namespace mlir;

namespace loom {
namespace onnx_import {

namespace {

using Reduction = LoomBuilder::Reduction;

/// The NLL loss of `logProb` [N, C, d...] for class indices `target`
/// [N, d...], with optional per-class `weight` [C].
FailureOr<Value> nllLoss(NodeImporter &n, Value logProb, Value target,
                         Value weight) {
  ArrayRef<int64_t> in = shapeOf(logProb);
  int64_t rank = in.size();
  if (rank < 2 || shapeOf(target).size() != static_cast<size_t>(rank - 1))
    return n.unsupported("expects input N x C x ... and target N x ...");
  // The ops below broadcast target against the input and gather the weight
  // by it: the shapes must be the ones the operator defines (shape inference
  // does not insist).
  SmallVector<int64_t> targetShape = {in[0]};
  targetShape.append(in.begin() + 2, in.end());
  if (shapeOf(target) != ArrayRef<int64_t>(targetShape))
    return n.unsupported("target has shape " + formatShape(shapeOf(target)) +
                         ", expected " + formatShape(targetShape) +
                         " (the input's " + formatShape(in) +
                         " without the class dimension)");
  if (!isa<IntegerType>(elementTypeOf(target)))
    return n.unsupported("target must hold integer class indices");
  if (weight && (shapeOf(weight).size() != 1 || shapeOf(weight)[0] != in[1]))
    return n.unsupported("weight has shape " + formatShape(shapeOf(weight)) +
                         ", expected one per class (" + std::to_string(in[1]) +
                         ")");
  if (weight && elementTypeOf(weight) != elementTypeOf(logProb))
    return n.unsupported("weight's element type differs from the input's");
  std::string reduction = n.attrString("reduction", "mean");
  if (reduction != "mean" && reduction != "sum" && reduction != "none")
    return n.unsupported("reduction '" + reduction + "' is not supported");
  Type et = elementTypeOf(logProb);
  Type it = elementTypeOf(target);
  Value valid;
  if (n.hasAttr("ignore_index")) {
    // Constants are built through a double: beyond 2^53 an index would be
    // rounded (and near 2^63 not an int64 at all).
    int64_t ignoreIndex = n.attrInt("ignore_index", 0);
    if (ignoreIndex > (int64_t(1) << 53) || ignoreIndex < -(int64_t(1) << 53))
      return n.unsupported("ignore_index " + std::to_string(ignoreIndex) +
                           " is out of the supported range (|i| <= 2^53)");
    Value ignore = n.splat(it, static_cast<double>(ignoreIndex));
    valid = n.compare(ComparePredicate::ne, target, ignore);
    target = n.select(valid, target, n.splat(it, 0));
  }
  // picked[n, d] = logProb[n, target[n, d], d].
  SmallVector<int64_t> expanded(shapeOf(target));
  expanded.insert(expanded.begin() + 1, 1);
  Value hot = n.compare(ComparePredicate::eq, n.reshape(target, expanded),
                        n.iota(it, in[1], 1, rank));
  Value picked = n.reduce(Reduction::Sum,
                          n.select(hot, logProb, n.splat(et, 0)), {1},
                          /*keepdims=*/false);
  Value w;
  if (weight)
    w = n.gather(weight, target, 0);
  if (valid) {
    Value one = w ? w : n.splat(et, 1.0);
    w = n.select(valid, one, n.splat(et, 0));
  }
  Value loss = n.unary<NegOp>(picked);
  if (w)
    loss = n.mul(loss, w);
  loss = n.broadcastTo(loss, shapeOf(target));
  if (reduction == "none")
    return loss;
  SmallVector<int64_t> all;
  for (int64_t d = 0; d < rank - 1; ++d)
    all.push_back(d);
  Value sum = n.reduce(Reduction::Sum, loss, all, false);
  if (reduction == "sum")
    return sum;
  if (!w)
    return n.mulScalar(sum, 1.0 / numElementsOf(shapeOf(target)));
  Value total = n.reduce(Reduction::Sum, n.broadcastTo(w, shapeOf(target)),
                         all, false);
  return n.div(sum, total);
}

LogicalResult importNLL(NodeImporter &n) {
  Value input = n.input(0);
  if (failed(n.requireFloat(0)))
    return failure();
  FailureOr<Value> loss =
      nllLoss(n, input, n.input(1), n.hasInput(2) ? n.input(2) : Value());
  if (failed(loss))
    return failure();
  n.setOutput(0, *loss);
  return success();
}

LogicalResult importSoftmaxCrossEntropy(NodeImporter &n) {
  Value scores = n.input(0);
  if (failed(n.requireFloat(0)))
    return failure();
  if (rankOf(scores) < 2)
    return n.unsupported("expects scores N x C x ...");
  Value logProb = LogSoftmaxOp::create(n.b, n.loc, tensorTypeOf(scores),
                                       scores, n.b.getI64IntegerAttr(1));
  FailureOr<Value> loss =
      nllLoss(n, logProb, n.input(1), n.hasInput(2) ? n.input(2) : Value());
  if (failed(loss))
    return failure();
  n.setOutput(0, *loss);
  n.setOutput(1, logProb);
  return success();
}

} // namespace

void registerLossOps(HandlerMap &map) {
  map["NegativeLogLikelihoodLoss"] = importNLL;
  map["SoftmaxCrossEntropyLoss"] = importSoftmaxCrossEntropy;
}

} // namespace onnx_import
} // namespace loom
