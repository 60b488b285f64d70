//===- Cost.h - The cost model of contraction trees -------------*- C++ -*-===//
//
// Part of Loom's tensor-network contraction library (LoomContraction).
//
// THE cost model: every path finder, the slicer and the tools use only what
// is declared here.
//
// FLOP convention. A pairwise step contracting A and B into C costs
//
//     flops(A, B) = V * (2 if some index of A or B is absent from C else 1),
//     V           = product of the sizes of all distinct indices of A and B,
//
// i.e. one multiply per point of the iteration space plus one add per point
// when something is summed. This is exactly the per-step count of
// opt_einsum (helpers.flop_count(idx, inner, num_terms=2, sizes)) and of numpy
// (numpy.core.einsumfunc._flop_count): for a path of pairwise steps the total
// equals opt_einsum's PathInfo.opt_cost, and numpy.einsum_path's printed
// "Optimized FLOP count" is that total plus 1 (numpy adds 1 to the sum).
// cotengra's ContractionTree.contraction_cost() is sum(V) with no factor 2,
// so it is between 1/2 and 1 times ours (exactly 1/2 when every step sums an
// index).
//
// Before the pairwise steps, an input tensor is "pre-reduced": repeated
// indices are read as a diagonal (free, a strided view) and indices that occur
// in no other tensor and not in the output are summed out. A pre-reduction
// that sums something is a unary step costing 2 * V (V = product of the sizes
// of the tensor's distinct indices), the same formula with num_terms = 1.
// numpy/opt_einsum instead fold such sums into the first pairwise step, so on
// networks that have such indices the totals are not comparable step by step;
// on networks without them (every index on >= 2 tensors or in the output)
// they are identical.
//
// Other measures, all in elements (multiply by the element size for bytes):
//  * largestIntermediate: the largest tensor produced by any step (unary
//    pre-reductions and the final result included, inputs excluded; 0 when
//    nothing is computed), as numpy.einsum_path's "Largest intermediate" and
//    opt_einsum's largest_intermediate for pairwise paths.
//  * totalWrite: the sum of the sizes of all tensors produced by steps
//    (cotengra's total_write plus pre-reduced leaves).
//
// Objectives: flops, size (largest intermediate), write (total written) and
// combo = flops + alpha * write (alpha defaults to 64 as in cotengra). Ties
// are broken by flops, then by largest intermediate. All four are monotone
// (a subtree never scores more than the tree), which the exact search uses
// for cost capping.
//
// Values are doubles: exact for integers below 2^53, then rounded; products
// overflow to +inf only beyond ~1e308.
//
//===----------------------------------------------------------------------===//
#ifndef LOOM_CONTRACTION_COST_H
#define LOOM_CONTRACTION_COST_H

#include "loom/contraction/Network.h"
#include "loom/contraction/Result.h"
#include "loom/contraction/Tree.h"

#include <string>
#include <vector>

namespace loom {
namespace contraction {

/// Cost of a (sub)tree; see the file comment for the conventions.
struct Cost {
  double flops = 0;
  double largestIntermediate = 0;
  double totalWrite = 0;
};

/// The cost of a tree made of `left`, `right` and one more step costing
/// `stepFlops` that writes a tensor of `resultSize` elements.
inline Cost combineCost(const Cost &left, const Cost &right, double stepFlops,
                        double resultSize) {
  Cost c;
  c.flops = left.flops + right.flops + stepFlops;
  c.largestIntermediate = left.largestIntermediate;
  if (right.largestIntermediate > c.largestIntermediate)
    c.largestIntermediate = right.largestIntermediate;
  if (resultSize > c.largestIntermediate)
    c.largestIntermediate = resultSize;
  c.totalWrite = left.totalWrite + right.totalWrite + resultSize;
  return c;
}

/// FLOPs of one step over an iteration space of `volume` points; `sums` is
/// whether the step sums at least one index.
inline double stepFlops(double volume, bool sums) {
  return sums ? 2 * volume : volume;
}

enum class Objective { Flops, Size, Write, Combo };

/// Parses "flops", "size", "write" or "combo".
Result<Objective> parseObjective(const std::string &text);
const char *objectiveName(Objective objective);

/// What a path finder minimises.
struct CostObjective {
  Objective kind = Objective::Flops;
  /// Weight of totalWrite in the combo objective.
  double comboAlpha = 64.0;

  /// The scalar minimised (before tie-breaking).
  double score(const Cost &c) const {
    switch (kind) {
    case Objective::Flops:
      return c.flops;
    case Objective::Size:
      return c.largestIntermediate;
    case Objective::Write:
      return c.totalWrite;
    case Objective::Combo:
      return c.flops + comboAlpha * c.totalWrite;
    }
    return c.flops;
  }
  /// True when `a` is strictly better than `b`: lower score, then lower
  /// flops, then lower largest intermediate.
  bool better(const Cost &a, const Cost &b) const {
    double sa = score(a), sb = score(b);
    if (sa != sb)
      return sa < sb;
    if (a.flops != b.flops)
      return a.flops < b.flops;
    return a.largestIntermediate < b.largestIntermediate;
  }
};

/// The indices of input `tensor` after pre-reduction (distinct, sorted):
/// what the tensor contributes to the pairwise steps. Assumes a valid network.
std::vector<IndexId> effectiveIndices(const Network &network, size_t tensor);

/// Cost of contracting `network` along `tree`. Fails when the network is
/// invalid or the tree has the wrong number of leaves. O(n * k) for n tensors
/// with at most k indices per intermediate.
Result<Cost> computeCost(const Network &network, const ContractionTree &tree);

/// Cost of the sliced contraction: every index in `sliced` is looped over
/// (its size set to 1 inside the loop body) and the body runs once per
/// combination. flops and totalWrite are the per-slice values times the
/// number of slices (as cotengra's multiplicity); a step that sums a sliced
/// index keeps its factor 2, which stands for accumulating the partial
/// results, so slicing alone never lowers the count. largestIntermediate is
/// the per-slice value. Fails on invalid input, a sliced index out of range
/// or sliced twice.
Result<Cost> computeSlicedCost(const Network &network,
                               const ContractionTree &tree,
                               const std::vector<IndexId> &sliced);

/// Per-input information for a lowering pass.
struct LeafInfo {
  /// Indices after pre-reduction (sorted, distinct).
  std::vector<IndexId> indices;
  /// Indices summed by the pre-reduction (sorted); empty if none.
  std::vector<IndexId> summed;
  /// FLOPs of the pre-reduction (0 when nothing is summed).
  double flops = 0;
};

/// Per-step information for a lowering pass. All index lists are sorted.
struct StepInfo {
  int lhs = -1, rhs = -1, result = -1; ///< SSA node ids
  std::vector<IndexId> lhsIndices, rhsIndices, resultIndices;
  /// In lhs or rhs but not in the result.
  std::vector<IndexId> summed;
  /// In lhs, rhs and the result (Hadamard/batch indices).
  std::vector<IndexId> batch;
  double flops = 0;
  double resultSize = 0;
};

struct TreeReport {
  std::vector<LeafInfo> leaves; ///< one per input tensor
  std::vector<StepInfo> steps;  ///< one per tree step, in SSA order
  Cost cost;                    ///< same as computeCost
};

/// Everything a lowering needs to materialise the tree: the index set of
/// every intermediate and how each step classifies its indices. The root's
/// resultIndices are the output indices (sorted; permute to network.output).
Result<TreeReport> describeTree(const Network &network,
                                const ContractionTree &tree);

} // namespace contraction
} // namespace loom

#endif // LOOM_CONTRACTION_COST_H
