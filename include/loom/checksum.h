/* FNV-1a 64-bit: the checksum of a module's kernel library, computed by the
 * compiler when it writes the module and by the runtime before it loads
 * any code. Header-only, shared by both. */
#ifndef LOOM_CHECKSUM_H
#define LOOM_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

static inline uint64_t loom_fnv1a64(const void *data, size_t size) {
  const unsigned char *p = (const unsigned char *)data;
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < size; ++i) {
    h ^= p[i];
    h *= 0x100000001b3ull;
  }
  /* 0 means "not recorded" in the module file. */
  return h == 0 ? 1 : h;
}

#endif /* LOOM_CHECKSUM_H */
