//===- MemoryPlanner.cpp - arena offsets for intermediates ----------------===//
#include "loom/module/MemoryPlanner.h"

#include <algorithm>
#include <numeric>

namespace loom {

namespace {
uint64_t alignUp(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }
bool overlapInTime(const LiveBuffer &a, const LiveBuffer &b) {
  return a.first <= b.last && b.first <= a.last;
}
} // namespace

uint64_t planArena(std::vector<LiveBuffer> &buffers, uint64_t alignment) {
  std::vector<size_t> order(buffers.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return buffers[a].size > buffers[b].size;
  });
  std::vector<size_t> placed;
  uint64_t arena = 0;
  for (size_t i : order) {
    LiveBuffer &buf = buffers[i];
    uint64_t size = alignUp(std::max<uint64_t>(buf.size, 1), alignment);
    // Address ranges of conflicting buffers, sorted by offset.
    std::vector<std::pair<uint64_t, uint64_t>> busy;
    for (size_t j : placed)
      if (overlapInTime(buf, buffers[j]))
        busy.push_back({buffers[j].offset,
                        buffers[j].offset +
                            alignUp(std::max<uint64_t>(buffers[j].size, 1),
                                    alignment)});
    std::sort(busy.begin(), busy.end());
    uint64_t offset = 0;
    for (auto [begin, end] : busy) {
      if (offset + size <= begin)
        break;
      offset = std::max(offset, end);
    }
    buf.offset = offset;
    arena = std::max(arena, offset + size);
    placed.push_back(i);
  }
  return arena;
}

} // namespace loom
