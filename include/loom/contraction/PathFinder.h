//===- PathFinder.h - Contraction path finders ------------------*- C++ -*-===//
//
// Part of Loom's tensor-network contraction library (LoomContraction).
//
// Path finders turn a Network into a ContractionTree (see Tree.h) that
// minimises an objective of the cost model (see Cost.h). `n` below is the
// number of input tensors.
//
//  * optimal        exact. n <= 12 (after pre-reduction): dynamic programming
//                   over all subsets and all splits, outer products included,
//                   O(3^n). Larger: per connected component, dynamic
//                   programming over connected subsets with cost capping
//                   (Pfeifer, Haegeman, Verstraete, PRE 90, 033315 (2014)),
//                   components combined by outer products last; optimal
//                   among trees without outer products inside a component
//                   (as opt_einsum's 'dp'); worst case exponential, at most
//                   64 tensors per component.
//  * greedy         the "memory removed" heuristic of opt_einsum: repeatedly
//                   contract the pair sharing an index that minimises
//                   size(result) - size(a) - size(b); outer products of what
//                   is left last, smallest first. O(n d log(n d)) for degree d.
//  * random-greedy  greedy with randomised choices, as cotengra's: the score
//                   size(result)/c - c*(size(a)+size(b)) with a random c,
//                   and Gumbel noise of random temperature T added to its
//                   log, which (Gumbel-max trick) is Boltzmann sampling over
//                   the candidates' log-scores at temperature T. Repeated
//                   under a time budget, each trial cut off once worse than
//                   the best; the first trial is plain greedy, so it is never
//                   worse. O(n d log(n d)) per trial.
//  * partition      recursive partitioning of the tensor graph with METIS
//                   into 2 (or 3) groups per level (edge weight ~ log2 of
//                   the shared bond size), the groups of each level combined
//                   in the exactly best order, parts of at most
//                   `partitionLeafSize` tensors solved exactly; randomised
//                   trials (imbalance, part size, weight noise) under the
//                   time budget. O(n log n) METIS work per trial plus the
//                   exact solves.
//  * reconfigure    subtree reconfiguration: for every node of a tree, the
//                   subtree cut at a window of k frontier subtrees is re-solved
//                   exactly (O(3^k) per window) and replaced when better;
//                   repeated until no window improves or time runs out (only
//                   windows whose subtree changed are re-solved).
//  * auto           n <= 12: optimal. n <= 26: optimal if the capped search
//                   finishes within 30% of the budget. Otherwise greedy, then
//                   rounds of ~0.3 s (restarts; at most 20): partition and
//                   random-greedy trials, each polished by reconfiguration
//                   with windows of 6, for 30% of the round, then the round's
//                   best refined by reconfiguration with randomised windows
//                   (which escape the local minima of the deterministic one).
//                   Keeps the best, so never worse than greedy. Default
//                   budget 0.3 s; the result is returned when it runs out.
//
//===----------------------------------------------------------------------===//
#ifndef LOOM_CONTRACTION_PATHFINDER_H
#define LOOM_CONTRACTION_PATHFINDER_H

#include "loom/contraction/Cost.h"
#include "loom/contraction/Network.h"
#include "loom/contraction/Result.h"
#include "loom/contraction/Tree.h"

#include <cstdint>
#include <string>
#include <vector>

namespace loom {
namespace contraction {

enum class Optimizer { Auto, Optimal, Greedy, RandomGreedy, Partition };

/// Parses "auto", "optimal", "greedy", "random-greedy" or "partition".
Result<Optimizer> parseOptimizer(const std::string &text);
const char *optimizerName(Optimizer optimizer);

struct PathOptions {
  Optimizer optimizer = Optimizer::Auto;
  CostObjective objective;
  /// Largest intermediate allowed, in elements; 0 = no limit. When set, the
  /// tree is sliced (see Slicing.h) and an unreachable limit is an error.
  double memoryLimit = 0;
  /// Seconds for auto, random-greedy and partition (wall clock; the search
  /// stops when it runs out, so results vary with machine load). 0 = the
  /// minimum: auto returns optimal (n <= 12) or greedy, the randomised
  /// finders run a single trial.
  double timeBudget = 0.3;
  /// Seconds the `optimal` finder may run before giving up with an error;
  /// 0 = no limit.
  double optimalTimeLimit = 0;
  /// Seed of every randomised choice (results are reproducible for a seed
  /// when the time budget is not what stops the search).
  uint64_t seed = 0x5eed;
  /// Leaves per reconfiguration window (2..16; the DP costs O(3^k)).
  unsigned reconfigureWindow = 8;
  /// Parts of at most this many tensors are solved exactly by `partition`.
  unsigned partitionLeafSize = 12;
  /// Whether random-greedy and partition results are improved by subtree
  /// reconfiguration (auto always does it).
  bool reconfigure = true;
};

/// Outcome of optimizeContraction. On failure `error` says why and the other
/// fields are unspecified.
struct ContractionResult {
  ContractionTree tree;
  /// Indices to loop over (empty when no memory limit or none needed).
  std::vector<IndexId> sliced;
  /// Number of slices: product of the sizes of `sliced`.
  double numSlices = 1;
  /// Total cost over all slices (computeSlicedCost; computeCost if unsliced).
  Cost cost;
  /// Wall-clock seconds spent.
  double seconds = 0;
  /// The finder that produced `tree` (for auto: which candidate won).
  std::string method;
  std::string error;
  bool ok() const { return error.empty(); }
};

/// Finds a contraction tree (and slicing) for `network`. Never throws;
/// invalid networks or options and unreachable memory limits are reported in
/// ContractionResult::error.
ContractionResult optimizeContraction(const Network &network,
                                      const PathOptions &options = {});

/// Exact optimum for the objective. Fails when a connected component has more
/// than 64 tensors or when `timeLimit` seconds (0 = none) run out.
Result<ContractionTree> findOptimalTree(const Network &network,
                                        const CostObjective &objective,
                                        double timeLimit = 0);

/// The deterministic greedy heuristic.
Result<ContractionTree> findGreedyTree(const Network &network);

/// Randomised greedy, at most `maxTrials` trials (0 = unlimited) within
/// `timeBudget` seconds; keeps the best under `objective`.
Result<ContractionTree> findRandomGreedyTree(const Network &network,
                                             const CostObjective &objective,
                                             double timeBudget, uint64_t seed,
                                             unsigned maxTrials = 0);

/// METIS recursive bisection, parts of <= leafSize tensors solved exactly;
/// randomised trials within `timeBudget` seconds (at least one trial).
Result<ContractionTree> findPartitionTree(const Network &network,
                                          const CostObjective &objective,
                                          double timeBudget, uint64_t seed,
                                          unsigned leafSize = 12);

/// Subtree reconfiguration of `tree` with windows of `window` leaves, until
/// no window improves or `timeBudget` seconds (0 = none) run out. The result
/// is never worse than `tree` under `objective`.
Result<ContractionTree> reconfigureTree(const Network &network,
                                        const ContractionTree &tree,
                                        const CostObjective &objective,
                                        unsigned window = 8,
                                        double timeBudget = 0);

} // namespace contraction
} // namespace loom

#endif // LOOM_CONTRACTION_PATHFINDER_H
