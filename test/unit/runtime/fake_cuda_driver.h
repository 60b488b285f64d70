/* A fake CUDA driver (libcuda.so.1 stand-in) for testing the runtime's CUDA
 * device on machines without a GPU: fake_cuda_driver.c, built as a shared
 * library that LOOM_CUDA_LIBRARY points the runtime at. Device memory is
 * host memory (so tests can read it), launches run a hook the test sets
 * (or nothing) and are recorded, and every failure the tests need is chosen
 * by environment variables, read at each call:
 *
 *   LOOM_FAKE_CUDA_INIT_RESULT    cuInit's result (default 0)
 *   LOOM_FAKE_CUDA_DEVICE_COUNT   GPUs (default 1)
 *   LOOM_FAKE_CUDA_CC             compute capability as "86" (default 80)
 *   LOOM_FAKE_CUDA_NAME           device name (default "Fake GPU")
 *   LOOM_FAKE_CUDA_MAX_THREADS    threads per block (default 1024)
 *   LOOM_FAKE_CUDA_LOAD_RESULT    cuModuleLoadDataEx's result (default 0)
 *   LOOM_FAKE_CUDA_LOAD_LOG       text written to the JIT error log buffer
 *                                 when that result is an error
 *   LOOM_FAKE_CUDA_REFUSE_CUBIN   nonzero: cubins (ELF images) fail with
 *                                 CUDA_ERROR_NO_BINARY_FOR_GPU
 *   LOOM_FAKE_CUDA_MEMORY_LIMIT   bytes that may be allocated at once;
 *                                 beyond: CUDA_ERROR_OUT_OF_MEMORY
 *   LOOM_FAKE_CUDA_LAUNCH_RESULT  cuLaunchKernel's result (default 0)
 *   LOOM_FAKE_CUDA_TRACE          nonempty: one line on stderr per module
 *                                 load and per launch
 *
 * A PTX image's kernels are its `.entry NAME(` declarations (their .param
 * count is recorded); an ELF image (a cubin) provides any kernel name.
 * Memory copies and sets outside an allocation fail with
 * CUDA_ERROR_INVALID_VALUE and are counted. Built with FAKE_CUDA_OMIT_MEM_ALLOC
 * it lacks cuMemAlloc_v2 (an unusable driver). */
#ifndef LOOM_TEST_UNIT_RUNTIME_FAKE_CUDA_DRIVER_H
#define LOOM_TEST_UNIT_RUNTIME_FAKE_CUDA_DRIVER_H

#ifdef __cplusplus
extern "C" {
#endif

#define FAKE_CUDA_MAX_PARAMS 16

struct fake_cuda_launch {
  char kernel[64];
  unsigned grid[3], block[3], shared_bytes;
  int param_count; /* from the PTX; -1 for a cubin */
  unsigned long long params[FAKE_CUDA_MAX_PARAMS]; /* device pointers */
  int has_stream;
};

struct fake_cuda_counters {
  int inits, context_retains, context_releases;
  int module_loads, module_unloads; /* successful loads */
  int streams_created, streams_destroyed, events_created, events_destroyed;
  int allocations, frees, live_allocations;
  unsigned long long live_bytes;
  int bad_frees, out_of_bounds; /* runtime bugs: must stay 0 */
  int launches;
};

/* Called for every successful launch; `params` as given to cuLaunchKernel. */
typedef void (*fake_cuda_launch_hook)(const struct fake_cuda_launch *launch,
                                      void **params, void *user);

void fake_cuda_reset(void);
void fake_cuda_set_launch_hook(fake_cuda_launch_hook hook, void *user);
const struct fake_cuda_counters *fake_cuda_get_counters(void);
int fake_cuda_launch_count(void);
const struct fake_cuda_launch *fake_cuda_launch_at(int index);
/* What each cuModuleLoadDataEx call was given, in order, comma separated:
 * "ptx" or "cubin" ("cubin,ptx": a cubin, then the PTX). */
const char *fake_cuda_loads(void);
/* The first line of the last image loaded (for a cubin: from byte 4, up to
 * the first NUL), so tests tell their images apart. */
const char *fake_cuda_last_image(void);

#ifdef __cplusplus
}
#endif

#endif /* LOOM_TEST_UNIT_RUNTIME_FAKE_CUDA_DRIVER_H */
