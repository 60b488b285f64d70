// TT-SVD: exact recovery of tensors of low TT rank, the error bound under a
// tolerance, rank caps, and mode factorization.
#include "loom/compression/TensorTrain.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace loom::compression;

namespace {

std::vector<double> randomVector(size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> dist;
  std::vector<double> v(n);
  for (double &x : v)
    x = dist(gen);
  return v;
}

/// A dense tensor with the given TT ranks (random cores).
std::vector<double> randomTrain(const std::vector<int64_t> &modes,
                                const std::vector<int64_t> &ranks,
                                unsigned seed) {
  TensorTrain tt;
  tt.modes = modes;
  tt.ranks = ranks;
  for (size_t k = 0; k < modes.size(); ++k)
    tt.cores.push_back(
        randomVector(ranks[k] * modes[k] * ranks[k + 1], seed + k));
  return tt.reconstruct();
}

double relativeDistance(const std::vector<double> &a,
                        const std::vector<double> &b) {
  double diff = 0, norm = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff += (a[i] - b[i]) * (a[i] - b[i]);
    norm += a[i] * a[i];
  }
  return std::sqrt(diff / norm);
}

TEST(TensorTrain, RecoversLowRankTrainExactly) {
  std::vector<int64_t> modes = {6, 8, 8, 5};
  std::vector<double> a = randomTrain(modes, {1, 3, 4, 2, 1}, 1);
  TensorTrain tt = decompose(a, modes, /*maxRank=*/0, /*tolerance=*/0);
  EXPECT_EQ(tt.ranks, (std::vector<int64_t>{1, 3, 4, 2, 1}));
  EXPECT_LT(relativeDistance(a, tt.reconstruct()), 1e-10);
  EXPECT_LT(tt.relativeError, 1e-10);
  EXPECT_EQ(tt.parameters(), 6 * 3 + 3 * 8 * 4 + 4 * 8 * 2 + 2 * 5);
}

TEST(TensorTrain, ToleranceBoundsTheError) {
  std::vector<int64_t> modes = {4, 8, 8, 4};
  std::vector<double> a = randomVector(4 * 8 * 8 * 4, 7);
  for (double tol : {0.05, 0.2, 0.5}) {
    TensorTrain tt = decompose(a, modes, 0, tol);
    double actual = relativeDistance(a, tt.reconstruct());
    EXPECT_LE(actual, tol + 1e-9) << "tol " << tol;
    // The reported error is the exact one.
    EXPECT_NEAR(tt.relativeError, actual, 1e-9) << "tol " << tol;
  }
  // A looser tolerance never needs more parameters.
  EXPECT_GE(decompose(a, modes, 0, 0.05).parameters(),
            decompose(a, modes, 0, 0.5).parameters());
}

TEST(TensorTrain, RankCap) {
  std::vector<int64_t> modes = {4, 8, 8, 4};
  std::vector<double> a = randomVector(4 * 8 * 8 * 4, 3);
  TensorTrain tt = decompose(a, modes, /*maxRank=*/2, 0);
  for (int64_t r : tt.ranks)
    EXPECT_LE(r, 2);
  EXPECT_NEAR(tt.relativeError, relativeDistance(a, tt.reconstruct()), 1e-9);
  EXPECT_GT(tt.relativeError, 0.1); // random data is not of rank 2
}

TEST(TensorTrain, SingleMode) {
  std::vector<double> a = randomVector(10, 5);
  TensorTrain tt = decompose(a, {10}, 0, 0.1);
  EXPECT_EQ(tt.ranks, (std::vector<int64_t>{1, 1}));
  EXPECT_EQ(tt.reconstruct(), a);
}

TEST(TensorTrain, BalancedFactors) {
  EXPECT_EQ(balancedFactors(1024, 4), (std::vector<int64_t>{4, 4, 8, 8}));
  EXPECT_EQ(balancedFactors(784, 2), (std::vector<int64_t>{28, 28}));
  EXPECT_EQ(balancedFactors(256, 4), (std::vector<int64_t>{4, 4, 4, 4}));
  EXPECT_EQ(balancedFactors(10, 2), (std::vector<int64_t>{2, 5}));
  EXPECT_TRUE(balancedFactors(7, 2).empty());
  EXPECT_TRUE(balancedFactors(12, 4).empty());
}

} // namespace
