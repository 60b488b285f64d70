//===- Exact.h - Exact contraction-order search (internal) ------*- C++ -*-===//
//
// Part of Loom's tensor-network contraction library (LoomContraction).
// Internal header.
//
//===----------------------------------------------------------------------===//
#ifndef LOOM_LIB_CONTRACTION_EXACT_H
#define LOOM_LIB_CONTRACTION_EXACT_H

#include "Problem.h"

#include "loom/contraction/Result.h"

#include <limits>

namespace loom {
namespace contraction {
namespace detail {

struct Solution {
  SsaSteps steps;
  Cost cost;
};

struct ExactOptions {
  /// Problems (and components) of at most this many pieces are solved by the
  /// all-subsets DP, which also considers outer products: O(3^k).
  unsigned exhaustiveMax = 12;
  /// Whether the all-subsets DP may contract parts that share no index
  /// (outer products); the capped connected search never does.
  bool outerProducts = true;
  /// Every produced tensor must have at most this many elements.
  double sizeLimit = std::numeric_limits<double>::infinity();
  Deadline deadline;
  /// Give up when the capped search stores more subsets than this.
  size_t maxEntries = size_t(1) << 22;
};

/// Optimal tree for `p` under `objective` (see PathFinder.h for the method).
/// Fails on timeout, on too many subsets, when a component has more than 64
/// pieces, or when no tree respects sizeLimit.
Result<Solution> solveExact(const Problem &p, const CostObjective &objective,
                            const ExactOptions &options);

/// Optimal tree over all subsets and splits (outer products included);
/// requires p.numPieces() <= 20. O(3^k * w) for w words of index bitset.
Result<Solution> solveExhaustive(const Problem &p,
                                 const CostObjective &objective,
                                 const ExactOptions &options);

/// Optimal tree among those whose every step contracts two parts sharing an
/// index, by dynamic programming over connected subsets with cost capping
/// (Pfeifer et al. 2014). Requires a connected problem of <= 64 pieces;
/// `upperBound` is the score of a known tree (or +inf).
Result<Solution> solveConnected(const Problem &p,
                                const CostObjective &objective,
                                const ExactOptions &options,
                                double upperBound);

/// Connected components of the pieces (sharing an index = connected); each
/// component lists piece numbers in increasing order.
std::vector<std::vector<int>> connectedComponents(const Problem &p);

} // namespace detail
} // namespace contraction
} // namespace loom

#endif // LOOM_LIB_CONTRACTION_EXACT_H
