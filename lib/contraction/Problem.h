//===- Problem.h - Internal view of a (sub)network for the finders -*- C++ -*-//
//
// Part of Loom's tensor-network contraction library (LoomContraction).
// Internal header: not installed, not part of the API.
//
// A Problem is what every path finder works on: a list of "pieces" (input
// tensors after pre-reduction, or subtrees of a larger tree) given by their
// legs. A leg is a (local index, count) pair where count is the number of
// original input tensors inside the piece that hold the index. Contracting
// two pieces removes (sums) an index when it is not external and the merged
// count reaches the index's total, i.e. no other piece holds it.
//
//===----------------------------------------------------------------------===//
#ifndef LOOM_LIB_CONTRACTION_PROBLEM_H
#define LOOM_LIB_CONTRACTION_PROBLEM_H

#include "loom/contraction/Cost.h"
#include "loom/contraction/Network.h"
#include "loom/contraction/Tree.h"

#include <chrono>
#include <cstdint>
#include <vector>

namespace loom {
namespace contraction {
namespace detail {

struct Leg {
  uint32_t idx;
  uint32_t count;
};
/// Legs of a piece, sorted by idx.
using Legs = std::vector<Leg>;
/// SSA steps over a problem's pieces (pieces are nodes 0..k-1).
using SsaSteps = std::vector<NodePair>;

struct Problem {
  std::vector<double> size;      ///< per local index
  std::vector<uint32_t> total;   ///< input tensors holding the index, here
  std::vector<char> external;    ///< never summed inside this problem
  std::vector<IndexId> global;   ///< local -> network index id
  std::vector<Legs> pieces;      ///< the pieces' legs
  std::vector<Cost> pieceCost;   ///< cost already spent inside each piece

  size_t numPieces() const { return pieces.size(); }
  size_t numIndices() const { return size.size(); }
};

/// Result of contracting two pieces.
struct Merge {
  Legs legs;
  double volume = 1; ///< product of the sizes of all legs involved
  double size = 1;   ///< product of the sizes of the result's legs
  bool sums = false; ///< whether an index is summed
  double flops() const { return stepFlops(volume, sums); }
};

/// Contracts legs `a` and `b`. O(|a| + |b|).
void mergeLegs(const Problem &p, const Legs &a, const Legs &b, Merge &out);
/// Size of the result of contracting `a` and `b`, without building it.
double mergedSize(const Problem &p, const Legs &a, const Legs &b);
/// Product of the sizes of `legs`.
double legsSize(const Problem &p, const Legs &legs);

/// The problem of a whole network: one piece per input tensor, pre-reduced
/// (pieceCost holds the pre-reduction), local index ids equal to the network's.
/// Assumes a valid network.
Problem buildNetworkProblem(const Network &network);

/// The sub-problem made of `pieces` (legs in `parent`'s local ids, counts
/// relative to the original inputs) with their costs. Indices are relabelled
/// densely; an index is external when it is external in `parent` or held by
/// parent pieces outside this sub-problem.
Problem buildSubProblem(const Problem &parent, const std::vector<Legs> &pieces,
                        const std::vector<Cost> &costs);

/// Cost of the tree `steps` over all pieces of `p` (pieceCost included).
/// `steps` must be a valid SSA tree over p.numPieces() pieces.
Cost evaluateSteps(const Problem &p, const SsaSteps &steps);

/// Appends the steps of a sub-solution to `out`, where sub-problem piece j is
/// node pieceNode[j] of the enclosing tree and new nodes are numbered from
/// `nextNode` (advanced). Returns the node holding the sub-solution's root.
int appendSteps(SsaSteps &out, int &nextNode, const std::vector<int> &pieceNode,
                const SsaSteps &sub);

/// A wall-clock deadline; `none()` never expires.
class Deadline {
public:
  using Clock = std::chrono::steady_clock;
  static Deadline none() { return Deadline(); }
  /// `seconds` from now; no limit when seconds <= 0.
  static Deadline after(double seconds) {
    Deadline d;
    if (seconds > 0) {
      d.limited_ = true;
      d.end_ = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                  std::chrono::duration<double>(seconds));
    }
    return d;
  }
  /// A time budget: `seconds` from now, already expired when <= 0 (so that
  /// a zero budget still allows the one mandatory trial, and no more).
  static Deadline budget(double seconds) {
    Deadline d;
    d.limited_ = true;
    d.end_ = Clock::now();
    if (seconds > 0)
      d.end_ += std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>(seconds));
    return d;
  }
  bool expired() const { return limited_ && Clock::now() >= end_; }
  bool limited() const { return limited_; }
  /// Seconds left (a large number when unlimited, 0 when expired).
  double remaining() const {
    if (!limited_)
      return 1e30;
    double s = std::chrono::duration<double>(end_ - Clock::now()).count();
    return s > 0 ? s : 0;
  }
  /// The earlier of this and `other`.
  Deadline min(const Deadline &other) const {
    if (!limited_)
      return other;
    if (!other.limited_)
      return *this;
    return end_ < other.end_ ? *this : other;
  }

private:
  bool limited_ = false;
  Clock::time_point end_{};
};

/// Seconds elapsed since `start`.
inline double secondsSince(Deadline::Clock::time_point start) {
  return std::chrono::duration<double>(Deadline::Clock::now() - start).count();
}

/// True when `a` is better than `b` by more than rounding noise (relative
/// 1e-9 on the score, then on flops, then on the largest intermediate).
bool clearlyBetter(const CostObjective &objective, const Cost &a,
                   const Cost &b);

} // namespace detail
} // namespace contraction
} // namespace loom

#endif // LOOM_LIB_CONTRACTION_PROBLEM_H
