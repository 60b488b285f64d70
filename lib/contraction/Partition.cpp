//===- Partition.cpp - Recursive bisection with METIS ---------------------===//
//
// Part of Loom's tensor-network contraction library (LoomContraction).
//
// The tensors of a part are the vertices of a graph whose edges join tensors
// sharing an index (a hyper-index becomes a clique), weighted by
// log2(bond size) (or 1, a trial parameter) so that METIS's minimum cut is
// the cheapest set of bonds to leave open between the groups. A part is split
// into `parts` groups (recursive bisection inside METIS) until it has at most
// `leafSize` tensors; those are solved exactly, and the group results of every
// split are combined in the best order by the exact search (O(3^parts)).
// One tree costs O(n log n) METIS work plus the exact solves.
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
  /// Solves `pieces` (nodes of the tree being built) exactly and appends the
  /// steps; returns the root node.
  int solveNodes(const std::vector<int> &nodes);
  void split(const std::vector<int> &part, int parts,
             std::vector<std::vector<int>> &groups);

  const Problem &p_;
  const CostObjective &objective_;
  const PartitionParams &params_;
  std::mt19937_64 &rng_;
  std::vector<std::vector<int>> holders_;
  std::vector<int> where_; ///< scratch: position of a piece in the part
  SsaSteps steps_;
  std::vector<Legs> nodeLegs_; ///< legs of every node built so far
  std::vector<Cost> nodeCost_;
  Merge merge_;
};

} // namespace

int Bisector::solveNodes(const std::vector<int> &nodes) {
  std::vector<Legs> legs;
  std::vector<Cost> costs;
  for (int j : nodes) {
    legs.push_back(nodeLegs_[j]);
    costs.push_back(nodeCost_[j]);
  }
  Problem sub = buildSubProblem(p_, legs, costs);
  ExactOptions exact;
  exact.exhaustiveMax = 8;
  exact.deadline = params_.deadline;
  exact.maxEntries = size_t(1) << 18;
  Result<Solution> sol = solveExact(sub, objective_, exact);
  SsaSteps steps = sol ? sol->steps : greedyTree(sub).steps;
  std::vector<int> node = nodes;
  for (const NodePair &s : steps) {
    int a = node[s.first], b = node[s.second];
    mergeLegs(p_, nodeLegs_[a], nodeLegs_[b], merge_);
    nodeCost_.push_back(combineCost(nodeCost_[a], nodeCost_[b],
                                    merge_.flops(), merge_.size));
    nodeLegs_.push_back(merge_.legs);
    steps_.push_back({a, b});
    node.push_back(static_cast<int>(nodeLegs_.size()) - 1);
  }
  return node.back();
}

void Bisector::split(const std::vector<int> &part, int parts,
                     std::vector<std::vector<int>> &groups) {
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
      double w = params_.unitWeights ? 16.0 : std::log2(p_.size[l.idx]) * 16.0;
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
  idx_t nparts = std::min<idx_t>(parts, n);
  if (!adjncy.empty() && nparts >= 2) {
    idx_t ncon = 1, cut = 0;
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
  groups.assign(static_cast<size_t>(std::max<idx_t>(nparts, 2)), {});
  if (ok)
    for (size_t i = 0; i < part.size(); ++i)
      groups[side[i]].push_back(part[i]);
  groups.erase(std::remove_if(groups.begin(), groups.end(),
                              [](const std::vector<int> &g) {
                                return g.empty();
                              }),
               groups.end());
  if (groups.size() < 2) { // no edges or a degenerate cut: halve
    groups.assign(2, {});
    groups[0].assign(part.begin(), part.begin() + part.size() / 2);
    groups[1].assign(part.begin() + part.size() / 2, part.end());
  }
  for (int j : part)
    where_[j] = -1;
}

int Bisector::build(const std::vector<int> &part) {
  if (part.size() == 1)
    return part[0];
  if (part.size() <= params_.leafSize)
    return solveNodes(part);
  std::vector<std::vector<int>> groups;
  int parts = part.size() >= 4 * static_cast<size_t>(params_.parts)
                  ? params_.parts
                  : 2;
  split(part, parts, groups);
  std::vector<int> roots;
  for (const std::vector<int> &g : groups)
    roots.push_back(build(g));
  return solveNodes(roots);
}

Solution Bisector::run() {
  nodeLegs_ = p_.pieces;
  nodeCost_ = p_.pieceCost;
  std::vector<int> all(p_.numPieces());
  for (size_t j = 0; j < all.size(); ++j)
    all[j] = static_cast<int>(j);
  build(all);
  Solution sol;
  sol.steps = std::move(steps_);
  sol.cost = sol.steps.empty() ? p_.pieceCost[0] : nodeCost_.back();
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
  std::uniform_int_distribution<int> partsDist(2, 5);
  Solution best;
  bool have = false;
  for (unsigned trial = 0; !have || !deadline.expired(); ++trial) {
    PartitionParams params;
    params.leafSize = trial == 0 ? leafSize : leaves(rng);
    params.imbalance = trial == 0 ? 0.1 : imbalance(rng);
    params.jitter = trial == 0 ? 0.0 : 0.3;
    params.parts = trial == 0 ? 2 : partsDist(rng);
    params.unitWeights = trial > 0 && (rng() & 3) == 0;
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
