//===- MemoryPlanner.h - arena offsets for intermediates --------*- C++ -*-===//
//
// Plain C++ (no MLIR): given buffers with sizes and live ranges (inclusive,
// in schedule positions), assigns arena offsets so that buffers alive at the
// same time never overlap, and returns the arena size.
//
// Greedy by size (largest first), each placed at the lowest aligned offset
// that does not collide with an already placed buffer whose live range
// intersects its own: O(n^2 log n), optimal on the interval-graph instances
// that chains of layers produce and within a small factor in general.
//
//===----------------------------------------------------------------------===//
#ifndef LOOM_MODULE_MEMORYPLANNER_H
#define LOOM_MODULE_MEMORYPLANNER_H

#include <cstdint>
#include <vector>

namespace loom {

struct LiveBuffer {
  uint64_t size = 0;
  unsigned first = 0, last = 0;  // live range, inclusive
  uint64_t offset = 0;           // result
};

/// Assigns `offset` of every buffer; returns the arena size in bytes.
uint64_t planArena(std::vector<LiveBuffer> &buffers, uint64_t alignment);

} // namespace loom

#endif // LOOM_MODULE_MEMORYPLANNER_H
