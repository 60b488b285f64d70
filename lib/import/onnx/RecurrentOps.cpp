//===- RecurrentOps.cpp - ONNX RNN, GRU and LSTM --------------------------===//
//
// Each direction of a recurrence becomes one loom.scan: the input
// projection X W^T + Wb of every step is one matmul before the loop (the
// scanned sequence, reversed for the reverse direction), and the scan's
// body adds H R^T + Rb and applies the gates, carrying H (and C for the
// LSTM). With sequence_lens a second scanned sequence masks the batch
// elements whose sequence has ended: they keep their state and output
// zeros. The op count does not grow with the sequence length.
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

using namespace mlir;

namespace loom {
namespace onnx_import {

namespace {

struct Activation {
  std::string name;
  double alpha = 0, beta = 0;
};

/// Activation functions as ONNX names them, with their default alpha/beta.
bool knownActivation(const std::string &name, double &alpha, double &beta) {
  static const std::map<std::string, std::pair<double, double>> defaults = {
      {"Sigmoid", {0, 0}},       {"Tanh", {0, 0}},
      {"Relu", {0, 0}},          {"Softsign", {0, 0}},
      {"Softplus", {0, 0}},      {"LeakyRelu", {0.01, 0}},
      {"ThresholdedRelu", {1.0, 0}}, {"ScaledTanh", {1.0, 1.0}},
      {"HardSigmoid", {0.2, 0.5}},   {"Elu", {1.0, 0}},
      {"Affine", {1.0, 0}}};
  auto it = defaults.find(name);
  if (it == defaults.end())
    return false;
  alpha = it->second.first;
  beta = it->second.second;
  return true;
}

bool takesAlpha(const std::string &name) {
  return name == "LeakyRelu" || name == "ThresholdedRelu" ||
         name == "ScaledTanh" || name == "HardSigmoid" || name == "Elu" ||
         name == "Affine";
}

bool takesBeta(const std::string &name) {
  return name == "ScaledTanh" || name == "HardSigmoid" || name == "Affine";
}

Value activate(NodeImporter &n, const Activation &a, Value x) {
  Type et = elementTypeOf(x);
  Value zero = n.splat(et, 0);
  if (a.name == "Sigmoid")
    return n.unary<SigmoidOp>(x);
  if (a.name == "Tanh")
    return n.unary<TanhOp>(x);
  if (a.name == "Relu")
    return n.unary<ReluOp>(x);
  if (a.name == "Softsign")
    return n.div(x, n.addScalar(n.unary<AbsOp>(x), 1.0));
  if (a.name == "Softplus")
    return n.unary<SoftplusOp>(x);
  if (a.name == "LeakyRelu")
    return n.select(n.compare(ComparePredicate::lt, x, zero),
                    n.mulScalar(x, a.alpha), x);
  if (a.name == "ThresholdedRelu")
    return n.select(n.compare(ComparePredicate::gt, x, n.splat(et, a.alpha)),
                    x, zero);
  if (a.name == "ScaledTanh")
    return n.mulScalar(n.unary<TanhOp>(n.mulScalar(x, a.beta)), a.alpha);
  if (a.name == "HardSigmoid")
    return n.min(n.max(n.addScalar(n.mulScalar(x, a.alpha), a.beta), zero),
                 n.splat(et, 1.0));
  if (a.name == "Elu")
    return n.select(n.compare(ComparePredicate::lt, x, zero),
                    n.mulScalar(n.addScalar(n.unary<ExpOp>(x), -1.0), a.alpha),
                    x);
  // Affine.
  return n.addScalar(n.mulScalar(x, a.alpha), a.beta);
}

enum class Cell { RNN, GRU, LSTM };

/// Rows [k*h, (k+1)*h) of a [rows, ...] tensor (gate k).
Value gate(NodeImporter &n, Value v, int64_t k, int64_t h, int64_t axis) {
  return n.sliceAxis(v, axis, k * h, (k + 1) * h);
}

/// Direction `d` of a [dirs, ...] tensor, without the leading dim.
Value direction(NodeImporter &n, Value v, int64_t d) {
  Value s = n.sliceAxis(v, 0, d, d + 1);
  return n.reshape(s, shapeOf(v).drop_front());
}

LogicalResult importRecurrent(NodeImporter &n) {
  Cell cell = n.node.opType == "RNN"   ? Cell::RNN
              : n.node.opType == "GRU" ? Cell::GRU
                                       : Cell::LSTM;
  int64_t gates = cell == Cell::RNN ? 1 : cell == Cell::GRU ? 3 : 4;
  Value x = n.input(0);
  if (failed(n.requireFloat(0)))
    return failure();
  // X [seq, batch, input] (or batch first), W [dirs, gates*hidden, input],
  // R [dirs, gates*hidden, hidden]: ranks first, shapes read below.
  for (auto [i, name] : {std::pair<unsigned, const char *>{0, "X"},
                         {1, "W"},
                         {2, "R"}})
    if (rankOf(n.input(i)) != 3)
      return n.unsupported(std::string(name) + " has shape " +
                           formatShape(shapeOf(n.input(i))) +
                           "; it must have rank 3");
  Type et = elementTypeOf(x);
  bool batchFirst = n.attrInt("layout", 0) != 0;
  if (batchFirst)
    x = n.transpose(x, {1, 0, 2});
  int64_t seq = shapeOf(x)[0], batch = shapeOf(x)[1];
  Value w = n.input(1), r = n.input(2);
  int64_t hidden = n.attrInt("hidden_size", shapeOf(r).back());
  std::string dirAttr = n.attrString("direction", "forward");
  std::vector<bool> reverse;
  if (dirAttr == "forward")
    reverse = {false};
  else if (dirAttr == "reverse")
    reverse = {true};
  else if (dirAttr == "bidirectional")
    reverse = {false, true};
  else
    return n.unsupported("direction '" + dirAttr + "' is not supported");
  int64_t dirs = reverse.size();
  if (shapeOf(w)[0] != dirs || shapeOf(w)[1] != gates * hidden ||
      shapeOf(w)[2] != shapeOf(x)[2])
    return n.unsupported("W has shape " + formatShape(shapeOf(w)) +
                         ", which does not match hidden_size, direction and "
                         "X's input size " + std::to_string(shapeOf(x)[2]));

  // Activations: one list per direction (f, g, h as the cell needs).
  std::vector<std::string> defaults =
      cell == Cell::RNN   ? std::vector<std::string>{"Tanh"}
      : cell == Cell::GRU ? std::vector<std::string>{"Sigmoid", "Tanh"}
                          : std::vector<std::string>{"Sigmoid", "Tanh", "Tanh"};
  std::vector<std::string> names;
  if (auto it = n.node.attributes.find("activations");
      it != n.node.attributes.end())
    names = it->second.strings;
  if (names.empty())
    for (int64_t d = 0; d < dirs; ++d)
      names.insert(names.end(), defaults.begin(), defaults.end());
  if (names.size() != defaults.size() * dirs)
    return n.unsupported("expected " +
                         std::to_string(defaults.size() * dirs) +
                         " activations");
  std::vector<float> alphas = n.attrFloats("activation_alpha"),
                     betas = n.attrFloats("activation_beta");
  std::vector<Activation> acts;
  size_t ai = 0, bi = 0;
  for (const std::string &name : names) {
    Activation a{name};
    if (!knownActivation(name, a.alpha, a.beta))
      return n.unsupported("activation '" + name + "' is not supported");
    if (takesAlpha(name) && ai < alphas.size())
      a.alpha = alphas[ai++];
    if (takesBeta(name) && bi < betas.size())
      a.beta = betas[bi++];
    acts.push_back(a);
  }
  bool hasClip = n.hasAttr("clip");
  double clip = n.attrFloat("clip", 0);
  bool linearBeforeReset = n.attrInt("linear_before_reset", 0) != 0;
  bool inputForget = n.attrInt("input_forget", 0) != 0;

  // Optional inputs.
  Value bias = n.hasInput(3) ? n.input(3) : Value();
  Value seqLens = n.hasInput(4) ? n.input(4) : Value();
  Value initH = n.hasInput(5) ? n.input(5) : Value();
  Value initC = cell == Cell::LSTM && n.hasInput(6) ? n.input(6) : Value();
  Value peep = cell == Cell::LSTM && n.hasInput(7) ? n.input(7) : Value();
  // Every optional input's shape, as the ONNX spec gives it (initial
  // states before the layout's transpose).
  auto requireShape = [&](unsigned i, const char *name,
                          SmallVector<int64_t> expected) -> LogicalResult {
    if (!n.hasInput(i) || shapeOf(n.input(i)) == ArrayRef<int64_t>(expected))
      return success();
    return n.unsupported(std::string(name) + " has shape " +
                         formatShape(shapeOf(n.input(i))) + "; expected " +
                         formatShape(expected));
  };
  int64_t stateBatch = batch;
  SmallVector<int64_t> stateShape =
      batchFirst ? SmallVector<int64_t>{stateBatch, dirs, hidden}
                 : SmallVector<int64_t>{dirs, stateBatch, hidden};
  if (failed(requireShape(2, "R", {dirs, gates * hidden, hidden})) ||
      failed(requireShape(3, "B", {dirs, 2 * gates * hidden})) ||
      failed(requireShape(4, "sequence_lens", {batch})) ||
      failed(requireShape(5, "initial_h", stateShape)) ||
      (cell == Cell::LSTM &&
       (failed(requireShape(6, "initial_c", stateShape)) ||
        failed(requireShape(7, "P", {dirs, 3 * hidden})))))
    return failure();
  if (initH && batchFirst)
    initH = n.transpose(initH, {1, 0, 2});
  if (initC && batchFirst)
    initC = n.transpose(initC, {1, 0, 2});
  if (seqLens) {
    if (const Tensor *lens = n.constInput(4)) {
      bool full = llvm::all_of(hostInts(*lens),
                               [&](int64_t l) { return l == seq; });
      if (full)
        seqLens = Value();
    }
    if (seqLens && dirs > 0 && llvm::is_contained(reverse, true))
      return n.unsupported("sequence_lens with the reverse direction is not "
                           "supported");
  }

  auto clipped = [&](Value v) {
    if (!hasClip)
      return v;
    return n.min(n.max(v, n.splat(et, -clip)), n.splat(et, clip));
  };

  SmallVector<Value> ys, hs, cs;
  for (int64_t d = 0; d < dirs; ++d) {
    const Activation *f = &acts[d * defaults.size()];
    Value wd = direction(n, w, d), rd = direction(n, r, d);
    Value rdT = n.transpose(rd, {1, 0});
    // [seq, batch, gates*hidden]: the input projection of every step.
    Value xw = n.matmul(x, n.transpose(wd, {1, 0}));
    Value rb;
    if (bias) {
      Value bd = direction(n, bias, d);
      xw = n.add(xw, n.sliceAxis(bd, 0, 0, gates * hidden));
      rb = n.sliceAxis(bd, 0, gates * hidden, 2 * gates * hidden);
    }
    Value h = initH ? direction(n, initH, d)
                    : n.splat(et, 0, {batch, hidden});
    Value c = cell == Cell::LSTM
                  ? (initC ? direction(n, initC, d)
                           : n.splat(et, 0, {batch, hidden}))
                  : Value();
    // GRU without linear_before_reset: (r * H) R_h^T, R_h^T hoisted.
    Value rhT = cell == Cell::GRU && !linearBeforeReset
                    ? n.transpose(gate(n, rd, 2, hidden, 0), {1, 0})
                    : Value();
    Value pi, po, pf;
    if (peep) {
      Value pd = direction(n, peep, d);
      pi = gate(n, pd, 0, hidden, 0);
      po = gate(n, pd, 1, hidden, 0);
      pf = gate(n, pd, 2, hidden, 0);
    }
    // The scanned sequences: every step's input projection, then (with
    // sequence_lens) whether each batch element is still live at the step.
    SmallVector<Value> seqs{xw};
    if (seqLens) {
      Type lt = elementTypeOf(seqLens);
      Value steps = n.iota(lt, seq, 0, 2);        // [seq, 1]
      Value lens = n.reshape(seqLens, {1, batch}); // [1, batch]
      seqs.push_back(n.reshape(n.compare(ComparePredicate::gt, lens, steps),
                               {seq, batch, 1}));
    }
    if (reverse[d])
      seqs[0] = n.reverse(seqs[0], 0);
    SmallVector<Value> inits{h};
    if (c)
      inits.push_back(c);
    auto stateType = RankedTensorType::get({batch, hidden}, et);
    SmallVector<Type> resultTypes(inits.size(), stateType);
    resultTypes.push_back(RankedTensorType::get({seq, batch, hidden}, et));
    auto scan = ScanOp::create(n.b, n.loc, resultTypes, inits, seqs);
    Block *block = &scan.getBody().emplaceBlock();
    for (Value v : inits)
      block->addArgument(v.getType(), n.loc);
    for (Value v : seqs)
      block->addArgument(
          RankedTensorType::get(shapeOf(v).drop_front(), elementTypeOf(v)),
          n.loc);
    {
      OpBuilder::InsertionGuard guard(n.b);
      n.b.setInsertionPointToStart(block);
      h = block->getArgument(0);
      c = c ? block->getArgument(1) : Value();
      Value xt = block->getArgument(inits.size());
      Value hr = n.matmul(h, rdT);
      Value hNew, cNew;
      if (cell == Cell::RNN) {
        Value pre = n.add(xt, hr);
        if (rb)
          pre = n.add(pre, rb);
        hNew = activate(n, f[0], clipped(pre));
      } else if (cell == Cell::GRU) {
        // Gate order z, r, h.
        auto part = [&](Value v, int64_t k) { return gate(n, v, k, hidden, 1); };
        auto rbPart = [&](int64_t k) {
          return gate(n, rb, k, hidden, 0);
        };
        Value zPre = n.add(part(xt, 0), part(hr, 0));
        Value rPre = n.add(part(xt, 1), part(hr, 1));
        if (rb) {
          zPre = n.add(zPre, rbPart(0));
          rPre = n.add(rPre, rbPart(1));
        }
        Value z = activate(n, f[0], clipped(zPre));
        Value rg = activate(n, f[0], clipped(rPre));
        Value hPre;
        if (linearBeforeReset) {
          Value hh = part(hr, 2);
          if (rb)
            hh = n.add(hh, rbPart(2));
          hPre = n.add(part(xt, 2), n.mul(rg, hh));
        } else {
          Value rh = n.matmul(n.mul(rg, h), rhT);
          hPre = n.add(part(xt, 2), rh);
          if (rb)
            hPre = n.add(hPre, rbPart(2));
        }
        Value hc = activate(n, f[1], clipped(hPre));
        Value one = n.splat(et, 1.0);
        hNew = n.add(n.mul(n.sub(one, z), hc), n.mul(z, h));
      } else {
        // Gate order i, o, f, c.
        Value pre = n.add(xt, hr);
        if (rb)
          pre = n.add(pre, rb);
        auto part = [&](int64_t k) { return gate(n, pre, k, hidden, 1); };
        Value iPre = part(0), oPre = part(1), fPre = part(2), cPre = part(3);
        if (peep) {
          iPre = n.add(iPre, n.mul(pi, c));
          fPre = n.add(fPre, n.mul(pf, c));
        }
        Value ig = activate(n, f[0], clipped(iPre));
        Value fg = inputForget ? n.sub(n.splat(et, 1.0), ig)
                               : activate(n, f[0], clipped(fPre));
        Value cg = activate(n, f[1], clipped(cPre));
        cNew = n.add(n.mul(fg, c), n.mul(ig, cg));
        if (peep)
          oPre = n.add(oPre, n.mul(po, cNew));
        Value og = activate(n, f[0], clipped(oPre));
        hNew = n.mul(og, activate(n, f[2], cNew));
      }
      Value y = hNew;
      if (seqLens) {
        // Batch elements whose sequence ended keep their state.
        Value live = block->getArgument(inits.size() + 1);
        hNew = n.select(live, hNew, h);
        if (cNew)
          cNew = n.select(live, cNew, c);
        y = n.select(live, hNew, n.splat(et, 0));
      }
      SmallVector<Value> yields{hNew};
      if (cNew)
        yields.push_back(cNew);
      yields.push_back(y);
      YieldOp::create(n.b, n.loc, yields);
      }
    h = scan.getResult(0);
    c = c ? scan.getResult(1) : Value();
    Value stacked = scan.getResults().back();
    if (reverse[d])
      stacked = n.reverse(stacked, 0);
    ys.push_back(n.reshape(stacked, {seq, 1, batch, hidden}));
    hs.push_back(n.reshape(h, {1, batch, hidden}));
    if (c)
      cs.push_back(n.reshape(c, {1, batch, hidden}));
  }
  if (n.hasOutput(0)) {
    Value y = n.concat(ys, 1); // [seq, dirs, batch, hidden]
    if (batchFirst)
      y = n.transpose(y, {2, 0, 1, 3});
    n.setOutput(0, y);
  }
  auto stateOutput = [&](size_t i, ArrayRef<Value> parts) {
    if (!n.hasOutput(i))
      return;
    Value v = n.concat(parts, 0); // [dirs, batch, hidden]
    if (batchFirst)
      v = n.transpose(v, {1, 0, 2});
    n.setOutput(i, v);
  };
  stateOutput(1, hs);
  if (cell == Cell::LSTM)
    stateOutput(2, cs);
  return success();
}

} // namespace

void registerRecurrentOps(HandlerMap &map) {
  map["RNN"] = importRecurrent;
  map["GRU"] = importRecurrent;
  map["LSTM"] = importRecurrent;
}

} // namespace onnx_import
} // namespace loom
