//===- CostTest.cpp - The cost model and tree descriptions ----------------===//
#include "TestUtil.h"

#include "loom/contraction/PathFinder.h"

using namespace loom::contraction;
using namespace loom::contraction::testing;

namespace {
Cost costOf(const Network &net, std::vector<NodePair> ssa) {
  Result<ContractionTree> tree = ContractionTree::fromSsa(net.numTensors(), ssa);
  EXPECT_TRUE(tree.ok()) << tree.error();
  Result<Cost> c = computeCost(net, *tree);
  EXPECT_TRUE(c.ok()) << c.error();
  return c.ok() ? *c : Cost();
}
} // namespace

TEST(Cost, MatrixChainMatchesNumpy) {
  // numpy.einsum_path('ab,bc,cd->ad', 10x20, 20x30, 30x40, path (0,1),(0,1))
  // prints "Optimized FLOP count: 3.600e+04" (= 36000 + 1) and "Largest
  // intermediate: 4.000e+02"; opt_einsum's opt_cost is 36000.
  Network n = spec("ab,bc,cd->ad", "a=10,b=20,c=30,d=40");
  Cost c = costOf(n, {{0, 1}, {3, 2}});
  EXPECT_EQ(c.flops, 2.0 * 10 * 20 * 30 + 2.0 * 10 * 30 * 40);
  EXPECT_EQ(c.flops, 36000);
  EXPECT_EQ(c.largestIntermediate, 400);
  EXPECT_EQ(c.totalWrite, 300 + 400);
  Cost other = costOf(n, {{1, 2}, {0, 3}});
  EXPECT_EQ(other.flops, 2.0 * 20 * 30 * 40 + 2.0 * 10 * 20 * 40);
}

TEST(Cost, HyperIndexMatchesOptEinsum) {
  // opt_einsum.contract_path('ia,ib,ic->abc', 3x4, 3x5, 3x6,
  // optimize=[(0,1),(0,1)]).opt_cost == 780: the first step keeps i (still
  // held by the third tensor), so it sums nothing.
  Network n = spec("ia,ib,ic->abc", "i=3,a=4,b=5,c=6");
  Cost c = costOf(n, {{0, 1}, {3, 2}});
  EXPECT_EQ(c.flops, 60 + 720);
  EXPECT_EQ(c.largestIntermediate, 120);
}

TEST(Cost, HadamardOuterTraceAndDangling) {
  EXPECT_EQ(costOf(spec("ab,ab->ab", "a=3,b=5"), {{0, 1}}).flops, 15);
  EXPECT_EQ(costOf(spec("a,b->ab", "a=3,b=5"), {{0, 1}}).flops, 15);
  // Trace: the diagonal is free, its sum is a unary step of 2 * 7.
  Cost trace = costOf(spec("aa->", "a=7"), {});
  EXPECT_EQ(trace.flops, 14);
  EXPECT_EQ(trace.largestIntermediate, 1);
  // Diagonal kept in the output: nothing to compute.
  Cost diag = costOf(spec("aa->a", "a=7"), {});
  EXPECT_EQ(diag.flops, 0);
  EXPECT_EQ(diag.largestIntermediate, 0);
  // b occurs only in the first tensor: summed out first (2*a*b*c), then the
  // pairwise step (2*a*c*d).
  Cost dangling = costOf(spec("abc,cd->ad", "a=2,b=3,c=4,d=5"), {{0, 1}});
  EXPECT_EQ(dangling.flops, 2 * 24 + 2 * 40);
  EXPECT_EQ(dangling.largestIntermediate, 10);
  EXPECT_EQ(dangling.totalWrite, 8 + 10);
  // Scalars multiply at the cost of the other operand.
  EXPECT_EQ(costOf(spec(",ab->ab", "a=2,b=3"), {{0, 1}}).flops, 6);
}

TEST(Cost, ObjectivesAndTieBreaks) {
  Cost a{100, 10, 50}, b{80, 20, 40};
  CostObjective flops, size{Objective::Size}, write{Objective::Write},
      combo{Objective::Combo, 1.0};
  EXPECT_TRUE(flops.better(b, a));
  EXPECT_TRUE(size.better(a, b));
  EXPECT_TRUE(write.better(b, a));
  EXPECT_EQ(combo.score(a), 150);
  EXPECT_TRUE(combo.better(b, a));
  Cost c{90, 10, 50};
  EXPECT_TRUE(size.better(c, a)); // same size, fewer flops
  EXPECT_FALSE(size.better(a, a));
  EXPECT_EQ(CostObjective().comboAlpha, 64);
  EXPECT_EQ(*parseObjective("combo"), Objective::Combo);
  EXPECT_FALSE(parseObjective("time").ok());
  EXPECT_STREQ(objectiveName(Objective::Write), "write");
}

TEST(Cost, EveryTreeIsRecomputedCorrectly) {
  // The library's incremental cost equals the set-based reference for random
  // trees over random networks with hyper-indices, traces, open and dangling
  // indices.
  std::mt19937 rng(1234);
  for (int rep = 0; rep < 300; ++rep) {
    RandomNetworkOptions o;
    o.tensors = 1 + rep % 9;
    o.hyperProbability = 0.5;
    o.danglingIndices = rep % 3;
    o.traceProbability = 0.2;
    Network net = randomNetwork(rng, o);
    ReferenceCost ref(net);
    ContractionTree tree = randomTree(rng, net.numTensors());
    Result<Cost> c = computeCost(net, tree);
    ASSERT_TRUE(c.ok()) << c.error();
    Cost r = ref.treeCost(tree);
    expectRelEq(c->flops, r.flops, "flops");
    expectRelEq(c->largestIntermediate, r.largestIntermediate, "size");
    expectRelEq(c->totalWrite, r.totalWrite, "write");
  }
}

TEST(Cost, RejectsMismatchedTrees) {
  Network n = spec("ab,bc->ac", "a=2,b=3,c=4");
  Result<ContractionTree> t = ContractionTree::fromSsa(3, {{0, 1}, {2, 3}});
  ASSERT_TRUE(t.ok());
  Result<Cost> c = computeCost(n, *t);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().find("3 leaves but the network has 2 tensors"),
            std::string::npos);
  Network bad = n;
  bad.sizes[0] = -1;
  EXPECT_FALSE(computeCost(bad, *ContractionTree::fromSsa(2, {{0, 1}})).ok());
}

TEST(Cost, SlicedCost) {
  Network n = spec("ab,bc,cd->ad", "a=100,b=2,c=2,d=100");
  ContractionTree t = *ContractionTree::fromSsa(3, {{0, 1}, {3, 2}});
  Result<Cost> plain = computeSlicedCost(n, t, {});
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->flops, 800 + 40000);
  EXPECT_EQ(plain->largestIntermediate, 10000);
  // Slicing a (output): per slice 8 + 400 flops, largest 100.
  Result<Cost> sliced = computeSlicedCost(n, t, {0});
  ASSERT_TRUE(sliced.ok());
  EXPECT_EQ(sliced->flops, 100 * (8 + 400));
  EXPECT_EQ(sliced->largestIntermediate, 100);
  EXPECT_EQ(sliced->totalWrite, 100 * (2 + 100));
  // Slicing the summed b recomputes nothing here and keeps the factor 2.
  Result<Cost> summed = computeSlicedCost(n, t, {1});
  ASSERT_TRUE(summed.ok());
  EXPECT_EQ(summed->flops, 2 * (2 * 100 * 2 + 2 * 100 * 2 * 100));
  EXPECT_FALSE(computeSlicedCost(n, t, {7}).ok());
  EXPECT_FALSE(computeSlicedCost(n, t, {1, 1}).ok());
}

TEST(Cost, DescribeTreeClassifiesIndices) {
  Network n = spec("bij,bjk,kl->bil", "b=2,i=3,j=4,k=5,l=6");
  ContractionTree t = *ContractionTree::fromSsa(3, {{0, 1}, {3, 2}});
  Result<TreeReport> r = describeTree(n, t);
  ASSERT_TRUE(r.ok()) << r.error();
  ASSERT_EQ(r->steps.size(), 2u);
  const StepInfo &s0 = r->steps[0];
  IndexId b = 0, i = 1, j = 2, k = 3, l = 4;
  EXPECT_EQ(s0.result, 3);
  EXPECT_EQ(s0.lhsIndices, (std::vector<IndexId>{b, i, j}));
  EXPECT_EQ(s0.resultIndices, (std::vector<IndexId>{b, i, k}));
  EXPECT_EQ(s0.summed, (std::vector<IndexId>{j}));
  EXPECT_EQ(s0.batch, (std::vector<IndexId>{b}));
  EXPECT_EQ(s0.flops, 2.0 * 2 * 3 * 4 * 5);
  const StepInfo &s1 = r->steps[1];
  EXPECT_EQ(s1.resultIndices, (std::vector<IndexId>{b, i, l}));
  EXPECT_EQ(s1.summed, (std::vector<IndexId>{k}));
  EXPECT_TRUE(s1.batch.empty());
  EXPECT_EQ(r->cost.flops, s0.flops + s1.flops);
  // Pre-reduction is reported per leaf.
  Network d = spec("abc,cd->ad", "a=2,b=3,c=4,d=5");
  Result<TreeReport> rd = describeTree(d, *ContractionTree::fromSsa(2, {{0, 1}}));
  ASSERT_TRUE(rd.ok());
  EXPECT_EQ(rd->leaves[0].summed, (std::vector<IndexId>{1}));
  EXPECT_EQ(rd->leaves[0].indices, (std::vector<IndexId>{0, 2}));
  EXPECT_EQ(rd->leaves[0].flops, 48);
  EXPECT_TRUE(rd->leaves[1].summed.empty());
  EXPECT_EQ(effectiveIndices(d, 0), (std::vector<IndexId>{0, 2}));
}

namespace {
/// Dense tensor over sorted distinct indices, row-major in that order.
struct Dense {
  std::vector<IndexId> idx;
  std::vector<double> v;
};

size_t offset(const Network &n, const std::vector<IndexId> &idx,
              const std::vector<int64_t> &value) {
  size_t o = 0;
  for (IndexId i : idx)
    o = o * n.sizes[i] + value[i];
  return o;
}

/// Iterates all assignments of `idx` (others untouched) calling f.
template <typename F>
void forAll(const Network &n, const std::vector<IndexId> &idx,
            std::vector<int64_t> &value, F f) {
  for (IndexId i : idx)
    value[i] = 0;
  while (true) {
    f();
    size_t p = idx.size();
    while (p > 0) {
      --p;
      if (++value[idx[p]] < n.sizes[idx[p]])
        break;
      value[idx[p]] = 0;
      if (p == 0)
        return;
    }
    if (idx.empty())
      return;
  }
}

double inputValue(size_t t, const Network &n, const std::vector<int64_t> &v) {
  double x = 1 + t;
  for (size_t d = 0; d < n.inputs[t].size(); ++d)
    x = x * 0.7 + 0.1 * (v[n.inputs[t][d]] + 1) * (d + 1);
  return x;
}
} // namespace

TEST(Cost, TreeDescriptionComputesTheEinsum) {
  // Contracting real numbers along describeTree's index sets (diagonals,
  // pre-reduction, batch and hyper-indices) gives the same result as the
  // naive sum over all indices.
  std::mt19937 rng(99);
  for (int rep = 0; rep < 40; ++rep) {
    RandomNetworkOptions o;
    o.tensors = 1 + rep % 5;
    o.hyperProbability = 0.6;
    o.traceProbability = 0.3;
    o.minSize = 1;
    o.maxSize = 3;
    Network n = randomNetwork(rng, o);
    ContractionTree tree = randomTree(rng, n.numTensors());
    Result<TreeReport> r = describeTree(n, tree);
    ASSERT_TRUE(r.ok()) << r.error();
    std::vector<int64_t> value(n.numIndices(), 0);
    std::vector<Dense> node(tree.numNodes());
    for (size_t t = 0; t < n.numTensors(); ++t) {
      Dense &d = node[t];
      d.idx = r->leaves[t].indices;
      size_t len = 1;
      for (IndexId i : d.idx)
        len *= n.sizes[i];
      d.v.assign(len, 0);
      forAll(n, d.idx, value, [&] {
        double sum = 0;
        forAll(n, r->leaves[t].summed, value,
               [&] { sum += inputValue(t, n, value); });
        d.v[offset(n, d.idx, value)] = sum;
      });
    }
    for (const StepInfo &s : r->steps) {
      Dense &d = node[s.result];
      d.idx = s.resultIndices;
      size_t len = 1;
      for (IndexId i : d.idx)
        len *= n.sizes[i];
      d.v.assign(len, 0);
      const Dense &a = node[s.lhs], &b = node[s.rhs];
      forAll(n, d.idx, value, [&] {
        double sum = 0;
        forAll(n, s.summed, value, [&] {
          sum += a.v[offset(n, a.idx, value)] * b.v[offset(n, b.idx, value)];
        });
        d.v[offset(n, d.idx, value)] = sum;
      });
    }
    const Dense &root = node[tree.root()];
    std::vector<IndexId> out = n.output;
    std::sort(out.begin(), out.end());
    ASSERT_EQ(root.idx, out);
    std::vector<IndexId> inner;
    for (IndexId i = 0; i < n.numIndices(); ++i)
      if (!std::count(out.begin(), out.end(), i))
        inner.push_back(i);
    forAll(n, out, value, [&] {
      double expect = 0;
      forAll(n, inner, value, [&] {
        double prod = 1;
        for (size_t t = 0; t < n.numTensors(); ++t) {
          // A repeated index is a diagonal: skip off-diagonal terms.
          prod *= inputValue(t, n, value);
        }
        expect += prod;
      });
      double got = root.v[offset(n, root.idx, value)];
      EXPECT_NEAR(got, expect, 1e-9 * std::max(1.0, std::fabs(expect)));
    });
  }
}
