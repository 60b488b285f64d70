//===- Greedy.h - Greedy contraction heuristics (internal) ------*- C++ -*-===//
//
// Part of Loom's tensor-network contraction library (LoomContraction).
// Internal header.
//
//===----------------------------------------------------------------------===//
#ifndef LOOM_LIB_CONTRACTION_GREEDY_H
#define LOOM_LIB_CONTRACTION_GREEDY_H

#include "Exact.h"

#include <limits>
#include <random>

namespace loom {
namespace contraction {
namespace detail {

struct GreedyParams {
  /// Candidate score: size(result) / costmod - costmod * (size(a) + size(b));
  /// costmod = 1 is opt_einsum's "memory removed".
  double costmod = 1.0;
  /// 0: deterministic. Otherwise, as cotengra's randomised greedy, the score
  /// s becomes sign(s) * log(|s|) - temperature * g with g ~ Gumbel(0, 1),
  /// drawn once per candidate (needs `rng`).
  double temperature = 0;
  std::mt19937_64 *rng = nullptr;
  /// Abort (return false) once the partial cost's score exceeds this.
  double cutoff = std::numeric_limits<double>::infinity();
  const CostObjective *objective = nullptr;
};

/// Greedy tree over all pieces of `p`: pairs sharing a non-external index by
/// best score first (deterministic scores are re-checked when popped, since a
/// hyper-index losing holders can change them), then the remaining
/// pieces by outer products, smallest first. O(E log E) heap operations for
/// E candidate pairs. Returns false only when params.cutoff is exceeded.
bool greedySolve(const Problem &p, const GreedyParams &params, Solution &out);

} // namespace detail
} // namespace contraction
} // namespace loom

#endif // LOOM_LIB_CONTRACTION_GREEDY_H
