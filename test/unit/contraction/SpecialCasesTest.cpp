//===- SpecialCasesTest.cpp - Degenerate networks with every optimizer ----===//
#include "TestUtil.h"

#include "loom/contraction/PathFinder.h"

using namespace loom::contraction;
using namespace loom::contraction::testing;

namespace {
struct Case {
  const char *name, *einsum, *sizes;
};

const Case kCases[] = {
    {"single tensor", "abc->ca", "a=2,b=3,c=4"},
    {"single tensor reduced", "abc->", "a=2,b=3,c=4"},
    {"single scalar", "->", ""},
    {"scalars", ",,ab,->b", "a=2,b=3"},
    {"trace", "aa,ab->b", "a=3,b=4"},
    {"trace of product", "ab,ba->", "a=3,b=4"},
    {"diagonal kept", "aab,bc->ac", "a=3,b=4,c=2"},
    {"hadamard", "ab,ab,ab->ab", "a=3,b=4"},
    {"batch matmul", "bij,bjk,bkl->bil", "b=4,i=3,j=5,k=2,l=3"},
    {"outer product", "a,b,c->abc", "a=2,b=3,c=4"},
    {"outer then sum", "a,b,c->", "a=2,b=3,c=4"},
    {"disconnected", "ab,bc,de,ef->af", "a=2,b=3,c=4,d=5,e=2,f=3"},
    {"dangling", "abc,cd,de->ae", "a=2,b=9,c=3,d=4,e=2"},
    {"hyper", "ia,ib,ic,id->abcd", "i=3,a=2,b=2,c=3,d=2"},
    {"hyper summed", "ia,ib,ic,id->", "i=5,a=2,b=2,c=3,d=2"},
    {"size one", "ab,bc,cd->ad", "a=1,b=1,c=5,d=1"},
};
} // namespace

TEST(SpecialCases, EveryOptimizerHandlesThem) {
  for (const Case &c : kCases) {
    Network net = spec(c.einsum, c.sizes);
    double best = bruteForceBest(net, CostObjective());
    for (Optimizer opt : {Optimizer::Auto, Optimizer::Optimal,
                          Optimizer::Greedy, Optimizer::RandomGreedy,
                          Optimizer::Partition}) {
      PathOptions options;
      options.optimizer = opt;
      options.timeBudget = 0.01;
      ContractionResult r = optimizeContraction(net, options);
      ASSERT_TRUE(r.ok()) << c.name << ": " << r.error;
      ASSERT_EQ(r.tree.numLeaves(), net.numTensors()) << c.name;
      Cost ref = ReferenceCost(net).treeCost(r.tree);
      expectRelEq(r.cost.flops, ref.flops, c.name);
      expectRelEq(r.cost.largestIntermediate, ref.largestIntermediate, c.name);
      EXPECT_EQ(r.tree.toLinearPath().size(), net.numTensors() - 1) << c.name;
      if (opt == Optimizer::Optimal || opt == Optimizer::Auto)
        expectRelEq(r.cost.flops, best, c.name);
      else
        EXPECT_GE(r.cost.flops, best * (1 - 1e-12)) << c.name;
    }
  }
}

TEST(SpecialCases, OuterProductsOfComponentsComeLast) {
  // Two matrix chains sharing nothing: each is contracted to its small
  // result first, the outer product is the last step.
  Network net = spec("ab,bc,de,ef->afdc", "a=2,b=50,c=2,d=2,e=50,f=2");
  Result<TreeReport> r = describeTree(net, *findOptimalTree(net, CostObjective()));
  ASSERT_TRUE(r.ok());
  const StepInfo &last = r->steps.back();
  EXPECT_TRUE(last.summed.empty());
  EXPECT_EQ(last.lhsIndices.size() + last.rhsIndices.size(),
            last.resultIndices.size());
  Result<TreeReport> g = describeTree(net, *findGreedyTree(net));
  ASSERT_TRUE(g.ok());
  EXPECT_TRUE(g->steps.back().summed.empty());
  EXPECT_EQ(g->steps.back().resultIndices.size(), 4u);
}

TEST(SpecialCases, DanglingIndicesAreSummedFirst) {
  // b occurs only in the first tensor: it never reaches a pairwise step.
  Network net = spec("abc,cd,de->ae", "a=2,b=9,c=3,d=4,e=2");
  ContractionResult r = optimizeContraction(net);
  ASSERT_TRUE(r.ok());
  Result<TreeReport> rep = describeTree(net, r.tree);
  ASSERT_TRUE(rep.ok());
  EXPECT_EQ(rep->leaves[0].summed, (std::vector<IndexId>{1}));
  for (const StepInfo &s : rep->steps) {
    EXPECT_EQ(std::count(s.lhsIndices.begin(), s.lhsIndices.end(), 1), 0);
    EXPECT_EQ(std::count(s.rhsIndices.begin(), s.rhsIndices.end(), 1), 0);
  }
}

TEST(SpecialCases, OverflowingCostsDoNotBreakTheFinders) {
  // 2^53-sized indices on rings of 12 and 20 tensors with two open legs each:
  // the output alone has more than 2^1024 elements, so costs overflow double
  // (to +inf) and every finder must still return a valid tree.
  for (int n : {12, 20}) {
    Network net;
    std::vector<IndexId> bond;
    for (int i = 0; i < n; ++i)
      bond.push_back(net.addIndex(int64_t(1) << 53));
    for (int i = 0; i < n; ++i) {
      IndexId a = net.addIndex(int64_t(1) << 53),
              b = net.addIndex(int64_t(1) << 53);
      net.addInput({bond[i], bond[(i + 1) % n], a, b});
      net.output.push_back(a);
      net.output.push_back(b);
    }
    for (Optimizer opt : {Optimizer::Auto, Optimizer::Greedy,
                          Optimizer::RandomGreedy, Optimizer::Partition,
                          Optimizer::Optimal}) {
      PathOptions options;
      options.optimizer = opt;
      options.timeBudget = 0.02;
      options.optimalTimeLimit = 1;
      ContractionResult r = optimizeContraction(net, options);
      if (opt == Optimizer::Optimal && !r.ok()) {
        EXPECT_NE(r.error.find("time limit"), std::string::npos) << r.error;
        continue;
      }
      ASSERT_TRUE(r.ok()) << optimizerName(opt) << ": " << r.error;
      EXPECT_EQ(r.tree.numLeaves(), static_cast<size_t>(n));
      EXPECT_TRUE(std::isinf(r.cost.flops)) << r.cost.flops;
    }
  }
}
