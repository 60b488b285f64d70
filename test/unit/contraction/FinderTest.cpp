//===- FinderTest.cpp - Greedy, random-greedy, partition, reconfigure, auto ===//
#include "TestUtil.h"

#include "loom/contraction/PathFinder.h"

#include <chrono>

using namespace loom::contraction;
using namespace loom::contraction::testing;

namespace {
double flopsOf(const Network &net, const Result<ContractionTree> &tree) {
  EXPECT_TRUE(tree.ok()) << tree.error();
  if (!tree.ok())
    return INFINITY;
  Result<Cost> c = computeCost(net, *tree);
  EXPECT_TRUE(c.ok()) << c.error();
  // Every finder's tree is costed identically by the reference model.
  Cost r = ReferenceCost(net).treeCost(*tree);
  expectRelEq(c->flops, r.flops, "reference flops");
  return c->flops;
}

Network randomRegular(std::mt19937 &rng, size_t n) {
  RandomNetworkOptions o;
  o.tensors = n;
  o.edgeProbability = 3.0 / n;
  o.connected = true;
  o.hyperProbability = 0;
  o.openIndices = 2;
  o.danglingIndices = 0;
  o.traceProbability = 0;
  o.minSize = 2;
  o.maxSize = 6;
  return randomNetwork(rng, o);
}
} // namespace

TEST(Greedy, PicksTheMemoryReducingPairFirst) {
  // ab,bc,cd with a tiny 'a' and 'd': greedy contracts (0,1) first since
  // size(ac) - size(ab) - size(bc) is the most negative score.
  Network n = spec("ab,bc,cd->ad", "a=2,b=50,c=50,d=2");
  Result<ContractionTree> t = findGreedyTree(n);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->steps()[0], NodePair(0, 1));
  EXPECT_EQ(flopsOf(n, t), 2.0 * 2 * 50 * 50 + 2.0 * 2 * 50 * 2);
}

TEST(Greedy, NeverBeatsOptimalAndIsValid) {
  std::mt19937 rng(11);
  for (int rep = 0; rep < 60; ++rep) {
    RandomNetworkOptions o;
    o.tensors = 2 + rep % 9;
    o.hyperProbability = 0.4;
    Network net = randomNetwork(rng, o);
    double greedy = flopsOf(net, findGreedyTree(net));
    double optimal = flopsOf(net, findOptimalTree(net, CostObjective()));
    EXPECT_LE(optimal, greedy * (1 + 1e-12));
  }
}

TEST(RandomGreedy, NeverWorseThanGreedyAndOftenBetter) {
  std::mt19937 rng(3);
  int strictlyBetter = 0;
  for (int rep = 0; rep < 8; ++rep) {
    Network net = randomRegular(rng, 30);
    double greedy = flopsOf(net, findGreedyTree(net));
    double random = flopsOf(
        net, findRandomGreedyTree(net, CostObjective(), 10.0, rep, 64));
    EXPECT_LE(random, greedy * (1 + 1e-12));
    strictlyBetter += random < greedy * 0.999;
  }
  EXPECT_GE(strictlyBetter, 2);
  // One trial is plain greedy.
  Network net = randomRegular(rng, 20);
  Result<ContractionTree> one =
      findRandomGreedyTree(net, CostObjective(), 10.0, 1, 1);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->steps(), findGreedyTree(net)->steps());
}

TEST(Partition, BeatsGreedyOnLattices) {
  // On an 8x8 lattice with bond 4, recursive bisection finds a far better
  // order than greedy (which sweeps the lattice inefficiently).
  Network net = lattice(8, 8, 4);
  double greedy = flopsOf(net, findGreedyTree(net));
  // Budget 0: exactly one (deterministic) trial.
  double partition =
      flopsOf(net, findPartitionTree(net, CostObjective(), 0.0, 42));
  EXPECT_LT(partition, greedy);
  Result<ContractionTree> bad =
      findPartitionTree(net, CostObjective(), 0.1, 1, 1);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("leaf size"), std::string::npos);
}

TEST(Partition, ValidOnDisconnectedAndHyperNetworks) {
  std::mt19937 rng(8);
  for (int rep = 0; rep < 10; ++rep) {
    RandomNetworkOptions o;
    o.tensors = 20 + rep;
    o.edgeProbability = 0.08;
    o.hyperProbability = 1.0;
    Network net = randomNetwork(rng, o);
    double partition =
        flopsOf(net, findPartitionTree(net, CostObjective(), 0.0, rep, 5));
    EXPECT_GT(partition, 0);
  }
}

TEST(Reconfigure, FullWindowReachesTheOptimum) {
  // With a window as large as the network the root window re-solves
  // everything exactly.
  std::mt19937 rng(21);
  for (int rep = 0; rep < 30; ++rep) {
    RandomNetworkOptions o;
    o.tensors = 3 + rep % 6;
    o.hyperProbability = 0.3;
    Network net = randomNetwork(rng, o);
    ContractionTree start = randomTree(rng, net.numTensors());
    Result<ContractionTree> re = reconfigureTree(
        net, start, CostObjective(), static_cast<unsigned>(net.numTensors()));
    double optimal = flopsOf(net, findOptimalTree(net, CostObjective()));
    EXPECT_NEAR(flopsOf(net, re), optimal, 1e-9 * optimal);
  }
}

TEST(Reconfigure, ImprovesRandomTreesAndNeverWorsens) {
  std::mt19937 rng(4);
  for (int rep = 0; rep < 6; ++rep) {
    Network net = randomRegular(rng, 40);
    ContractionTree start = randomTree(rng, net.numTensors());
    double before = flopsOf(net, start);
    double after =
        flopsOf(net, reconfigureTree(net, start, CostObjective(), 8));
    EXPECT_LT(after, before);
    ContractionTree greedy = *findGreedyTree(net);
    EXPECT_LE(flopsOf(net, reconfigureTree(net, greedy, CostObjective(), 6)),
              flopsOf(net, greedy) * (1 + 1e-12));
  }
  Network net = randomRegular(rng, 10);
  EXPECT_FALSE(reconfigureTree(net, randomTree(rng, 10), CostObjective(), 1).ok());
  EXPECT_FALSE(reconfigureTree(net, randomTree(rng, 9), CostObjective(), 8).ok());
}

TEST(Auto, SmallNetworksAreSolvedExactly) {
  std::mt19937 rng(31);
  for (int rep = 0; rep < 20; ++rep) {
    RandomNetworkOptions o;
    o.tensors = 2 + rep % 6;
    Network net = randomNetwork(rng, o);
    ContractionResult r = optimizeContraction(net);
    ASSERT_TRUE(r.ok()) << r.error;
    double best = bruteForceBest(net, CostObjective());
    expectRelEq(r.cost.flops, best);
    expectRelEq(flopsOf(net, r.tree), r.cost.flops);
  }
}

TEST(Auto, NeverWorseThanGreedyAndWithinBudget) {
  std::mt19937 rng(17);
  std::vector<Network> nets = {lattice(8, 8, 2), lattice(5, 7, 3),
                               randomRegular(rng, 30), randomRegular(rng, 60),
                               randomRegular(rng, 100)};
  for (const Network &net : nets) {
    PathOptions options;
    options.timeBudget = 0.2;
    auto start = std::chrono::steady_clock::now();
    ContractionResult r = optimizeContraction(net, options);
    double wall = std::chrono::duration<double>(
                      std::chrono::steady_clock::now() - start)
                      .count();
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_LT(wall, 1.5); // budget 0.2 s; slack for loaded machines
    EXPECT_LE(r.seconds, wall);
    double greedy = flopsOf(net, findGreedyTree(net));
    EXPECT_LE(r.cost.flops, greedy * (1 + 1e-12)) << r.method;
    expectRelEq(flopsOf(net, r.tree), r.cost.flops);
  }
}

TEST(Auto, EveryOptimizerAndObjectiveProducesValidTrees) {
  std::mt19937 rng(2);
  Network net = randomRegular(rng, 24);
  for (Optimizer opt : {Optimizer::Auto, Optimizer::Greedy,
                        Optimizer::RandomGreedy, Optimizer::Partition}) {
    for (Objective obj : {Objective::Flops, Objective::Size, Objective::Write,
                          Objective::Combo}) {
      PathOptions options;
      options.optimizer = opt;
      options.objective.kind = obj;
      options.timeBudget = 0.03;
      ContractionResult r = optimizeContraction(net, options);
      ASSERT_TRUE(r.ok()) << r.error;
      Cost ref = ReferenceCost(net).treeCost(r.tree);
      expectRelEq(r.cost.flops, ref.flops);
      expectRelEq(r.cost.largestIntermediate, ref.largestIntermediate);
      expectRelEq(r.cost.totalWrite, ref.totalWrite);
    }
  }
  // Minimising size gives a largest intermediate no larger than minimising
  // flops does (both exact on a small network).
  Network small = randomRegular(rng, 9);
  PathOptions bySize;
  bySize.objective.kind = Objective::Size;
  EXPECT_LE(optimizeContraction(small, bySize).cost.largestIntermediate,
            optimizeContraction(small).cost.largestIntermediate);
}

TEST(Auto, RejectsBadOptions) {
  Network net = spec("ab,bc->ac", "a=2,b=3,c=4");
  PathOptions o;
  o.reconfigureWindow = 40;
  EXPECT_NE(optimizeContraction(net, o).error.find("window"), std::string::npos);
  o = PathOptions();
  o.timeBudget = -1;
  EXPECT_NE(optimizeContraction(net, o).error.find("time budget"),
            std::string::npos);
  o = PathOptions();
  o.memoryLimit = 0.5;
  EXPECT_NE(optimizeContraction(net, o).error.find("at least 1"),
            std::string::npos);
  EXPECT_EQ(*parseOptimizer("random-greedy"), Optimizer::RandomGreedy);
  EXPECT_FALSE(parseOptimizer("dp").ok());
  EXPECT_STREQ(optimizerName(Optimizer::Partition), "partition");
  Network invalid = net;
  invalid.output.push_back(99);
  EXPECT_FALSE(optimizeContraction(invalid).ok());
}
