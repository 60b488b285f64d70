#include "aligned_memory.h"

#include <cstdlib>

namespace loom::rt {

void *alignedAlloc(size_t size, size_t alignment) {
  if (alignment < sizeof(void *))
    alignment = sizeof(void *);
  void *ptr = nullptr;
  if (posix_memalign(&ptr, alignment, size == 0 ? 1 : size) != 0)
    return nullptr;
  return ptr;
}

void alignedFree(void *ptr) { std::free(ptr); }

} // namespace loom::rt
