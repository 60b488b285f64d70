#include "aligned_memory.h"
#include "environment.h"

#include <cstdlib>
#include <deque>
#include <mutex>
#include <unordered_map>

#include <sys/mman.h>

namespace loom::rt {
namespace {

constexpr size_t kPageBytes = 4096;
constexpr size_t kHugePageBytes = size_t(2) << 20;
constexpr size_t kCapacityGranule = size_t(64) << 10;

void *rawAlloc(size_t size, size_t alignment) {
  if (alignment < sizeof(void *))
    alignment = sizeof(void *);
  void *ptr = nullptr;
  if (posix_memalign(&ptr, alignment, size == 0 ? 1 : size) != 0)
    return nullptr;
  return ptr;
}

size_t limitFromEnvironment() {
  std::optional<uint64_t> mb = environmentNumber("LOOM_BUFFER_CACHE_MB");
  if (!mb || *mb > (uint64_t(1) << 30))
    return kDefaultBufferCacheBytes;
  return size_t(*mb) << 20;
}

// Page-aligned blocks of at least kLargeBlockBytes, their capacity rounded
// up to kCapacityGranule so that requests of nearly the same size share
// blocks. A request takes the smallest cached block that holds it without
// wasting more than a quarter of it; a free that pushes the cache past its
// limit drops the oldest blocks first.
class LargeBlockCache {
public:
  LargeBlockCache() : limit_(limitFromEnvironment()) {}

  bool handles(size_t size, size_t alignment) const {
    return limit_ != 0 && size >= kLargeBlockBytes && alignment <= kPageBytes;
  }

  void *allocate(size_t size) {
    size_t capacity = (size + kCapacityGranule - 1) / kCapacityGranule *
                      kCapacityGranule;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto best = free_.end();
      for (auto it = free_.begin(); it != free_.end(); ++it)
        if (it->capacity >= capacity &&
            it->capacity - capacity <= it->capacity / 4 &&
            (best == free_.end() || it->capacity < best->capacity))
          best = it;
      if (best != free_.end()) {
        Block block = *best;
        free_.erase(best);
        cachedBytes_ -= block.capacity;
        live_.emplace(block.ptr, block.capacity);
        ++hits_;
        return block.ptr;
      }
      ++misses_;
    }
    bool huge = capacity >= kHugePageBytes;
    void *ptr = rawAlloc(capacity, huge ? kHugePageBytes : kPageBytes);
    if (!ptr)
      return nullptr;
#ifdef MADV_HUGEPAGE
    // Transparent huge pages where the system leaves them to madvise: a
    // kernel streaming through tens of MB otherwise walks the page tables
    // every 4 KiB. Advice only; failure changes nothing.
    if (huge)
      (void)madvise(ptr, capacity / kHugePageBytes * kHugePageBytes,
                    MADV_HUGEPAGE);
#endif
    std::lock_guard<std::mutex> lock(mutex_);
    live_.emplace(ptr, capacity);
    return ptr;
  }

  // Takes the block back if it came from allocate(); false otherwise.
  bool release(void *ptr) {
    std::deque<void *> dropped;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = live_.find(ptr);
      if (it == live_.end())
        return false;
      size_t capacity = it->second;
      live_.erase(it);
      if (capacity > limit_) {
        dropped.push_back(ptr);
      } else {
        free_.push_back({ptr, capacity});
        cachedBytes_ += capacity;
        while (cachedBytes_ > limit_) {
          dropped.push_back(free_.front().ptr);
          cachedBytes_ -= free_.front().capacity;
          free_.pop_front();
        }
      }
    }
    for (void *p : dropped)
      std::free(p);
    return true;
  }

  void trim() {
    std::deque<Block> dropped;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      dropped.swap(free_);
      cachedBytes_ = 0;
    }
    for (const Block &block : dropped)
      std::free(block.ptr);
  }

  BufferCacheStats stats() {
    std::lock_guard<std::mutex> lock(mutex_);
    BufferCacheStats s;
    s.cachedBlocks = free_.size();
    s.cachedBytes = cachedBytes_;
    s.limitBytes = limit_;
    s.hits = hits_;
    s.misses = misses_;
    return s;
  }

private:
  struct Block {
    void *ptr;
    size_t capacity;
  };
  const size_t limit_;
  std::mutex mutex_;
  std::unordered_map<void *, size_t> live_;
  std::deque<Block> free_; // oldest first
  size_t cachedBytes_ = 0, hits_ = 0, misses_ = 0;
};

// Never destroyed: tensors may be released from static destructors of the
// embedding program. The cached blocks stay reachable from it.
LargeBlockCache &largeBlocks() {
  static auto *cache = new LargeBlockCache;
  return *cache;
}

} // namespace

void *alignedAlloc(size_t size, size_t alignment) {
  LargeBlockCache &cache = largeBlocks();
  if (cache.handles(size, alignment))
    return cache.allocate(size);
  return rawAlloc(size, alignment);
}

void alignedFree(void *ptr) {
  if (!ptr)
    return;
  if (!largeBlocks().release(ptr))
    std::free(ptr);
}

BufferCacheStats bufferCacheStats() { return largeBlocks().stats(); }

void trimBufferCache() { largeBlocks().trim(); }

} // namespace loom::rt
