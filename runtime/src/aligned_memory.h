// 64-byte aligned host allocations: every buffer the runtime hands to a
// kernel (results, arenas, staged inputs, module bytes) starts on a cache
// line, so compiled kernels may assume that alignment.
#ifndef LOOM_RUNTIME_SRC_ALIGNED_MEMORY_H
#define LOOM_RUNTIME_SRC_ALIGNED_MEMORY_H

#include <cstddef>
#include <memory>

namespace loom::rt {

constexpr size_t kBufferAlignment = 64;

// Returns NULL on failure. `alignment` is a power of two; a zero-byte request
// still returns a unique non-NULL pointer.
void *alignedAlloc(size_t size, size_t alignment = kBufferAlignment);
void alignedFree(void *ptr);

struct AlignedDeleter {
  void operator()(void *ptr) const { alignedFree(ptr); }
};
using AlignedPtr = std::unique_ptr<unsigned char, AlignedDeleter>;

} // namespace loom::rt

#endif // LOOM_RUNTIME_SRC_ALIGNED_MEMORY_H
