//===- OptimalTest.cpp - Exact search against brute force -----------------===//
#include "TestUtil.h"

#include "loom/contraction/PathFinder.h"

#include "Exact.h"

using namespace loom::contraction;
using namespace loom::contraction::testing;

namespace {
const CostObjective kObjectives[] = {{Objective::Flops},
                                     {Objective::Size},
                                     {Objective::Write},
                                     {Objective::Combo, 4.0}};
} // namespace

TEST(Optimal, EqualsBruteForceOnSmallRandomNetworks) {
  // All trees are enumerated (outer products included), (2n-3)!! per network.
  std::mt19937 rng(2024);
  int checked = 0;
  for (int rep = 0; rep < 120; ++rep) {
    RandomNetworkOptions o;
    o.tensors = 2 + rep % 6; // 2..7
    o.edgeProbability = 0.35 + 0.1 * (rep % 4);
    o.hyperProbability = 0.3;
    o.danglingIndices = rep % 2;
    o.openIndices = rep % 3;
    Network net = randomNetwork(rng, o);
    const CostObjective &objective = kObjectives[rep % 4];
    Result<ContractionTree> tree = findOptimalTree(net, objective);
    ASSERT_TRUE(tree.ok()) << tree.error();
    Cost cost = ReferenceCost(net).treeCost(*tree);
    double best = bruteForceBest(net, objective);
    expectRelEq(objective.score(cost), best,
                "network " + std::to_string(rep) + " objective " +
                    objectiveName(objective.kind));
    ++checked;
  }
  EXPECT_EQ(checked, 120);
}

TEST(Optimal, CappedConnectedSearchEqualsExhaustive) {
  // The capped search over connected subsets (used beyond 12 tensors) must
  // agree with the all-subsets DP restricted to connected splits.
  std::mt19937 rng(77);
  for (int rep = 0; rep < 40; ++rep) {
    RandomNetworkOptions o;
    o.tensors = 4 + rep % 8; // 4..11
    o.edgeProbability = 0.2 + 0.05 * (rep % 5);
    o.connected = true;
    o.hyperProbability = 0.3;
    Network net = randomNetwork(rng, o);
    detail::Problem p = detail::buildNetworkProblem(net);
    const CostObjective &objective = kObjectives[rep % 4];
    detail::ExactOptions exhaustive;
    exhaustive.outerProducts = false;
    Result<detail::Solution> a = detail::solveExhaustive(p, objective, exhaustive);
    ASSERT_TRUE(a.ok()) << a.error();
    Result<detail::Solution> b = detail::solveConnected(
        p, objective, detail::ExactOptions(), INFINITY);
    ASSERT_TRUE(b.ok()) << b.error();
    expectRelEq(objective.score(a->cost), objective.score(b->cost),
                "rep " + std::to_string(rep));
    // The reported cost is the cost of the returned tree.
    ContractionTree tb = *ContractionTree::fromSsa(net.numTensors(), b->steps);
    expectRelEq(objective.score(ReferenceCost(net).treeCost(tb)),
                objective.score(b->cost), "recomputed");
  }
}

TEST(Optimal, MatrixChainOf16EqualsClassicDP) {
  // On a chain the connected subsets are the intervals, so the capped search
  // (16 > 12 tensors) must match the textbook O(n^3) matrix-chain DP in the
  // same FLOP convention (2 * p * q * r per product).
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> dim(2, 30);
  for (int rep = 0; rep < 3; ++rep) {
    const int n = 16;
    std::vector<double> d(n + 1);
    for (double &x : d)
      x = dim(rng);
    Network net;
    std::vector<IndexId> idx;
    for (int i = 0; i <= n; ++i)
      idx.push_back(net.addIndex(static_cast<int64_t>(d[i])));
    for (int i = 0; i < n; ++i)
      net.addInput({idx[i], idx[i + 1]});
    net.output = {idx[0], idx[n]};
    std::vector<std::vector<double>> best(n, std::vector<double>(n, 0));
    for (int len = 2; len <= n; ++len)
      for (int i = 0; i + len <= n; ++i) {
        int j = i + len - 1;
        best[i][j] = INFINITY;
        for (int k = i; k < j; ++k)
          best[i][j] = std::min(best[i][j], best[i][k] + best[k + 1][j] +
                                                2 * d[i] * d[k + 1] * d[j + 1]);
      }
    Result<ContractionTree> tree = findOptimalTree(net, CostObjective());
    ASSERT_TRUE(tree.ok()) << tree.error();
    expectRelEq(computeCost(net, *tree)->flops, best[0][n - 1]);
  }
}

TEST(Optimal, LargerNetworksAreAtLeastAsGoodAsHeuristics) {
  // 4x5 lattice: exact search (20 tensors) never loses to greedy/partition.
  Network net = lattice(4, 5, 3);
  Result<ContractionTree> opt = findOptimalTree(net, CostObjective(), 20.0);
  ASSERT_TRUE(opt.ok()) << opt.error();
  double optimal = computeCost(net, *opt)->flops;
  double greedy = computeCost(net, *findGreedyTree(net))->flops;
  double partition =
      computeCost(net, *findPartitionTree(net, CostObjective(), 0.05, 1))->flops;
  EXPECT_LE(optimal, greedy * (1 + 1e-12));
  EXPECT_LE(optimal, partition * (1 + 1e-12));
}

TEST(Optimal, DisconnectedComponentsBeyondExhaustiveLimit) {
  // Two 8-tensor rings (16 tensors, disconnected): each ring is solved
  // exactly, then the two scalars are multiplied.
  Network net;
  for (int ring = 0; ring < 2; ++ring) {
    std::vector<IndexId> b;
    for (int i = 0; i < 8; ++i)
      b.push_back(net.addIndex(2 + i % 3));
    for (int i = 0; i < 8; ++i)
      net.addInput({b[i], b[(i + 1) % 8]});
  }
  Result<ContractionTree> tree = findOptimalTree(net, CostObjective());
  ASSERT_TRUE(tree.ok()) << tree.error();
  Network one;
  std::vector<IndexId> b;
  for (int i = 0; i < 8; ++i)
    b.push_back(one.addIndex(2 + i % 3));
  for (int i = 0; i < 8; ++i)
    one.addInput({b[i], b[(i + 1) % 8]});
  double ring = computeCost(one, *findOptimalTree(one, CostObjective()))->flops;
  EXPECT_EQ(computeCost(net, *tree)->flops, 2 * ring + 1);
}

TEST(Optimal, TimeLimitIsAnError) {
  Network net = lattice(6, 6, 4);
  Result<ContractionTree> tree = findOptimalTree(net, CostObjective(), 0.01);
  ASSERT_FALSE(tree.ok());
  EXPECT_NE(tree.error().find("time limit"), std::string::npos);
}

TEST(Optimal, TooLargeComponentIsAnError) {
  Network net = lattice(9, 9, 2);
  Result<ContractionTree> tree = findOptimalTree(net, CostObjective(), 5.0);
  ASSERT_FALSE(tree.ok());
  EXPECT_NE(tree.error().find("at most 64 tensors"), std::string::npos);
}
