//===- TtCompress.cpp - dense layers as tensor trains ---------------------===//
//
// --loom-tt-compress: a loom.linear (or loom.matmul by a 2-D constant) whose
// weight is a constant becomes a loom.contract of the input with the cores of
// the weight's tensor-train (MPO) decomposition. The weight [O, I] is viewed
// as [o1..od, i1..id] (O and I factorized as evenly as possible, or as the
// `modes` option says), its dimensions paired as [(o1 i1), ..., (od id)] and
// decomposed by TT-SVD (lib/compression) under a rank cap and/or a relative
// Frobenius error tolerance. The contraction passes then order the network.
// Each layer gets a remark with its shapes, ranks, parameter counts and
// error; a layer the train would not make smaller stays dense.
//
//===----------------------------------------------------------------------===//
#include "loom/compression/TensorTrain.h"
#include "loom/dialect/ConstantData.h"
#include "loom/dialect/LoomOps.h"
#include "loom/passes/Passes.h"

#include "mlir/IR/Builders.h"
#include "llvm/Support/FormatVariadic.h"

#include <cstring>

namespace loom {
#define GEN_PASS_DEF_LOOMTTCOMPRESS
#include "passes/Passes.h.inc"
} // namespace loom

using namespace mlir;
using namespace loom;

namespace {

/// A layer y = x W^T (+ b) with a constant weight, W as out x in.
struct DenseLayer {
  Operation *op;
  Value input, bias;
  int64_t outFeatures, inFeatures;
  std::vector<double> weight; // row-major [out, in]
};

std::optional<std::vector<float>> constantFloats(Value v) {
  auto constant = v.getDefiningOp<ConstantOp>();
  if (!constant)
    return std::nullopt;
  ElementsAttr attr = constant.getValue();
  if (!attr.getElementType().isF32())
    return std::nullopt;
  std::vector<char> bytes;
  if (failed(getConstantBytes(attr, bytes)))
    return std::nullopt;
  std::vector<float> values(bytes.size() / sizeof(float));
  std::memcpy(values.data(), bytes.data(), values.size() * sizeof(float));
  return values;
}

std::optional<DenseLayer> matchLayer(Operation *op) {
  DenseLayer layer;
  layer.op = op;
  if (auto linear = dyn_cast<LinearOp>(op)) {
    std::optional<std::vector<float>> w = constantFloats(linear.getWeight());
    if (!w)
      return std::nullopt;
    auto shape = cast<RankedTensorType>(linear.getWeight().getType()).getShape();
    layer.input = linear.getInput();
    layer.bias = linear.getBias();
    layer.outFeatures = shape[0];
    layer.inFeatures = shape[1];
    layer.weight.assign(w->begin(), w->end());
    return layer;
  }
  if (auto matmul = dyn_cast<MatmulOp>(op)) {
    auto rhsType = cast<RankedTensorType>(matmul.getRhs().getType());
    auto lhsType = cast<RankedTensorType>(matmul.getLhs().getType());
    if (rhsType.getRank() != 2 || lhsType.getRank() < 2)
      return std::nullopt;
    std::optional<std::vector<float>> w = constantFloats(matmul.getRhs());
    if (!w)
      return std::nullopt;
    int64_t in = rhsType.getDimSize(0), out = rhsType.getDimSize(1);
    layer.input = matmul.getLhs();
    layer.outFeatures = out;
    layer.inFeatures = in;
    layer.weight.resize(out * in);
    for (int64_t i = 0; i < in; ++i)
      for (int64_t o = 0; o < out; ++o)
        layer.weight[o * in + i] = (*w)[i * out + o];
    return layer;
  }
  return std::nullopt;
}

std::string joined(ArrayRef<int64_t> values, StringRef sep) {
  std::string s;
  for (auto [i, v] : llvm::enumerate(values))
    s += (i ? sep.str() : "") + std::to_string(v);
  return s;
}

struct LoomTtCompressPass
    : public loom::impl::LoomTtCompressBase<LoomTtCompressPass> {
  using LoomTtCompressBase::LoomTtCompressBase;

  void runOnOperation() override {
    if (rank <= 0 && tolerance <= 0) {
      getOperation().emitError()
          << "--loom-tt-compress needs rank=R (> 0) and/or tol=EPS (> 0)";
      return signalPassFailure();
    }
    if (outModes.size() != inModes.size() || outModes.size() == 1 ||
        llvm::any_of(outModes, [](int64_t m) { return m < 1; }) ||
        llvm::any_of(inModes, [](int64_t m) { return m < 1; })) {
      getOperation().emitError()
          << "--loom-tt-compress: out-modes and in-modes must be given "
             "together, with the same number (>= 2) of positive modes";
      return signalPassFailure();
    }
    if (cores < 0 || cores == 1) {
      getOperation().emitError() << "--loom-tt-compress: cores must be 0 "
                                    "(automatic) or at least 2, got "
                                 << static_cast<int64_t>(cores);
      return signalPassFailure();
    }
    SmallVector<Operation *> ops;
    getOperation().walk([&](Operation *op) {
      if (isa<LinearOp, MatmulOp>(op))
        ops.push_back(op);
    });
    for (Operation *op : ops)
      if (std::optional<DenseLayer> layer = matchLayer(op))
        compress(*layer);
  }

  /// Splits O and I into the same number of factors (cores), or none.
  std::pair<std::vector<int64_t>, std::vector<int64_t>>
  factorize(int64_t out, int64_t in) {
    if (!outModes.empty()) {
      auto product = [](ArrayRef<int64_t> v) {
        int64_t p = 1;
        for (int64_t x : v)
          p *= x;
        return p;
      };
      if (product(outModes) != out || product(inModes) != in)
        return {};
      return {std::vector<int64_t>(outModes.begin(), outModes.end()),
              std::vector<int64_t>(inModes.begin(), inModes.end())};
    }
    SmallVector<int> counts;
    if (cores > 0)
      counts.push_back(cores);
    else
      counts = {4, 3, 2};
    for (int d : counts) {
      std::vector<int64_t> o = compression::balancedFactors(out, d);
      std::vector<int64_t> i = compression::balancedFactors(in, d);
      if (!o.empty() && !i.empty())
        return {o, i};
    }
    return {};
  }

  void compress(DenseLayer &layer) {
    Operation *op = layer.op;
    int64_t out = layer.outFeatures, in = layer.inFeatures;
    if (out * in < minElements)
      return;
    auto [outFactors, inFactors] = factorize(out, in);
    if (outFactors.empty()) {
      if (!this->outModes.empty())
        op->emitRemark() << "tt-compress: weight " << out << "x" << in
                         << " kept dense (the modes given multiply to "
                            "other sizes)";
      else
        op->emitRemark() << "tt-compress: weight " << out << "x" << in
                         << " kept dense (its dimensions do not factor into "
                         << (cores > 0 ? static_cast<int64_t>(cores) : 2)
                         << " modes)";
      return;
    }
    const int d = outFactors.size();
    // W[o1..od, i1..id] permuted to [(o1 i1), ..., (od id)].
    std::vector<int64_t> modes(d);
    for (int k = 0; k < d; ++k)
      modes[k] = outFactors[k] * inFactors[k];
    std::vector<double> paired(out * in);
    std::vector<int64_t> oIdx(d), iIdx(d);
    for (int64_t o = 0; o < out; ++o) {
      for (int64_t r = o, k = d - 1; k >= 0; --k) {
        oIdx[k] = r % outFactors[k];
        r /= outFactors[k];
      }
      for (int64_t i = 0; i < in; ++i) {
        for (int64_t r = i, k = d - 1; k >= 0; --k) {
          iIdx[k] = r % inFactors[k];
          r /= inFactors[k];
        }
        int64_t flat = 0;
        for (int k = 0; k < d; ++k)
          flat = (flat * outFactors[k] + oIdx[k]) * inFactors[k] + iIdx[k];
        paired[flat] = layer.weight[o * in + i];
      }
    }
    compression::TensorTrain tt =
        compression::decompose(paired, modes, rank, tolerance);
    std::string shapes = llvm::formatv(
        "weight {0}x{1} as modes [{2}] x [{3}], ranks [{4}]", out, in,
        joined(outFactors, ","), joined(inFactors, ","),
        joined(ArrayRef<int64_t>(tt.ranks).slice(1, d - 1), ","));
    if (tt.parameters() >= out * in) {
      op->emitRemark() << "tt-compress: " << shapes
                       << " kept dense: the train would have "
                       << tt.parameters() << " parameters, the weight has "
                       << out * in;
      return;
    }
    op->emitRemark() << "tt-compress: " << shapes << ": " << out * in
                     << " -> " << tt.parameters() << " parameters ("
                     << llvm::formatv("{0:F1}", double(out * in) / tt.parameters())
                     << "x fewer), relative Frobenius error "
                     << llvm::formatv("{0:E2}", tt.relativeError);
    rewrite(layer, outFactors, inFactors, tt);
  }

  void rewrite(DenseLayer &layer, ArrayRef<int64_t> outFactors,
               ArrayRef<int64_t> inFactors, const compression::TensorTrain &tt) {
    Operation *op = layer.op;
    OpBuilder b(op);
    Location loc = op->getLoc();
    const int d = outFactors.size();
    auto inType = cast<RankedTensorType>(layer.input.getType());
    Type f32 = b.getF32Type();
    ArrayRef<int64_t> batch = inType.getShape().drop_back();

    // x [..., I] -> [..., i1..id]
    SmallVector<int64_t> xShape(batch);
    llvm::append_range(xShape, inFactors);
    Value x = ReshapeOp::create(b, loc, RankedTensorType::get(xShape, f32),
                                layer.input);
    std::string xTerm, outTerm;
    for (size_t k = 0; k < batch.size(); ++k)
      xTerm += "{b" + std::to_string(k) + "}";
    outTerm = xTerm;
    SmallVector<Value> operands{x};
    std::string spec;
    for (int k = 0; k < d; ++k) {
      std::string o = "{o" + std::to_string(k) + "}",
                  i = "{i" + std::to_string(k) + "}";
      xTerm += i;
      outTerm += o;
      // Core k as [r(k-1)?, o_k, i_k, r_k?] (the unit end ranks dropped).
      SmallVector<int64_t> shape;
      std::string term;
      if (k > 0) {
        shape.push_back(tt.ranks[k]);
        term += "{r" + std::to_string(k) + "}";
      }
      shape.append({outFactors[k], inFactors[k]});
      term += o + i;
      if (k + 1 < d) {
        shape.push_back(tt.ranks[k + 1]);
        term += "{r" + std::to_string(k + 1) + "}";
      }
      std::vector<float> values(tt.cores[k].begin(), tt.cores[k].end());
      ArrayRef<char> bytes(reinterpret_cast<const char *>(values.data()),
                           values.size() * sizeof(float));
      auto type = RankedTensorType::get(shape, f32);
      operands.push_back(
          ConstantOp::create(b, loc, makeConstantAttr(type, bytes)));
      spec += "," + term;
    }
    spec = xTerm + spec + "->" + outTerm;
    SmallVector<int64_t> yShape(batch);
    llvm::append_range(yShape, outFactors);
    Value y = ContractOp::create(b, loc, RankedTensorType::get(yShape, f32),
                                 b.getStringAttr(spec), operands);
    auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
    y = ReshapeOp::create(b, loc, resultType, y);
    if (layer.bias)
      y = AddOp::create(b, loc, resultType, y, layer.bias);
    op->getResult(0).replaceAllUsesWith(y);
    op->erase();
  }
};

} // namespace
