//===- TensorTrain.h - TT-SVD of dense tensors ------------------*- C++ -*-===//
//
// The tensor-train (TT, or MPS/MPO) decomposition of a dense tensor by
// successive truncated SVDs (Oseledets, "Tensor-Train Decomposition", 2011):
// A[n1, ..., nd] ~= G1[1, n1, r1] G2[r1, n2, r2] ... Gd[r(d-1), nd, 1].
// Truncation keeps each rank within `maxRank` and, when `tolerance` > 0,
// the relative Frobenius error within `tolerance` (each of the d-1 SVDs
// discards at most tolerance / sqrt(d-1) of ||A||). No MLIR dependency.
//
//===----------------------------------------------------------------------===//
#ifndef LOOM_COMPRESSION_TENSORTRAIN_H
#define LOOM_COMPRESSION_TENSORTRAIN_H

#include <cstdint>
#include <string>
#include <vector>

namespace loom::compression {

struct TensorTrain {
  /// Mode sizes n1..nd.
  std::vector<int64_t> modes;
  /// Ranks r0..rd (r0 = rd = 1).
  std::vector<int64_t> ranks;
  /// Core k, row-major [ranks[k], modes[k], ranks[k+1]].
  std::vector<std::vector<double>> cores;
  /// ||A - TT||_F / ||A||_F (exact: the discarded parts are orthogonal).
  double relativeError = 0;

  int64_t parameters() const;
  /// The dense tensor the train represents, row-major over `modes`.
  std::vector<double> reconstruct() const;
};

/// TT-SVD of the row-major tensor `data` with mode sizes `modes`.
/// `maxRank` <= 0 means no rank cap; `tolerance` <= 0 means no error-driven
/// truncation (only numerically zero singular values are dropped).
TensorTrain decompose(const std::vector<double> &data,
                      const std::vector<int64_t> &modes, int64_t maxRank,
                      double tolerance);

/// Splits `n` into `count` factors as equal as possible (largest first
/// distributed greedily); empty if `n` has fewer than `count` prime factors.
std::vector<int64_t> balancedFactors(int64_t n, int count);

} // namespace loom::compression

#endif // LOOM_COMPRESSION_TENSORTRAIN_H
