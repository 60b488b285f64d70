//===- Partition.cpp - Recursive bisection with METIS ---------------------===//
//
// Part of Loom's tensor-network contraction library (LoomContraction).
//
// The tensors of a part are the vertices of a graph whose edges join tensors
// sharing an index (a hyper-index becomes a clique), weighted by
// log2(bond size) so that METIS's minimum cut is the cheapest set of bonds to
// leave open between the halves. Parts are bisected until they have at most
// `leafSize` tensors; those are solved exactly and the two halves of every
// bisection are contracted last. One tree costs O(n log n) METIS work plus
// the exact solves of the parts.
//
//===----------------------------------------------------------------------===//
#include "Search.h"

#include <metis.h>

#include <algorithm>
#include <cmath>

using namespace loom::contraction;
using namespace loom::contraction::detail;

namespace {

class Bisector {
public:
  Bisector(const Problem &p, const CostObjective &objective,
           const PartitionParams &params, std::mt19937_64 &rng)
      : p_(p), objective_(objective), params_(params), rng_(rng),
        holders_(p.numIndices()), where_(p.numPieces(), -1) {
    for (size_t j = 0; j < p.numPieces(); ++j)
      for (const Leg &l : p.pieces[j])
        holders_[l.idx].push_back(static_cast<int>(j));
  }

  Solution run();

private:
  int build(const std::vector<int> &part);
  int solveLeafPart(const std::vector<int> &part);
  void bisect(const std::vector<int> &part, std::vector<int> &a,
              std::vector<int> &b);

  const Problem &p_;
  const CostObjective &objective_;
  const PartitionParams &params_;
  std::mt19937_64 &rng_;
  std::vector<std::vector<int>> holders_;
  std::vector<int> where_; ///< scratch: position of a piece in the part
  SsaSteps steps_;
  int next_ = 0;
};

} // namespace

int Bisector::solveLeafPart(const std::vector<int> &part) {
  std::vector<Legs> legs;
  std::vector<Cost> costs;
  for (int j : part) {
    legs.push_back(p_.pieces[j]);
    costs.push_back(p_.pieceCost[j]);
  }
  Problem sub = buildSubProblem(p_, legs, costs);
  ExactOptions exact;
  exact.exhaustiveMax = 8;
  exact.deadline = params_.deadline;
  exact.maxEntries = size_t(1) << 18;
  Result<Solution> sol = solveExact(sub, objective_, exact);
  SsaSteps steps = sol ? sol->steps : greedyTree(sub).steps;
  return appendSteps(steps_, next_, part, steps);
}

void Bisector::bisect(const std::vector<int> &part, std::vector<int> &a,
                      std::vector<int> &b) {
  idx_t n = static_cast<idx_t>(part.size());
  for (size_t i = 0; i < part.size(); ++i)
    where_[part[i]] = static_cast<int>(i);
  // Edge list (both directions) with weights, merged per vertex.
  std::vector<std::vector<std::pair<idx_t, idx_t>>> adj(part.size());
  std::uniform_real_distribution<double> noise(1.0 - params_.jitter,
                                               1.0 + params_.jitter);
  std::vector<int> in;
  for (int j : part)
    for (const Leg &l : p_.pieces[j]) {
      const std::vector<int> &h = holders_[l.idx];
      in.clear();
      for (int o : h)
        if (where_[o] >= 0)
          in.push_back(o);
      if (in.size() < 2 || in[0] != j)
        continue; // visit each index once: from its first holder here
      double w = std::log2(p_.size[l.idx]) * 16.0;
      if (params_.jitter > 0)
        w *= noise(rng_);
      idx_t weight = std::max<idx_t>(1, static_cast<idx_t>(std::lround(w)));
      for (size_t x = 0; x < in.size(); ++x)
        for (size_t y = x + 1; y < in.size(); ++y) {
          idx_t u = where_[in[x]], v = where_[in[y]];
          adj[u].push_back({v, weight});
          adj[v].push_back({u, weight});
        }
    }
  std::vector<idx_t> xadj{0}, adjncy, adjwgt;
  for (auto &list : adj) {
    std::sort(list.begin(), list.end());
    for (size_t i = 0; i < list.size(); ++i) {
      if (!adjncy.empty() && i > 0 && list[i].first == list[i - 1].first) {
        adjwgt.back() += list[i].second;
        continue;
      }
      adjncy.push_back(list[i].first);
      adjwgt.push_back(list[i].second);
    }
    xadj.push_back(static_cast<idx_t>(adjncy.size()));
  }
  std::vector<idx_t> side(part.size(), 0);
  bool ok = false;
  if (!adjncy.empty()) {
    idx_t ncon = 1, nparts = 2, cut = 0;
    real_t ub = static_cast<real_t>(1.0 + params_.imbalance);
    idx_t options[METIS_NOPTIONS];
    METIS_SetDefaultOptions(options);
    options[METIS_OPTION_SEED] = params_.seed;
    options[METIS_OPTION_NUMBERING] = 0;
    int status = METIS_PartGraphRecursive(&n, &ncon, xadj.data(), adjncy.data(),
                                          nullptr, nullptr, adjwgt.data(),
                                          &nparts, nullptr, &ub, options, &cut,
                                          side.data());
    ok = status == METIS_OK;
  }
  a.clear();
  b.clear();
  if (ok)
    for (size_t i = 0; i < part.size(); ++i)
      (side[i] == 0 ? a : b).push_back(part[i]);
  if (a.empty() || b.empty()) { // no edges or a degenerate cut: halve
    a.assign(part.begin(), part.begin() + part.size() / 2);
    b.assign(part.begin() + part.size() / 2, part.end());
  }
  for (int j : part)
    where_[j] = -1;
}

int Bisector::build(const std::vector<int> &part) {
  if (part.size() == 1)
    return part[0];
  if (part.size() <= params_.leafSize)
    return solveLeafPart(part);
  std::vector<int> a, b;
  bisect(part, a, b);
  int left = build(a);
  int right = build(b);
  steps_.push_back({left, right});
  return next_++;
}

Solution Bisector::run() {
  next_ = static_cast<int>(p_.numPieces());
  std::vector<int> all(p_.numPieces());
  for (size_t j = 0; j < all.size(); ++j)
    all[j] = static_cast<int>(j);
  build(all);
  Solution sol;
  sol.steps = std::move(steps_);
  sol.cost = evaluateSteps(p_, sol.steps);
  return sol;
}

Solution detail::partitionTree(const Problem &p, const CostObjective &objective,
                               const PartitionParams &params,
                               std::mt19937_64 &rng) {
  Bisector b(p, objective, params, rng);
  return b.run();
}

Solution detail::partitionSearch(const Problem &p,
                                 const CostObjective &objective,
                                 Deadline deadline, std::mt19937_64 &rng,
                                 unsigned leafSize) {
  std::uniform_real_distribution<double> imbalance(0.01, 0.6);
  std::uniform_int_distribution<unsigned> leaves(std::min(4u, leafSize),
                                                 leafSize);
  Solution best;
  bool have = false;
  for (unsigned trial = 0; !have || !deadline.expired(); ++trial) {
    PartitionParams params;
    params.leafSize = trial == 0 ? leafSize : leaves(rng);
    params.imbalance = trial == 0 ? 0.1 : imbalance(rng);
    params.jitter = trial == 0 ? 0.0 : 0.3;
    params.seed = static_cast<int>(rng() & 0x7fffffff);
    params.deadline = deadline;
    Solution sol = partitionTree(p, objective, params, rng);
    if (!have || objective.better(sol.cost, best.cost)) {
      best = std::move(sol);
      have = true;
    }
  }
  return best;
}
