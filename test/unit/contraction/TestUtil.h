//===- TestUtil.h - Helpers for LoomContraction unit tests ------*- C++ -*-===//
//
// Independent reference implementations (set-based cost of a tree,
// brute-force enumeration of all trees, a dense numerical einsum) and
// random network generators.
//
//===----------------------------------------------------------------------===//
#ifndef LOOM_TEST_UNIT_CONTRACTION_TESTUTIL_H
#define LOOM_TEST_UNIT_CONTRACTION_TESTUTIL_H

#include "loom/contraction/Cost.h"
#include "loom/contraction/Network.h"
#include "loom/contraction/Parse.h"
#include "loom/contraction/Tree.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace loom {
namespace contraction {
namespace testing {

using IndexSet = std::set<IndexId>;

/// Parses a spec whose sizes are given as "a=2,b=3"; fails the test if not.
inline Network spec(const std::string &einsum, const std::string &sizes) {
  Result<SizeList> list = parseSizeList(sizes);
  EXPECT_TRUE(list.ok()) << list.error();
  Result<Network> net = parseEinsum(einsum, list.ok() ? *list : SizeList());
  EXPECT_TRUE(net.ok()) << net.error();
  return net.ok() ? *net : Network();
}

/// Reference cost model written from the definition with plain sets: the
/// legs of a set S of input tensors are the indices held by S that are in
/// the output or held by a tensor outside S. Quadratic, used only in tests.
class ReferenceCost {
public:
  explicit ReferenceCost(const Network &net) : net_(net) {
    for (IndexId i : net.output)
      output_.insert(i);
  }

  IndexSet distinct(size_t t) const {
    return IndexSet(net_.inputs[t].begin(), net_.inputs[t].end());
  }
  double size(const IndexSet &s) const {
    double v = 1;
    for (IndexId i : s)
      v *= static_cast<double>(net_.sizes[i]);
    return v;
  }
  /// Legs of the tensor obtained by contracting the tensors in `set`.
  IndexSet legs(const std::set<size_t> &set) const {
    IndexSet held, outside, out;
    for (size_t t = 0; t < net_.numTensors(); ++t) {
      IndexSet d = distinct(t);
      (set.count(t) ? held : outside).insert(d.begin(), d.end());
    }
    for (IndexId i : held)
      if (output_.count(i) || outside.count(i))
        out.insert(i);
    return out;
  }
  Cost leafCost(size_t t) const {
    IndexSet d = distinct(t), l = legs({t});
    Cost c;
    if (l.size() < d.size()) {
      c.flops = 2 * size(d);
      c.largestIntermediate = c.totalWrite = size(l);
    }
    return c;
  }
  /// Cost of contracting sets a and b (whose union is `both`).
  Cost step(const std::set<size_t> &a, const std::set<size_t> &b) const {
    std::set<size_t> both = a;
    both.insert(b.begin(), b.end());
    IndexSet la = legs(a), lb = legs(b), lr = legs(both), un = la;
    un.insert(lb.begin(), lb.end());
    Cost c;
    c.flops = stepFlops(size(un), un.size() > lr.size());
    c.largestIntermediate = c.totalWrite = size(lr);
    return c;
  }
  Cost treeCost(const ContractionTree &tree) const {
    std::vector<std::set<size_t>> leaves(tree.numNodes());
    std::vector<Cost> cost(tree.numNodes());
    for (size_t t = 0; t < tree.numLeaves(); ++t) {
      leaves[t] = {t};
      cost[t] = leafCost(t);
    }
    for (size_t s = 0; s < tree.numSteps(); ++s) {
      auto [a, b] = tree.steps()[s];
      size_t v = tree.numLeaves() + s;
      leaves[v] = leaves[a];
      leaves[v].insert(leaves[b].begin(), leaves[b].end());
      Cost st = step(leaves[a], leaves[b]);
      cost[v] = combineCost(cost[a], cost[b], st.flops, st.totalWrite);
    }
    return cost[tree.root()];
  }

private:
  const Network &net_;
  IndexSet output_;
};

/// Best score over ALL binary trees (outer products included), by
/// enumerating every tree of every subset: (2n-3)!! trees for n tensors.
inline double bruteForceBest(const Network &net,
                             const CostObjective &objective) {
  ReferenceCost ref(net);
  size_t n = net.numTensors();
  std::map<unsigned, std::vector<Cost>> all; // subset -> costs of its trees
  auto setOf = [&](unsigned mask) {
    std::set<size_t> s;
    for (size_t t = 0; t < n; ++t)
      if (mask >> t & 1)
        s.insert(t);
    return s;
  };
  for (unsigned mask = 1; mask < (1u << n); ++mask) {
    std::vector<Cost> &mine = all[mask];
    if ((mask & (mask - 1)) == 0) {
      mine.push_back(ref.leafCost(__builtin_ctz(mask)));
      continue;
    }
    unsigned low = mask & -mask;
    for (unsigned a = (mask - 1) & mask; a; a = (a - 1) & mask) {
      if (!(a & low))
        continue;
      unsigned b = mask ^ a;
      Cost st = ref.step(setOf(a), setOf(b));
      for (const Cost &ca : all[a])
        for (const Cost &cb : all[b])
          mine.push_back(combineCost(ca, cb, st.flops, st.totalWrite));
    }
  }
  double best = INFINITY;
  for (const Cost &c : all[(1u << n) - 1])
    best = std::min(best, objective.score(c));
  return best;
}

struct RandomNetworkOptions {
  size_t tensors = 6;
  double edgeProbability = 0.4;
  double hyperProbability = 0.2; ///< chance of one index on 3 tensors
  int openIndices = 2;           ///< indices on one tensor and the output
  int danglingIndices = 1;       ///< indices on one tensor only (summed)
  double traceProbability = 0.1; ///< chance a tensor repeats an index
  int minSize = 2, maxSize = 4;
  bool connected = false;        ///< add a random spanning tree of bonds
};

inline Network randomNetwork(std::mt19937 &rng,
                             const RandomNetworkOptions &o) {
  Network net;
  net.inputs.resize(o.tensors);
  std::uniform_int_distribution<int> sizeDist(o.minSize, o.maxSize);
  std::uniform_real_distribution<double> u(0, 1);
  std::uniform_int_distribution<size_t> pick(0, o.tensors - 1);
  auto newIndex = [&]() {
    return net.addIndex(sizeDist(rng), "i" + std::to_string(net.numIndices()));
  };
  if (o.connected)
    for (size_t t = 1; t < o.tensors; ++t) {
      std::uniform_int_distribution<size_t> prev(0, t - 1);
      IndexId i = newIndex();
      net.inputs[t].push_back(i);
      net.inputs[prev(rng)].push_back(i);
    }
  for (size_t a = 0; a < o.tensors; ++a)
    for (size_t b = a + 1; b < o.tensors; ++b)
      if (u(rng) < o.edgeProbability) {
        IndexId i = newIndex();
        net.inputs[a].push_back(i);
        net.inputs[b].push_back(i);
      }
  if (o.tensors >= 3 && u(rng) < o.hyperProbability) {
    IndexId i = newIndex();
    std::vector<size_t> ts(o.tensors);
    for (size_t t = 0; t < o.tensors; ++t)
      ts[t] = t;
    std::shuffle(ts.begin(), ts.end(), rng);
    for (int k = 0; k < 3; ++k)
      net.inputs[ts[k]].push_back(i);
    if (u(rng) < 0.5)
      net.output.push_back(i);
  }
  for (int k = 0; k < o.openIndices; ++k) {
    IndexId i = newIndex();
    net.inputs[pick(rng)].push_back(i);
    net.output.push_back(i);
  }
  for (int k = 0; k < o.danglingIndices; ++k)
    net.inputs[pick(rng)].push_back(newIndex());
  for (auto &tensor : net.inputs)
    if (!tensor.empty() && u(rng) < o.traceProbability)
      tensor.push_back(tensor[0]);
  std::shuffle(net.output.begin(), net.output.end(), rng);
  return net;
}

/// A uniformly random SSA tree over n leaves.
inline ContractionTree randomTree(std::mt19937 &rng, size_t n) {
  std::vector<int> live(n);
  for (size_t i = 0; i < n; ++i)
    live[i] = static_cast<int>(i);
  std::vector<NodePair> steps;
  int next = static_cast<int>(n);
  while (live.size() > 1) {
    std::shuffle(live.begin(), live.end(), rng);
    int a = live.back();
    live.pop_back();
    int b = live.back();
    live.pop_back();
    steps.push_back({a, b});
    live.push_back(next++);
  }
  Result<ContractionTree> tree = ContractionTree::fromSsa(n, steps);
  EXPECT_TRUE(tree.ok()) << tree.error();
  return *tree;
}

/// 2-D lattice (PEPS-like) of rows x cols tensors with bond dimension `bond`.
inline Network lattice(size_t rows, size_t cols, int64_t bond) {
  Network net;
  net.inputs.resize(rows * cols);
  for (size_t r = 0; r < rows; ++r)
    for (size_t c = 0; c < cols; ++c) {
      size_t t = r * cols + c;
      if (c + 1 < cols) {
        IndexId i = net.addIndex(bond);
        net.inputs[t].push_back(i);
        net.inputs[t + 1].push_back(i);
      }
      if (r + 1 < rows) {
        IndexId i = net.addIndex(bond);
        net.inputs[t].push_back(i);
        net.inputs[t + cols].push_back(i);
      }
    }
  return net;
}

inline void expectRelEq(double a, double b, const std::string &what = "") {
  EXPECT_LE(std::fabs(a - b), 1e-9 * std::max(std::fabs(a), std::fabs(b)))
      << what << ": " << a << " vs " << b;
}

} // namespace testing
} // namespace contraction
} // namespace loom

#endif // LOOM_TEST_UNIT_CONTRACTION_TESTUTIL_H
