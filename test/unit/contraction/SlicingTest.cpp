//===- SlicingTest.cpp - Slicing under a memory limit ---------------------===//
#include "TestUtil.h"

#include "loom/contraction/PathFinder.h"
#include "loom/contraction/Slicing.h"

using namespace loom::contraction;
using namespace loom::contraction::testing;

TEST(Slicing, NothingToDoUnderTheLimit) {
  Network n = spec("ab,bc->ac", "a=4,b=4,c=4");
  SliceOptions o;
  o.memoryLimit = 16;
  SliceResult r = sliceTree(n, *findGreedyTree(n), o);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_TRUE(r.sliced.empty());
  EXPECT_EQ(r.numSlices, 1);
  EXPECT_EQ(r.cost.flops, 128);
}

TEST(Slicing, SlicesAnOutputIndexWhenOnlyTheOutputIsTooLarge) {
  Network n = spec("ab,bc,cd->ad", "a=100,b=2,c=2,d=100");
  SliceOptions o;
  o.memoryLimit = 5000;
  SliceResult r = sliceTree(n, *findOptimalTree(n, CostObjective()), o);
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.sliced.size(), 1u);
  EXPECT_TRUE(r.sliced[0] == 0 || r.sliced[0] == 3);
  EXPECT_EQ(r.numSlices, 100);
  EXPECT_LE(r.cost.largestIntermediate, 5000);
  // Slicing an output index costs nothing extra here.
  EXPECT_EQ(r.cost.flops, computeCost(n, r.tree)->flops);
}

TEST(Slicing, ErrorsWhenTheLimitCannotBeMet) {
  Network n = spec("ab,bc,cd->ad", "a=100,b=2,c=2,d=100");
  ContractionTree t = *findGreedyTree(n);
  SliceOptions o;
  o.memoryLimit = 5000;
  o.allowOutputIndices = false;
  SliceResult r = sliceTree(n, t, o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error.find("cannot meet the memory limit of 5000"),
            std::string::npos);
  EXPECT_NE(r.error.find("output indices may not be sliced"), std::string::npos);
  o = SliceOptions();
  o.memoryLimit = 0;
  EXPECT_NE(sliceTree(n, t, o).error.find("at least 1"), std::string::npos);
  o.memoryLimit = 1;
  o.maxSlices = 10;
  EXPECT_NE(sliceTree(n, t, o).error.find("more than 10 slices"),
            std::string::npos);
  // Through optimizeContraction as well: never silently ignored.
  PathOptions po;
  po.memoryLimit = 1;
  ContractionResult ok = optimizeContraction(n, po);
  ASSERT_TRUE(ok.ok()) << ok.error;
  EXPECT_LE(ok.cost.largestIntermediate, 1);
}

TEST(Slicing, MeetsTheLimitOnRandomNetworks) {
  std::mt19937 rng(13);
  for (int rep = 0; rep < 12; ++rep) {
    RandomNetworkOptions o;
    o.tensors = 12 + rep * 2;
    o.edgeProbability = 3.0 / o.tensors;
    o.connected = true;
    o.hyperProbability = 0.5;
    o.maxSize = 5;
    Network net = randomNetwork(rng, o);
    ContractionTree tree = *findGreedyTree(net);
    double largest = computeCost(net, tree)->largestIntermediate;
    SliceOptions so;
    so.memoryLimit = std::max(1.0, std::floor(largest / (8 + rep)));
    SliceResult r = sliceTree(net, tree, so);
    ASSERT_TRUE(r.ok()) << r.error;
    // Re-optimising the tree under the limit may make slices unnecessary.
    EXPECT_TRUE(!r.sliced.empty() ||
                computeCost(net, r.tree)->largestIntermediate <= so.memoryLimit);
    EXPECT_LE(r.cost.largestIntermediate, so.memoryLimit);
    Result<Cost> check = computeSlicedCost(net, r.tree, r.sliced);
    ASSERT_TRUE(check.ok());
    expectRelEq(check->flops, r.cost.flops);
    expectRelEq(check->largestIntermediate, r.cost.largestIntermediate);
    double slices = 1;
    for (IndexId i : r.sliced)
      slices *= net.sizes[i];
    EXPECT_EQ(slices, r.numSlices);
    // Every sliced index is needed: unslicing any breaks the limit.
    for (size_t k = 0; k < r.sliced.size(); ++k) {
      std::vector<IndexId> fewer = r.sliced;
      fewer.erase(fewer.begin() + k);
      EXPECT_GT(computeSlicedCost(net, r.tree, fewer)->largestIntermediate,
                so.memoryLimit);
    }
  }
}

TEST(Slicing, CloseToTheBestSubsetForAFixedTree) {
  // Without re-optimising the tree, the greedy-with-lookahead slicer must be
  // within 1.5x of the best subset of up to 3 indices (brute force).
  std::mt19937 rng(19);
  int compared = 0;
  double worst = 1;
  for (int rep = 0; rep < 10; ++rep) {
    RandomNetworkOptions o;
    o.tensors = 8;
    o.edgeProbability = 0.35;
    o.connected = true;
    o.hyperProbability = 0.3;
    o.maxSize = 4;
    Network net = randomNetwork(rng, o);
    ContractionTree tree = *findGreedyTree(net);
    double largest = computeCost(net, tree)->largestIntermediate;
    SliceOptions so;
    so.memoryLimit = std::max(1.0, std::floor(largest / 6));
    so.reconfigure = false;
    SliceResult r = sliceTree(net, tree, so);
    ASSERT_TRUE(r.ok()) << r.error;
    ASSERT_EQ(r.tree.steps(), tree.steps());
    double best = INFINITY;
    size_t m = net.numIndices();
    for (unsigned mask = 1; mask < (1u << m); ++mask) {
      if (__builtin_popcount(mask) > 3)
        continue;
      std::vector<IndexId> subset;
      for (size_t i = 0; i < m; ++i)
        if (mask >> i & 1)
          subset.push_back(static_cast<IndexId>(i));
      Cost c = *computeSlicedCost(net, tree, subset);
      if (c.largestIntermediate <= so.memoryLimit)
        best = std::min(best, c.flops);
    }
    if (std::isinf(best))
      continue; // needs more than 3 slices
    ++compared;
    EXPECT_LE(r.cost.flops, 1.5 * best) << "network " << rep;
    worst = std::max(worst, r.cost.flops / best);
  }
  EXPECT_GE(compared, 5);
  RecordProperty("worst_ratio", std::to_string(worst));
}

TEST(Slicing, HalvingMemoryOnALatticeCostsLittle) {
  // 6x6 lattice, bond 2 (its width cannot go below ~2^6): halving the
  // largest intermediate of a good tree must cost well under the 4x of
  // recomputing everything for two sliced bonds.
  Network net = lattice(6, 6, 2);
  ContractionResult free = optimizeContraction(net);
  ASSERT_TRUE(free.ok()) << free.error;
  SliceOptions o;
  o.memoryLimit = free.cost.largestIntermediate / 2;
  SliceResult sliced = sliceTree(net, free.tree, o);
  ASSERT_TRUE(sliced.ok()) << sliced.error;
  EXPECT_LE(sliced.cost.largestIntermediate, o.memoryLimit);
  EXPECT_LT(sliced.cost.flops, 3 * free.cost.flops);
  // Through optimizeContraction too.
  PathOptions po;
  po.memoryLimit = o.memoryLimit;
  ContractionResult viaApi = optimizeContraction(net, po);
  ASSERT_TRUE(viaApi.ok()) << viaApi.error;
  EXPECT_LE(viaApi.cost.largestIntermediate, po.memoryLimit);
}
