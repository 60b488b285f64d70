//===- TensorTrain.cpp - TT-SVD of dense tensors ---------------------------===//
#include "loom/compression/TensorTrain.h"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>

namespace loom::compression {

using Matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic,
                             Eigen::RowMajor>;

int64_t TensorTrain::parameters() const {
  int64_t n = 0;
  for (const std::vector<double> &core : cores)
    n += static_cast<int64_t>(core.size());
  return n;
}

std::vector<double> TensorTrain::reconstruct() const {
  // Left to right: [n1*...*nk, r_k] times core k+1 as [r_k, n_(k+1)*r_(k+1)].
  Matrix left = Matrix::Ones(1, 1);
  for (size_t k = 0; k < cores.size(); ++k) {
    Eigen::Map<const Matrix> core(cores[k].data(), ranks[k],
                                  modes[k] * ranks[k + 1]);
    Matrix product = left * core;
    left = Eigen::Map<Matrix>(product.data(), product.size() / ranks[k + 1],
                              ranks[k + 1]);
  }
  return std::vector<double>(left.data(), left.data() + left.size());
}

TensorTrain decompose(const std::vector<double> &data,
                      const std::vector<int64_t> &modes, int64_t maxRank,
                      double tolerance) {
  TensorTrain tt;
  tt.modes = modes;
  tt.ranks.assign(1, 1);
  const int d = static_cast<int>(modes.size());
  double norm2 = 0;
  for (double v : data)
    norm2 += v * v;
  // Each of the d-1 truncations may discard this much squared norm.
  double budget2 =
      d > 1 && tolerance > 0 ? tolerance * tolerance * norm2 / (d - 1) : 0;
  double discarded2 = 0;

  Matrix rest = Eigen::Map<const Matrix>(data.data(), 1, data.size());
  for (int k = 0; k + 1 < d; ++k) {
    int64_t rows = tt.ranks.back() * modes[k];
    Matrix unfolding =
        Eigen::Map<Matrix>(rest.data(), rows, rest.size() / rows);
    Eigen::BDCSVD<Eigen::MatrixXd> svd(
        unfolding, Eigen::ComputeThinU | Eigen::ComputeThinV);
    const Eigen::VectorXd &s = svd.singularValues();
    int64_t full = s.size();
    // The smallest rank whose discarded tail fits the budget; singular
    // values below round-off are always dropped.
    int64_t rank = full;
    double tail2 = 0;
    double eps = s.size() ? s(0) * 1e-12 : 0;
    while (rank > 1) {
      double next = s(rank - 1);
      if (next > eps && tail2 + next * next > budget2)
        break;
      tail2 += next * next;
      --rank;
    }
    if (maxRank > 0 && rank > maxRank) {
      for (int64_t i = maxRank; i < rank; ++i)
        tail2 += s(i) * s(i);
      rank = maxRank;
    }
    discarded2 += tail2;
    Matrix u = svd.matrixU().leftCols(rank);
    tt.cores.emplace_back(u.data(), u.data() + u.size());
    tt.ranks.push_back(rank);
    rest = s.head(rank).asDiagonal() * svd.matrixV().leftCols(rank).transpose();
  }
  tt.cores.emplace_back(rest.data(), rest.data() + rest.size());
  tt.ranks.push_back(1);
  tt.relativeError = norm2 > 0 ? std::sqrt(discarded2 / norm2) : 0;
  return tt;
}

std::vector<int64_t> balancedFactors(int64_t n, int count) {
  std::vector<int64_t> primes;
  for (int64_t p = 2; p * p <= n; ++p)
    while (n % p == 0) {
      primes.push_back(p);
      n /= p;
    }
  if (n > 1)
    primes.push_back(n);
  if (count < 1 || static_cast<int>(primes.size()) < count)
    return {};
  std::vector<int64_t> factors(count, 1);
  std::sort(primes.rbegin(), primes.rend());
  for (int64_t p : primes)
    *std::min_element(factors.begin(), factors.end()) *= p;
  std::sort(factors.begin(), factors.end());
  return factors;
}

} // namespace loom::compression
