/* CPU kernels for the runtime's tests, written by hand against
 * include/loom/kernel_abi.h (the compiler is not needed to test the runtime).
 * Each workgroup handles one tile of the 1-D iteration space along x.
 * Built three times: as loom_test_kernels, with LOOM_TEST_ABI_VERSION=99 as
 * loom_test_kernels_bad_abi, and with the oldest ABI version the runtime
 * still accepts as loom_test_kernels_oldest_abi. */
#include "loom/kernel_abi.h"

#include <stddef.h>
#include <stdint.h>

#ifndef LOOM_TEST_ABI_VERSION
#define LOOM_TEST_ABI_VERSION LOOM_KERNEL_ABI_VERSION
#endif

#define EXPORT __attribute__((visibility("default")))

EXPORT const uint32_t loom_kernel_abi_version = LOOM_TEST_ABI_VERSION;

/* [begin, end) of this workgroup's tile of n elements. */
static void tile(uint32_t n, const uint32_t *id, const uint32_t *count,
                 uint32_t *begin, uint32_t *end) {
  uint32_t size = (n + count[0] - 1) / count[0];
  *begin = id[0] * size;
  *end = *begin + size < n ? *begin + size : n;
  if (*begin > n)
    *begin = n;
}

/* bindings: a, b, out (f32[n]); push constants: n */
EXPORT void add_f32(void *const *bindings, const uint32_t *push,
                    const uint32_t *id, const uint32_t *count) {
  const float *a = (const float *)bindings[0];
  const float *b = (const float *)bindings[1];
  float *out = (float *)bindings[2];
  uint32_t begin, end;
  tile(push[0], id, count, &begin, &end);
  for (uint32_t i = begin; i < end; ++i)
    out[i] = a[i] + b[i];
}

/* bindings: x (f32[n]), scale (f32[1]), out (f32[n]); push constants: n */
EXPORT void scale_f32(void *const *bindings, const uint32_t *push,
                      const uint32_t *id, const uint32_t *count) {
  const float *x = (const float *)bindings[0];
  float scale = *(const float *)bindings[1];
  float *out = (float *)bindings[2];
  uint32_t begin, end;
  tile(push[0], id, count, &begin, &end);
  for (uint32_t i = begin; i < end; ++i)
    out[i] = x[i] * scale;
}

/* bindings: out (i32[count x*y*z]); no push constants. Writes each
 * workgroup's linear id + 1 at its linear position. */
EXPORT void record_workgroups(void *const *bindings, const uint32_t *push,
                              const uint32_t *id, const uint32_t *count) {
  (void)push;
  int32_t *out = (int32_t *)bindings[0];
  uint32_t linear = id[0] + count[0] * (id[1] + count[1] * id[2]);
  out[linear] = (int32_t)linear + 1;
}

/* bindings: x, out (f32[rows x cols]); push constants: rows, cols. Each
 * workgroup adds 1 to four rows (the grid is ceildiv(rows, 4)): the kernel
 * of the dynamic-shape tests, whose row count is known per call. */
EXPORT void add_one_rows(void *const *bindings, const uint32_t *push,
                         const uint32_t *id, const uint32_t *count) {
  (void)count;
  const float *x = (const float *)bindings[0];
  float *out = (float *)bindings[1];
  uint32_t rows = push[0], cols = push[1];
  uint32_t begin = id[0] * 4, end = begin + 4 < rows ? begin + 4 : rows;
  for (uint32_t r = begin; r < end; ++r)
    for (uint32_t c = 0; c < cols; ++c)
      out[(size_t)r * cols + c] = x[(size_t)r * cols + c] + 1.0f;
}
