//===- Search.h - Heuristic searches on a Problem (internal) ----*- C++ -*-===//
//
// Part of Loom's tensor-network contraction library (LoomContraction).
// Internal header: the finders of PathFinder.h work on Problems through
// these functions.
//
//===----------------------------------------------------------------------===//
#ifndef LOOM_LIB_CONTRACTION_SEARCH_H
#define LOOM_LIB_CONTRACTION_SEARCH_H

#include "Exact.h"
#include "Greedy.h"

#include <random>

namespace loom {
namespace contraction {
namespace detail {

/// The deterministic greedy tree.
Solution greedyTree(const Problem &p);

/// Random-greedy trials until `deadline` or `maxTrials` (0 = unlimited); the
/// first trial is the deterministic greedy. Each later trial draws costmod
/// uniformly in [0.1, 4] and the temperature log-uniformly in [0.001, 1]
/// (cotengra's ranges) and stops as soon as it is worse than the best so far.
Solution randomGreedySearch(const Problem &p, const CostObjective &objective,
                            Deadline deadline, std::mt19937_64 &rng,
                            unsigned maxTrials);

/// One randomised greedy trial (random costmod and temperature as above);
/// false when its partial cost exceeds `cutoff`.
bool randomGreedyTrial(const Problem &p, const CostObjective &objective,
                       std::mt19937_64 &rng, double cutoff, Solution &out);

struct PartitionParams {
  unsigned leafSize = 12;  ///< parts this small are solved exactly
  double imbalance = 0.1;  ///< METIS ubvec - 1 (allowed part imbalance)
  double jitter = 0;       ///< relative noise on edge weights
  int parts = 2;           ///< groups per split (2..8)
  bool unitWeights = false; ///< edge weight 1 instead of log2(bond size)
  int seed = 0;            ///< METIS seed
  Deadline deadline;
};

/// One recursive-bisection tree (METIS, parts solved exactly).
Solution partitionTree(const Problem &p, const CostObjective &objective,
                       const PartitionParams &params, std::mt19937_64 &rng);

/// Partition trials with random parameters until `deadline` (at least one
/// trial); returns the best.
Solution partitionSearch(const Problem &p, const CostObjective &objective,
                         Deadline deadline, std::mt19937_64 &rng,
                         unsigned leafSize);

struct ReconfigureOptions {
  unsigned window = 8;
  double sizeLimit = std::numeric_limits<double>::infinity();
  Deadline deadline;
  unsigned maxPasses = 32;
  /// When set, windows grow by a random frontier node half of the time
  /// (instead of always the most expensive one), so that repeated passes
  /// explore different windows; passes then run until `deadline` or
  /// maxPasses.
  std::mt19937_64 *rng = nullptr;
};

/// Subtree reconfiguration of `start` (see PathFinder.h); never worse.
Solution reconfigure(const Problem &p, const Solution &start,
                     const CostObjective &objective,
                     const ReconfigureOptions &options);

} // namespace detail
} // namespace contraction
} // namespace loom

#endif // LOOM_LIB_CONTRACTION_SEARCH_H
