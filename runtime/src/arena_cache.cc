#include "arena_cache.h"

namespace loom::rt {

AlignedPtr ArenaCache::acquire(size_t size, size_t alignment) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!free_.empty()) {
      AlignedPtr arena = std::move(free_.back());
      free_.pop_back();
      return arena;
    }
  }
  return AlignedPtr(static_cast<unsigned char *>(alignedAlloc(size, alignment)));
}

void ArenaCache::release(AlignedPtr arena) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (free_.size() < kMaxCached)
    free_.push_back(std::move(arena));
}

} // namespace loom::rt
