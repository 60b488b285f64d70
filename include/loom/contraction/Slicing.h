//===- Slicing.h - Slicing under a memory limit -----------------*- C++ -*-===//
//
// Part of Loom's tensor-network contraction library (LoomContraction).
//
// Slicing an index means looping over its values and contracting the rest of
// the network once per value (accumulating the partial results when the
// index is summed, writing disjoint blocks of the result when it is an output
// index). Inside the loop the index has size 1, so every intermediate holding
// it shrinks; the price is recomputing whatever does not hold it. The cost of
// a sliced tree is defined by computeSlicedCost (Cost.h).
//
//===----------------------------------------------------------------------===//
#ifndef LOOM_CONTRACTION_SLICING_H
#define LOOM_CONTRACTION_SLICING_H

#include "loom/contraction/Cost.h"
#include "loom/contraction/Network.h"
#include "loom/contraction/Tree.h"

#include <string>
#include <vector>

namespace loom {
namespace contraction {

struct SliceOptions {
  /// Largest intermediate allowed per slice, in elements (>= 1).
  double memoryLimit = 0;
  /// Whether output indices may be sliced.
  bool allowOutputIndices = true;
  /// Give up (error) rather than produce more slices than this.
  double maxSlices = 1e15;
  /// Objective used when the tree is re-optimised for the sliced network.
  CostObjective objective;
  /// Whether to re-optimise the tree for the sliced sizes (subtree
  /// reconfiguration under the limit) and then drop slices that became
  /// unnecessary.
  bool reconfigure = true;
};

struct SliceResult {
  /// Possibly re-optimised tree (same leaves as the input tree).
  ContractionTree tree;
  /// Sliced indices, in the order they were chosen.
  std::vector<IndexId> sliced;
  double numSlices = 1;
  /// computeSlicedCost(network, tree, sliced).
  Cost cost;
  std::string error;
  bool ok() const { return error.empty(); }
};

/// Chooses indices to slice so that no intermediate of `tree` exceeds
/// options.memoryLimit, greedily minimising the total FLOPs: each round tries
/// every index of an oversized intermediate and looks one greedy completion
/// ahead for the most promising ones. O(r * c * (c + L) * n * k) for r rounds,
/// c candidates, L lookahead steps, n tensors, k indices per intermediate.
/// Fails with a message when the limit is < 1, when it would need slicing an
/// output index while allowOutputIndices is false, or when more than
/// maxSlices slices would be needed. Never returns a tree over the limit.
SliceResult sliceTree(const Network &network, const ContractionTree &tree,
                      const SliceOptions &options);

} // namespace contraction
} // namespace loom

#endif // LOOM_CONTRACTION_SLICING_H
