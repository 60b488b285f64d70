// 64-byte aligned host allocations: every buffer the runtime hands to a
// kernel (results, arenas, staged inputs, module bytes) starts on a cache
// line, so compiled kernels may assume that alignment.
//
// Large blocks (results, arenas) are recycled: a freed block of at least
// kLargeBlockBytes is kept in a process-wide cache, bounded in total bytes,
// and handed out again for a later request of about its size. Without it
// every call of a function with a large result pays for fresh pages (malloc
// returns big blocks to the kernel on free, and their first touch faults).
#ifndef LOOM_RUNTIME_SRC_ALIGNED_MEMORY_H
#define LOOM_RUNTIME_SRC_ALIGNED_MEMORY_H

#include <cstddef>
#include <memory>

namespace loom::rt {

constexpr size_t kBufferAlignment = 64;
// Smaller blocks go straight to malloc, whose own bins recycle them.
constexpr size_t kLargeBlockBytes = size_t(1) << 20;
// The default bound on the bytes the cache keeps; LOOM_BUFFER_CACHE_MB
// (read once) overrides it, 0 turns the cache off.
constexpr size_t kDefaultBufferCacheBytes = size_t(256) << 20;

// Returns NULL on failure. `alignment` is a power of two; a zero-byte request
// still returns a unique non-NULL pointer.
void *alignedAlloc(size_t size, size_t alignment = kBufferAlignment);
void alignedFree(void *ptr);

// What the large-block cache holds now (for tests and diagnostics).
struct BufferCacheStats {
  size_t cachedBlocks = 0, cachedBytes = 0, limitBytes = 0;
  size_t hits = 0, misses = 0;
};
BufferCacheStats bufferCacheStats();
// Frees every cached block (the blocks in use are not affected).
void trimBufferCache();

struct AlignedDeleter {
  void operator()(void *ptr) const { alignedFree(ptr); }
};
using AlignedPtr = std::unique_ptr<unsigned char, AlignedDeleter>;

} // namespace loom::rt

#endif // LOOM_RUNTIME_SRC_ALIGNED_MEMORY_H
