#include "arena_cache.h"

namespace loom::rt {

AlignedPtr ArenaCache::acquire(size_t size, size_t alignment) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (size_t i = free_.size(); i-- > 0;) {
      if (free_[i].size != size || free_[i].alignment != alignment)
        continue;
      AlignedPtr arena = std::move(free_[i].memory);
      free_.erase(free_.begin() + i);
      return arena;
    }
  }
  return AlignedPtr(static_cast<unsigned char *>(alignedAlloc(size, alignment)));
}

void ArenaCache::release(AlignedPtr arena, size_t size, size_t alignment) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (free_.size() >= kMaxCached)
    free_.erase(free_.begin()); // the oldest goes
  free_.push_back(Block{std::move(arena), size, alignment});
}

} // namespace loom::rt
