//===- Problem.cpp - Internal view of a (sub)network ----------------------===//
//
// Part of Loom's tensor-network contraction library (LoomContraction).
//
//===----------------------------------------------------------------------===//
#include "Problem.h"

#include <algorithm>
#include <cmath>

using namespace loom::contraction;
using namespace loom::contraction::detail;

void detail::mergeLegs(const Problem &p, const Legs &a, const Legs &b,
                       Merge &out) {
  out.legs.clear();
  out.volume = 1;
  out.size = 1;
  out.sums = false;
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    Leg leg;
    if (j == b.size() || (i < a.size() && a[i].idx < b[j].idx)) {
      leg = a[i++];
    } else if (i == a.size() || b[j].idx < a[i].idx) {
      leg = b[j++];
    } else {
      leg = {a[i].idx, a[i].count + b[j].count};
      ++i;
      ++j;
    }
    double s = p.size[leg.idx];
    out.volume *= s;
    if (!p.external[leg.idx] && leg.count >= p.total[leg.idx]) {
      out.sums = true;
      continue;
    }
    out.size *= s;
    out.legs.push_back(leg);
  }
}

double detail::mergedSize(const Problem &p, const Legs &a, const Legs &b) {
  double size = 1;
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (j == b.size() || (i < a.size() && a[i].idx < b[j].idx)) {
      size *= p.size[a[i++].idx];
    } else if (i == a.size() || b[j].idx < a[i].idx) {
      size *= p.size[b[j++].idx];
    } else {
      uint32_t idx = a[i].idx;
      if (p.external[idx] || a[i].count + b[j].count < p.total[idx])
        size *= p.size[idx];
      ++i;
      ++j;
    }
  }
  return size;
}

double detail::legsSize(const Problem &p, const Legs &legs) {
  double s = 1;
  for (const Leg &l : legs)
    s *= p.size[l.idx];
  return s;
}

Problem detail::buildNetworkProblem(const Network &network) {
  Problem p;
  size_t m = network.numIndices();
  p.size.resize(m);
  p.total.assign(m, 0);
  p.external.assign(m, 0);
  p.global.resize(m);
  for (size_t i = 0; i < m; ++i) {
    p.size[i] = static_cast<double>(network.sizes[i]);
    p.global[i] = static_cast<IndexId>(i);
  }
  for (IndexId i : network.output)
    p.external[i] = 1;
  // Distinct indices per tensor (repeats are a diagonal).
  std::vector<std::vector<IndexId>> distinct(network.numTensors());
  for (size_t t = 0; t < network.numTensors(); ++t) {
    distinct[t] = network.inputs[t];
    std::sort(distinct[t].begin(), distinct[t].end());
    distinct[t].erase(std::unique(distinct[t].begin(), distinct[t].end()),
                      distinct[t].end());
    for (IndexId i : distinct[t])
      ++p.total[i];
  }
  p.pieces.resize(network.numTensors());
  p.pieceCost.resize(network.numTensors());
  for (size_t t = 0; t < network.numTensors(); ++t) {
    double volume = 1, size = 1;
    bool sums = false;
    for (IndexId i : distinct[t]) {
      volume *= p.size[i];
      if (p.total[i] == 1 && !p.external[i]) {
        sums = true; // only here and not in the output: pre-reduced
        continue;
      }
      size *= p.size[i];
      p.pieces[t].push_back({i, 1});
    }
    if (sums) {
      p.pieceCost[t].flops = stepFlops(volume, true);
      p.pieceCost[t].largestIntermediate = size;
      p.pieceCost[t].totalWrite = size;
    }
  }
  return p;
}

Problem detail::buildSubProblem(const Problem &parent,
                                const std::vector<Legs> &pieces,
                                const std::vector<Cost> &costs) {
  Problem p;
  // Local ids: the distinct parent ids in increasing order, so relabelled
  // legs stay sorted. Pieces are small; sorting beats hashing here.
  std::vector<uint32_t> ids;
  for (const Legs &legs : pieces)
    for (const Leg &l : legs)
      ids.push_back(l.idx);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  size_t m = ids.size();
  p.size.resize(m);
  p.total.assign(m, 0);
  p.global.resize(m);
  p.external.resize(m);
  for (size_t i = 0; i < m; ++i) {
    p.size[i] = parent.size[ids[i]];
    p.global[i] = parent.global[ids[i]];
    p.external[i] = parent.external[ids[i]];
  }
  p.pieces.resize(pieces.size());
  for (size_t j = 0; j < pieces.size(); ++j) {
    Legs &out = p.pieces[j];
    out.reserve(pieces[j].size());
    for (const Leg &l : pieces[j]) {
      uint32_t local = static_cast<uint32_t>(
          std::lower_bound(ids.begin(), ids.end(), l.idx) - ids.begin());
      out.push_back({local, l.count});
      p.total[local] += l.count;
    }
  }
  for (size_t i = 0; i < m; ++i)
    if (p.total[i] < parent.total[ids[i]])
      p.external[i] = 1;
  p.pieceCost = costs;
  return p;
}

Cost detail::evaluateSteps(const Problem &p, const SsaSteps &steps) {
  size_t k = p.numPieces();
  std::vector<Legs> legs(k + steps.size());
  std::vector<Cost> cost(k + steps.size());
  for (size_t j = 0; j < k; ++j) {
    legs[j] = p.pieces[j];
    cost[j] = p.pieceCost[j];
  }
  Merge m;
  for (size_t s = 0; s < steps.size(); ++s) {
    int a = steps[s].first, b = steps[s].second;
    mergeLegs(p, legs[a], legs[b], m);
    legs[k + s] = m.legs;
    cost[k + s] = combineCost(cost[a], cost[b], m.flops(), m.size);
    Legs().swap(legs[a]);
    Legs().swap(legs[b]);
  }
  return steps.empty() ? cost[0] : cost.back();
}

int detail::appendSteps(SsaSteps &out, int &nextNode,
                        const std::vector<int> &pieceNode,
                        const SsaSteps &sub) {
  if (sub.empty())
    return pieceNode[0];
  std::vector<int> node = pieceNode;
  node.reserve(pieceNode.size() + sub.size());
  for (const NodePair &s : sub) {
    out.push_back({node[s.first], node[s.second]});
    node.push_back(nextNode++);
  }
  return node.back();
}

static bool clearlyLess(double a, double b) {
  if (std::isinf(b) && !std::isinf(a))
    return true;
  return a < b - 1e-9 * std::fabs(b);
}

bool detail::clearlyBetter(const CostObjective &objective, const Cost &a,
                           const Cost &b) {
  double sa = objective.score(a), sb = objective.score(b);
  if (clearlyLess(sa, sb))
    return true;
  if (clearlyLess(sb, sa))
    return false;
  if (clearlyLess(a.flops, b.flops))
    return true;
  if (clearlyLess(b.flops, a.flops))
    return false;
  return clearlyLess(a.largestIntermediate, b.largestIntermediate);
}
