//===- ElementwiseOps.cpp - ONNX elementwise operators --------------------===//
//
// Arithmetic, comparisons, logic, casts and activations. Most activations
// are short compositions of loom ops (LeakyRelu = select(x < 0, a*x, x),
// Clip = min(max(x, lo), hi), ...).
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

#include <limits>

using namespace mlir;

namespace loom {
namespace onnx_import {

namespace {

bool isFloat(Value v) { return isa<FloatType>(elementTypeOf(v)); }

/// Registers a handler building `OpTy` on input 0 for `name`.
template <typename OpTy>
void addUnary(HandlerMap &map, StringRef name) {
  map[name] = [](NodeImporter &n) -> LogicalResult {
    Value x = n.input(0);
    bool intOk = std::is_same_v<OpTy, NegOp> || std::is_same_v<OpTy, AbsOp> ||
                 std::is_same_v<OpTy, ReluOp>;
    if (!intOk && failed(n.requireFloat(0)))
      return failure();
    if (failed(n.requireNumeric(0)))
      return failure();
    n.setOutput(0, n.unary<OpTy>(x));
    return success();
  };
}

template <typename OpTy> void addBinary(HandlerMap &map, StringRef name) {
  map[name] = [](NodeImporter &n) -> LogicalResult {
    Value a = n.input(0), b = n.input(1);
    if (failed(n.requireNumeric(0)))
      return failure();
    n.setOutput(0, n.binary<OpTy>(a, b));
    return success();
  };
}

ComparePredicate predicateOf(StringRef opType) {
  if (opType == "Equal")
    return ComparePredicate::eq;
  if (opType == "Less")
    return ComparePredicate::lt;
  if (opType == "LessOrEqual")
    return ComparePredicate::le;
  if (opType == "Greater")
    return ComparePredicate::gt;
  return ComparePredicate::ge;
}

LogicalResult importCompare(NodeImporter &n) {
  Value a = n.input(0), b = n.input(1);
  // libonnx 1.12's shape inference does not check that the operands of
  // GreaterOrEqual/LessOrEqual (function ops) broadcast.
  if (!broadcastShapes({shapeOf(a), shapeOf(b)}))
    return n.unsupported("the operands' shapes " + formatShape(shapeOf(a)) +
                         " and " + formatShape(shapeOf(b)) +
                         " do not broadcast");
  n.setOutput(0, n.compare(predicateOf(n.node.opType), a, b));
  return success();
}

/// Variadic Sum/Mean/Max/Min: folds the inputs pairwise.
LogicalResult importVariadic(NodeImporter &n) {
  const std::string &op = n.node.opType;
  Value acc = n.input(0);
  if (failed(n.requireNumeric(0)))
    return failure();
  for (size_t i = 1; i < n.numInputs(); ++i) {
    Value v = n.input(i);
    if (op == "Sum" || op == "Mean")
      acc = n.add(acc, v);
    else if (op == "Max")
      acc = n.max(acc, v);
    else
      acc = n.min(acc, v);
  }
  if (op == "Mean") {
    if (failed(n.requireFloat(0)))
      return failure();
    acc = n.mulScalar(acc, 1.0 / static_cast<double>(n.numInputs()));
  }
  n.setOutput(0, acc);
  return success();
}

LogicalResult importPow(NodeImporter &n) {
  Value base = n.input(0), exponent = n.input(1);
  if (failed(n.requireNumeric(0)) || failed(n.requireNumeric(1)))
    return failure();
  Type et = elementTypeOf(base);
  if (isa<FloatType>(et)) {
    n.setOutput(0, n.pow(base, n.cast(exponent, et)));
    return success();
  }
  // Integer powers: computed in f32 and rounded back (exact while the
  // result fits f32's 24-bit mantissa).
  Type f32 = n.b.getF32Type();
  Value r = n.pow(n.cast(base, f32), n.cast(exponent, f32));
  n.setOutput(0, n.cast(n.unary<RoundOp>(r), et));
  return success();
}

/// ONNX Mod: integer remainder with the sign of the divisor (fmod = 0) or
/// of the dividend (fmod = 1, C's fmod; required for floats).
LogicalResult importMod(NodeImporter &n) {
  Value a = n.input(0), b = n.input(1);
  if (failed(n.requireNumeric(0)))
    return failure();
  bool fmod = n.attrInt("fmod", 0) != 0;
  if (isFloat(a)) {
    if (!fmod)
      return n.unsupported("fmod = 0 is not defined for floats");
    Value q = n.div(a, b);
    Value zero = n.splat(elementTypeOf(q), 0);
    Value trunc = n.select(n.compare(ComparePredicate::lt, q, zero),
                           n.unary<CeilOp>(q), n.unary<FloorOp>(q));
    n.setOutput(0, n.sub(a, n.mul(trunc, b)));
    return success();
  }
  Value r = n.sub(a, n.mul(n.div(a, b), b)); // truncating division
  if (!fmod) {
    Value zero = n.splat(elementTypeOf(r), 0);
    Value rNeg = n.compare(ComparePredicate::lt, r, zero);
    Value bNeg = n.compare(ComparePredicate::lt, b, zero);
    Value signsDiffer = n.compare(ComparePredicate::ne, rNeg, bNeg);
    Value nonzero = n.compare(ComparePredicate::ne, r, zero);
    Value fix = n.select(nonzero, signsDiffer, n.splat(n.b.getI1Type(), 0));
    r = n.select(fix, n.add(r, b), r);
  }
  n.setOutput(0, r);
  return success();
}

LogicalResult importLogical(NodeImporter &n) {
  Value a = n.input(0), b = n.input(1);
  const std::string &op = n.node.opType;
  Value r;
  if (op == "And")
    r = n.select(a, b, n.splat(n.b.getI1Type(), 0));
  else if (op == "Or")
    r = n.select(a, n.splat(n.b.getI1Type(), 1), b);
  else
    r = n.compare(ComparePredicate::ne, a, b);
  n.setOutput(0, n.broadcastTo(r, shapeOf(r)));
  return success();
}

LogicalResult importNot(NodeImporter &n) {
  Value x = n.input(0);
  n.setOutput(0, n.compare(ComparePredicate::eq, x,
                           n.splat(n.b.getI1Type(), 0)));
  return success();
}

LogicalResult importCast(NodeImporter &n) {
  DType to = n.node.opType == "CastLike"
                 ? n.inputDType(1)
                 : static_cast<DType>(n.attrInt("to", 0));
  Type et = n.elementType(to);
  if (!et)
    return n.unsupported(std::string("casting to ") +
                         onnx_model::dtypeName(to) + " is not supported");
  n.setOutput(0, n.cast(n.input(0), et));
  return success();
}

LogicalResult importIdentity(NodeImporter &n) {
  if (const Tensor *t = n.constInput(0)) {
    n.setConstOutput(0, *t);
    return success();
  }
  n.setOutput(0, n.input(0));
  return success();
}

LogicalResult importReciprocal(NodeImporter &n) {
  Value x = n.input(0);
  if (failed(n.requireFloat(0)))
    return failure();
  n.setOutput(0, n.div(n.splat(elementTypeOf(x), 1.0), x));
  return success();
}

LogicalResult importSign(NodeImporter &n) {
  Value x = n.input(0);
  if (failed(n.requireNumeric(0)))
    return failure();
  Type et = elementTypeOf(x);
  Value zero = n.splat(et, 0);
  Value pos = n.cast(n.compare(ComparePredicate::gt, x, zero), et);
  Value neg = n.cast(n.compare(ComparePredicate::lt, x, zero), et);
  n.setOutput(0, n.sub(pos, neg));
  return success();
}

LogicalResult importIsNaN(NodeImporter &n) {
  Value x = n.input(0);
  if (failed(n.requireFloat(0)))
    return failure();
  n.setOutput(0, n.compare(ComparePredicate::ne, x, x));
  return success();
}

LogicalResult importIsInf(NodeImporter &n) {
  Value x = n.input(0);
  if (failed(n.requireFloat(0)))
    return failure();
  Type et = elementTypeOf(x);
  double inf = std::numeric_limits<double>::infinity();
  Value pos = n.compare(ComparePredicate::eq, x, n.splat(et, inf));
  Value neg = n.compare(ComparePredicate::eq, x, n.splat(et, -inf));
  Value no = n.splat(n.b.getI1Type(), 0);
  if (!n.attrInt("detect_positive", 1))
    pos = n.broadcastTo(no, shapeOf(x));
  if (!n.attrInt("detect_negative", 1))
    neg = n.broadcastTo(no, shapeOf(x));
  n.setOutput(0, n.select(pos, n.splat(n.b.getI1Type(), 1), neg));
  return success();
}

//===----------------------------------------------------------------------===//
// Activations
//===----------------------------------------------------------------------===//

LogicalResult importActivation(NodeImporter &n) {
  Value x = n.input(0);
  const std::string &op = n.node.opType;
  if (failed(n.requireFloat(0)))
    return failure();
  Type et = elementTypeOf(x);
  auto c = [&](double v) { return n.splat(et, v); };
  Value zero = c(0);
  Value r;
  if (op == "LeakyRelu") {
    double alpha = n.attrFloat("alpha", 0.01f);
    r = n.select(n.compare(ComparePredicate::lt, x, zero), n.mulScalar(x, alpha),
                 x);
  } else if (op == "Elu") {
    double alpha = n.attrFloat("alpha", 1.0f);
    Value neg = n.mulScalar(n.addScalar(n.unary<ExpOp>(x), -1.0), alpha);
    r = n.select(n.compare(ComparePredicate::lt, x, zero), neg, x);
  } else if (op == "Selu") {
    double alpha = n.attrFloat("alpha", 1.67326319217681884765625f);
    double gamma = n.attrFloat("gamma", 1.05070102214813232421875f);
    Value neg = n.mulScalar(n.addScalar(n.unary<ExpOp>(x), -1.0), alpha);
    r = n.mulScalar(n.select(n.compare(ComparePredicate::le, x, zero), neg, x),
                    gamma);
  } else if (op == "Celu") {
    double alpha = n.attrFloat("alpha", 1.0f);
    Value e = n.mulScalar(
        n.addScalar(n.unary<ExpOp>(n.mulScalar(x, 1.0 / alpha)), -1.0), alpha);
    r = n.add(n.max(x, zero), n.min(e, zero));
  } else if (op == "HardSigmoid") {
    double alpha = n.attrFloat("alpha", 0.2f), beta = n.attrFloat("beta", 0.5f);
    r = n.min(n.max(n.addScalar(n.mulScalar(x, alpha), beta), zero), c(1));
  } else if (op == "HardSwish") {
    Value hs = n.min(n.max(n.addScalar(n.mulScalar(x, 1.0 / 6.0), 0.5), zero),
                     c(1));
    r = n.mul(x, hs);
  } else if (op == "Softsign") {
    r = n.div(x, n.addScalar(n.unary<AbsOp>(x), 1.0));
  } else if (op == "ThresholdedRelu") {
    double alpha = n.attrFloat("alpha", 1.0f);
    r = n.select(n.compare(ComparePredicate::gt, x, c(alpha)), x, zero);
  } else if (op == "Shrink") {
    double lambd = n.attrFloat("lambd", 0.5f), bias = n.attrFloat("bias", 0);
    Value below = n.compare(ComparePredicate::lt, x, c(-lambd));
    Value above = n.compare(ComparePredicate::gt, x, c(lambd));
    r = n.select(below, n.addScalar(x, bias),
                 n.select(above, n.addScalar(x, -bias), zero));
  } else {
    return n.unsupported("unknown activation");
  }
  n.setOutput(0, r);
  return success();
}

LogicalResult importPRelu(NodeImporter &n) {
  Value x = n.input(0), slope = n.input(1);
  if (failed(n.requireNumeric(0)))
    return failure();
  // Old exporters give a per-channel slope [C] for x [N, C, ...]: it
  // broadcasts along dim 1.
  ArrayRef<int64_t> xs = shapeOf(x), ss = shapeOf(slope);
  if (ss.size() == 1 && xs.size() > 2 && ss[0] == xs[1] &&
      !broadcastShapes({xs, ss})) {
    SmallVector<int64_t> shape(xs.size() - 1, 1);
    shape[0] = ss[0];
    slope = n.reshape(slope, shape);
  }
  Value zero = n.splat(elementTypeOf(x), 0);
  Value r = n.select(n.compare(ComparePredicate::lt, x, zero), n.mul(x, slope),
                     x);
  n.setOutput(0, r);
  return success();
}

LogicalResult importClip(NodeImporter &n) {
  Value x = n.input(0);
  if (failed(n.requireNumeric(0)))
    return failure();
  Value r = x;
  if (n.hasInput(1))
    r = n.max(r, n.input(1));
  if (n.hasInput(2))
    r = n.min(r, n.input(2));
  n.setOutput(0, r);
  return success();
}

LogicalResult importWhere(NodeImporter &n) {
  n.setOutput(0, n.select(n.input(0), n.input(1), n.input(2)));
  return success();
}

} // namespace

void registerElementwiseOps(HandlerMap &map) {
  addUnary<AbsOp>(map, "Abs");
  addUnary<NegOp>(map, "Neg");
  addUnary<ReluOp>(map, "Relu");
  addUnary<ExpOp>(map, "Exp");
  addUnary<LogOp>(map, "Log");
  addUnary<SqrtOp>(map, "Sqrt");
  addUnary<TanhOp>(map, "Tanh");
  addUnary<SigmoidOp>(map, "Sigmoid");
  addUnary<ErfOp>(map, "Erf");
  addUnary<SinOp>(map, "Sin");
  addUnary<CosOp>(map, "Cos");
  addUnary<SoftplusOp>(map, "Softplus");
  addUnary<FloorOp>(map, "Floor");
  addUnary<CeilOp>(map, "Ceil");
  addUnary<RoundOp>(map, "Round");
  addUnary<TanOp>(map, "Tan");
  addUnary<AsinOp>(map, "Asin");
  addUnary<AcosOp>(map, "Acos");
  addUnary<AtanOp>(map, "Atan");
  addUnary<SinhOp>(map, "Sinh");
  addUnary<CoshOp>(map, "Cosh");
  addUnary<AsinhOp>(map, "Asinh");
  addUnary<AcoshOp>(map, "Acosh");
  addUnary<AtanhOp>(map, "Atanh");
  addBinary<AddOp>(map, "Add");
  addBinary<SubOp>(map, "Sub");
  addBinary<MulOp>(map, "Mul");
  addBinary<DivOp>(map, "Div");
  for (const char *op :
       {"Equal", "Less", "LessOrEqual", "Greater", "GreaterOrEqual"})
    map[op] = importCompare;
  for (const char *op : {"Sum", "Mean", "Max", "Min"})
    map[op] = importVariadic;
  for (const char *op : {"And", "Or", "Xor"})
    map[op] = importLogical;
  for (const char *op : {"LeakyRelu", "Elu", "Selu", "Celu", "HardSigmoid",
                         "HardSwish", "Softsign", "ThresholdedRelu", "Shrink"})
    map[op] = importActivation;
  map["Pow"] = importPow;
  map["Mod"] = importMod;
  map["Not"] = importNot;
  map["Cast"] = importCast;
  map["CastLike"] = importCast;
  map["Identity"] = importIdentity;
  map["Reciprocal"] = importReciprocal;
  map["Sign"] = importSign;
  map["IsNaN"] = importIsNaN;
  map["IsInf"] = importIsInf;
  map["PRelu"] = importPRelu;
  map["Clip"] = importClip;
  map["Where"] = importWhere;
}

} // namespace onnx_import
} // namespace loom
