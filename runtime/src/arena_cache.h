// Reuses per-call arenas between calls of one function, so a call does not
// pay for a fresh (often mmap'ed and page-faulted) scratch allocation: a
// block released is handed out again for a request of the same size and
// alignment. Thread-safe: concurrent calls each take their own arena.
#ifndef LOOM_RUNTIME_SRC_ARENA_CACHE_H
#define LOOM_RUNTIME_SRC_ARENA_CACHE_H

#include "aligned_memory.h"

#include <mutex>
#include <vector>

namespace loom::rt {

class ArenaCache {
public:
  // Returns an arena of `size` bytes aligned to `alignment`, or null if out
  // of memory.
  AlignedPtr acquire(size_t size, size_t alignment);
  // Gives an arena from acquire(size, alignment) back for reuse.
  void release(AlignedPtr arena, size_t size, size_t alignment);

private:
  struct Block {
    AlignedPtr memory;
    size_t size = 0, alignment = 0;
  };
  static constexpr size_t kMaxCached = 8;
  std::mutex mutex_;
  std::vector<Block> free_;
};

} // namespace loom::rt

#endif // LOOM_RUNTIME_SRC_ARENA_CACHE_H
