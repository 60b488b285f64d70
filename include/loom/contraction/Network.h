//===- Network.h - Tensor-network model -------------------------*- C++ -*-===//
//
// Part of Loom's tensor-network contraction library (LoomContraction).
//
// A tensor network is a list of input tensors, each given by the list of its
// indices, plus the list of output indices and the size of every index. It is
// the einsum "ab,bcd,de->ace" with named, sized indices:
//
//  * an index is an integer id (IndexId) into `sizes`/`names`; names are
//    arbitrary strings used only for messages and printing;
//  * an index may appear in any number of tensors ("hyper-index" when on more
//    than two), and also in the output (Hadamard/batch index);
//  * an index repeated within one tensor is a diagonal (trace when summed);
//  * an index appearing in one tensor only and not in the output is summed out
//    of that tensor before any pairwise contraction ("pre-reduction");
//  * a tensor with no indices is a scalar; a network may be disconnected.
//
//===----------------------------------------------------------------------===//
#ifndef LOOM_CONTRACTION_NETWORK_H
#define LOOM_CONTRACTION_NETWORK_H

#include <cstdint>
#include <string>
#include <vector>

namespace loom {
namespace contraction {

/// Index identifier: position in Network::sizes / Network::names.
using IndexId = uint32_t;

struct Network {
  /// inputs[t] lists the indices of input tensor t in its dimension order
  /// (repeats allowed: diagonal/trace).
  std::vector<std::vector<IndexId>> inputs;
  /// Indices of the result, in order; no repeats; each must occur in an input.
  std::vector<IndexId> output;
  /// sizes[i] = extent of index i (>= 1).
  std::vector<int64_t> sizes;
  /// names[i] = display name of index i; may be shorter than `sizes`, missing
  /// names print as "#<id>".
  std::vector<std::string> names;

  /// Adds an index and returns its id.
  IndexId addIndex(int64_t size, std::string name = std::string());
  /// Adds an input tensor and returns its position.
  size_t addInput(std::vector<IndexId> indices);

  size_t numTensors() const { return inputs.size(); }
  size_t numIndices() const { return sizes.size(); }

  /// Display name of index `i` ("#<id>" when unnamed).
  std::string indexName(IndexId i) const;

  /// Returns an empty string when the network is well formed, otherwise a
  /// message naming the first problem found: no inputs, an index id out of
  /// range, a size < 1, a repeated output index, an output index that occurs
  /// in no input. O(total number of index occurrences).
  std::string validate() const;
};

} // namespace contraction
} // namespace loom

#endif // LOOM_CONTRACTION_NETWORK_H
