//===- TreeTest.cpp - ContractionTree and numpy path conversion -----------===//
#include "TestUtil.h"

using namespace loom::contraction;
using namespace loom::contraction::testing;

TEST(Tree, FromSsaAcceptsValidTrees) {
  Result<ContractionTree> t = ContractionTree::fromSsa(4, {{0, 2}, {1, 3}, {4, 5}});
  ASSERT_TRUE(t.ok()) << t.error();
  EXPECT_EQ(t->numLeaves(), 4u);
  EXPECT_EQ(t->numSteps(), 3u);
  EXPECT_EQ(t->root(), 6);
  EXPECT_TRUE(t->isLeaf(3));
  EXPECT_FALSE(t->isLeaf(4));
  EXPECT_EQ(t->children(6), NodePair(4, 5));
  EXPECT_EQ(t->toString(), "((0,2),(1,3))");
}

TEST(Tree, SingleLeaf) {
  Result<ContractionTree> t = ContractionTree::fromSsa(1, {});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->root(), 0);
  EXPECT_TRUE(t->toLinearPath().empty());
  EXPECT_EQ(t->toString(), "0");
}

TEST(Tree, FromSsaRejectsInvalidTrees) {
  EXPECT_FALSE(ContractionTree::fromSsa(0, {}).ok());
  Result<ContractionTree> wrongCount = ContractionTree::fromSsa(3, {{0, 1}});
  ASSERT_FALSE(wrongCount.ok());
  EXPECT_NE(wrongCount.error().find("needs 2 steps"), std::string::npos);
  Result<ContractionTree> reuse = ContractionTree::fromSsa(3, {{0, 1}, {0, 3}});
  ASSERT_FALSE(reuse.ok());
  EXPECT_NE(reuse.error().find("already consumed"), std::string::npos);
  EXPECT_FALSE(ContractionTree::fromSsa(3, {{0, 0}, {1, 3}}).ok());
  Result<ContractionTree> future = ContractionTree::fromSsa(3, {{0, 3}, {1, 2}});
  ASSERT_FALSE(future.ok());
  EXPECT_NE(future.error().find("does not exist yet"), std::string::npos);
  EXPECT_FALSE(ContractionTree::fromSsa(3, {{0, -1}, {1, 3}}).ok());
}

TEST(Tree, LinearPathMatchesNumpyConvention) {
  // SSA ((0,2),(1,3)): numpy list [0,1,2,3] -> (0,2) leaves [1,3,r4]
  // -> (0,1) leaves [r4,r5] -> (0,1).
  Result<ContractionTree> t = ContractionTree::fromSsa(4, {{0, 2}, {1, 3}, {4, 5}});
  ASSERT_TRUE(t.ok());
  std::vector<NodePair> path = t->toLinearPath();
  EXPECT_EQ(path, (std::vector<NodePair>{{0, 2}, {0, 1}, {0, 1}}));
  // A chain contracted from the right: ((2,3),1),0 -> (2,3) then (1,2) ...
  Result<ContractionTree> c = ContractionTree::fromSsa(4, {{2, 3}, {1, 4}, {0, 5}});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->toLinearPath(), (std::vector<NodePair>{{2, 3}, {1, 2}, {0, 1}}));
}

TEST(Tree, LinearPathRoundTrip) {
  std::mt19937 rng(7);
  for (size_t n = 1; n <= 12; ++n)
    for (int rep = 0; rep < 5; ++rep) {
      ContractionTree t = randomTree(rng, n);
      std::vector<NodePair> path = t.toLinearPath();
      Result<ContractionTree> back = ContractionTree::fromLinearPath(n, path);
      ASSERT_TRUE(back.ok()) << back.error();
      ASSERT_EQ(back->numSteps(), t.numSteps());
      for (size_t s = 0; s < t.numSteps(); ++s) {
        NodePair a = t.steps()[s], b = back->steps()[s];
        EXPECT_EQ(std::minmax(a.first, a.second),
                  std::minmax(b.first, b.second));
      }
      EXPECT_EQ(back->toLinearPath(), path);
    }
}

TEST(Tree, FromLinearPathRejectsBadPositions) {
  EXPECT_FALSE(ContractionTree::fromLinearPath(3, {{0, 1}}).ok());
  Result<ContractionTree> out = ContractionTree::fromLinearPath(3, {{0, 1}, {0, 2}});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.error().find("invalid for 2 operands"), std::string::npos);
  EXPECT_FALSE(ContractionTree::fromLinearPath(3, {{1, 1}, {0, 1}}).ok());
  EXPECT_FALSE(ContractionTree::fromLinearPath(2, {{-1, 0}}).ok());
}
