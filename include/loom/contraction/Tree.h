//===- Tree.h - Binary contraction trees ------------------------*- C++ -*-===//
//
// Part of Loom's tensor-network contraction library (LoomContraction).
//
// A contraction tree over n leaves (the input tensors 0..n-1) in SSA form:
// step k contracts two existing nodes into the new node n+k, so nodes
// 0..n-1 are leaves, nodes n..2n-2 are intermediates in a valid execution
// order (children before parents) and the root is node 2n-2 (node 0 when
// n == 1, where there are no steps). Every node except the root is consumed
// by exactly one step.
//
// numpy.einsum_path's "linear" form is also supported: a list of position
// pairs into a shrinking operand list; after each step both operands are
// removed from the list and the result is appended at its end.
//
//===----------------------------------------------------------------------===//
#ifndef LOOM_CONTRACTION_TREE_H
#define LOOM_CONTRACTION_TREE_H

#include "loom/contraction/Result.h"

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace loom {
namespace contraction {

/// A pair of node ids (SSA form) or of list positions (linear form).
using NodePair = std::pair<int, int>;

class ContractionTree {
public:
  /// The empty tree (zero leaves); only useful as a placeholder.
  ContractionTree() = default;

  /// Builds a tree from SSA steps over `numLeaves` leaves. Fails unless there
  /// are exactly numLeaves-1 steps, each naming two distinct existing nodes
  /// that no earlier step consumed. O(n).
  static Result<ContractionTree> fromSsa(size_t numLeaves,
                                         std::vector<NodePair> steps);

  /// Builds a tree from a numpy-style linear path (see file comment). Fails on
  /// out-of-range or equal positions or a wrong number of steps. O(n^2).
  static Result<ContractionTree>
  fromLinearPath(size_t numLeaves, const std::vector<NodePair> &path);

  /// The numpy-style linear path of this tree, steps in SSA order, each pair
  /// with the smaller position first. Empty when numLeaves() <= 1. O(n^2).
  std::vector<NodePair> toLinearPath() const;

  size_t numLeaves() const { return numLeaves_; }
  size_t numSteps() const { return steps_.size(); }
  size_t numNodes() const { return numLeaves_ + steps_.size(); }
  /// SSA steps: steps()[k] are the children of node numLeaves()+k.
  const std::vector<NodePair> &steps() const { return steps_; }

  /// The root node (0 when there is a single leaf).
  int root() const {
    return steps_.empty() ? 0 : static_cast<int>(numNodes()) - 1;
  }
  bool isLeaf(int node) const {
    return node >= 0 && static_cast<size_t>(node) < numLeaves_;
  }
  /// Children of an internal node.
  NodePair children(int node) const {
    return steps_[static_cast<size_t>(node) - numLeaves_];
  }

  /// Nested text form, e.g. "((0,1),2)".
  std::string toString() const;

private:
  size_t numLeaves_ = 0;
  std::vector<NodePair> steps_;
};

} // namespace contraction
} // namespace loom

#endif // LOOM_CONTRACTION_TREE_H
