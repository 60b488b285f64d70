/* The fake CUDA driver: see fake_cuda_driver.h. Implements the entry points
 * of runtime/src/cuda/cuda_api.h with the driver's ABI. */
#include "fake_cuda_driver.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))

typedef int CUresult;
typedef unsigned long long CUdeviceptr;

enum {
  OK = 0,
  INVALID_VALUE = 1,
  OUT_OF_MEMORY = 2,
  NOT_INITIALIZED = 3,
  INVALID_DEVICE = 101,
  NO_BINARY_FOR_GPU = 209,
  INVALID_HANDLE = 400,
  NOT_FOUND = 500,
};

/* --- Configuration -------------------------------------------------------*/

static long long env_int(const char *name, long long fallback) {
  const char *v = getenv(name);
  return v && *v ? strtoll(v, NULL, 0) : fallback;
}

static void trace(const char *format, ...)
    __attribute__((format(printf, 1, 2)));
static void trace(const char *format, ...) {
  const char *v = getenv("LOOM_FAKE_CUDA_TRACE");
  if (!v || !*v)
    return;
  va_list args;
  va_start(args, format);
  fputs("fake cuda: ", stderr);
  vfprintf(stderr, format, args);
  fputc('\n', stderr);
  va_end(args);
}

/* --- State ---------------------------------------------------------------*/

struct allocation {
  unsigned char *base;
  size_t size;
  struct allocation *next;
};

struct function {
  char name[64];
  int param_count;
  struct function *next;
};

struct module {
  int cubin;
  char *ptx; /* a copy of the PTX text; NULL for a cubin */
  struct function *functions;
};

static struct fake_cuda_counters counters;
static struct allocation *allocations;
static int initialized;
static int context_token;
static struct fake_cuda_launch *launches;
static int launch_count, launch_capacity;
static char loads[1024];
static char last_image[256];
static fake_cuda_launch_hook launch_hook;
static void *launch_hook_user;

/* The recorded launches go with the library: the runtime dlcloses the
   driver when its last device goes, and LeakSanitizer would report them. */
__attribute__((destructor)) static void free_launches(void) {
  free(launches);
  launches = NULL;
  launch_count = launch_capacity = 0;
}

EXPORT void fake_cuda_reset(void) {
  memset(&counters, 0, sizeof counters);
  free_launches();
  loads[0] = last_image[0] = '\0';
  launch_hook = NULL;
  launch_hook_user = NULL;
  /* Allocations stay: a module loaded before the reset still owns them. */
  for (struct allocation *a = allocations; a; a = a->next) {
    ++counters.live_allocations;
    counters.live_bytes += a->size;
  }
}

EXPORT void fake_cuda_set_launch_hook(fake_cuda_launch_hook hook,
                                      void *user) {
  launch_hook = hook;
  launch_hook_user = user;
}

EXPORT const struct fake_cuda_counters *fake_cuda_get_counters(void) {
  return &counters;
}

EXPORT int fake_cuda_launch_count(void) { return launch_count; }

EXPORT const struct fake_cuda_launch *fake_cuda_launch_at(int index) {
  return index >= 0 && index < launch_count ? &launches[index] : NULL;
}

EXPORT const char *fake_cuda_loads(void) { return loads; }

EXPORT const char *fake_cuda_last_image(void) { return last_image; }

/* The allocation holding [p, p + bytes), or NULL. */
static struct allocation *find(CUdeviceptr p, size_t bytes) {
  for (struct allocation *a = allocations; a; a = a->next) {
    uintptr_t base = (uintptr_t)a->base;
    if (p >= base && p <= base + a->size && bytes <= base + a->size - p)
      return a;
  }
  ++counters.out_of_bounds;
  trace("access of %zu bytes at 0x%llx is outside every allocation", bytes,
        p);
  return NULL;
}

/* --- Initialization and devices ------------------------------------------*/

EXPORT CUresult cuInit(unsigned flags) {
  CUresult r = (CUresult)env_int("LOOM_FAKE_CUDA_INIT_RESULT", OK);
  if (flags != 0)
    return INVALID_VALUE;
  ++counters.inits;
  initialized = r == OK;
  return r;
}

EXPORT CUresult cuDriverGetVersion(int *version) {
  *version = 12080;
  return OK;
}

struct known_error {
  CUresult code;
  const char *name, *text;
};

/* 304 is unknown to the runtime's own table: tests see the driver's name. */
static const struct known_error known_errors[] = {
    {0, "CUDA_SUCCESS", "no error"},
    {1, "CUDA_ERROR_INVALID_VALUE", "fake: invalid argument"},
    {2, "CUDA_ERROR_OUT_OF_MEMORY", "fake: out of memory"},
    {100, "CUDA_ERROR_NO_DEVICE", "fake: no CUDA-capable device is detected"},
    {218, "CUDA_ERROR_INVALID_PTX", "fake: a PTX JIT compilation failed"},
    {304, "CUDA_ERROR_OPERATING_SYSTEM", "fake: OS call failed"},
    {719, "CUDA_ERROR_LAUNCH_FAILED", "fake: unspecified launch failure"},
};

static const struct known_error *known(CUresult error) {
  for (size_t i = 0; i < sizeof known_errors / sizeof *known_errors; ++i)
    if (known_errors[i].code == error)
      return &known_errors[i];
  return NULL;
}

EXPORT CUresult cuGetErrorName(CUresult error, const char **name) {
  const struct known_error *k = known(error);
  *name = k ? k->name : NULL;
  return k ? OK : INVALID_VALUE;
}

EXPORT CUresult cuGetErrorString(CUresult error, const char **text) {
  const struct known_error *k = known(error);
  *text = k ? k->text : NULL;
  return k ? OK : INVALID_VALUE;
}

EXPORT CUresult cuDeviceGetCount(int *count) {
  if (!initialized)
    return NOT_INITIALIZED;
  *count = (int)env_int("LOOM_FAKE_CUDA_DEVICE_COUNT", 1);
  return OK;
}

EXPORT CUresult cuDeviceGet(int *device, int ordinal) {
  if (ordinal < 0 || ordinal >= env_int("LOOM_FAKE_CUDA_DEVICE_COUNT", 1))
    return INVALID_DEVICE;
  *device = ordinal;
  return OK;
}

EXPORT CUresult cuDeviceGetName(char *name, int len, int device) {
  const char *v = getenv("LOOM_FAKE_CUDA_NAME");
  (void)device;
  snprintf(name, (size_t)len, "%s", v && *v ? v : "Fake GPU");
  return OK;
}

EXPORT CUresult cuDeviceGetAttribute(int *value, int attribute, int device) {
  int cc = (int)env_int("LOOM_FAKE_CUDA_CC", 80);
  (void)device;
  switch (attribute) {
  case 1: /* max threads per block */
  case 2: /* max block dim x */
    *value = (int)env_int("LOOM_FAKE_CUDA_MAX_THREADS", 1024);
    return OK;
  case 5: /* max grid dims */
    *value = 2147483647;
    return OK;
  case 6:
  case 7:
    *value = 65535;
    return OK;
  case 75:
    *value = cc / 10;
    return OK;
  case 76:
    *value = cc % 10;
    return OK;
  default:
    return INVALID_VALUE;
  }
}

/* --- Contexts ------------------------------------------------------------*/

EXPORT CUresult cuDevicePrimaryCtxRetain(void **context, int device) {
  (void)device;
  *context = &context_token;
  ++counters.context_retains;
  return OK;
}

EXPORT CUresult cuDevicePrimaryCtxRelease_v2(int device) {
  (void)device;
  ++counters.context_releases;
  return OK;
}

EXPORT CUresult cuCtxSetCurrent(void *context) {
  return context == &context_token ? OK : INVALID_HANDLE;
}

/* --- Modules -------------------------------------------------------------*/

static void append_load(const char *kind) {
  size_t used = strlen(loads);
  snprintf(loads + used, sizeof loads - used, "%s%s", used ? "," : "", kind);
}

/* Writes `text` into the JIT error log option, if the caller passed one. */
static void write_log(unsigned count, const int *options, void **values,
                      const char *text) {
  char *buffer = NULL;
  size_t size = 0;
  for (unsigned i = 0; i < count; ++i) {
    if (options[i] == 5) /* CU_JIT_ERROR_LOG_BUFFER */
      buffer = values[i];
    else if (options[i] == 6) /* CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES */
      size = (size_t)(uintptr_t)values[i];
  }
  if (buffer && size)
    snprintf(buffer, size, "%s", text);
}

EXPORT CUresult cuModuleLoadDataEx(struct module **out, const void *image,
                                   unsigned count, int *options,
                                   void **values) {
  const char *bytes = image;
  int cubin = strncmp(bytes, "\177ELF", 4) == 0;
  const char *text = cubin ? bytes + 4 : bytes;
  size_t line = strcspn(text, "\n");
  if (line >= sizeof last_image)
    line = sizeof last_image - 1;
  memcpy(last_image, text, line);
  last_image[line] = '\0';
  append_load(cubin ? "cubin" : "ptx");
  trace("cuModuleLoadDataEx: %s", cubin ? "cubin" : "ptx");
  CUresult r = (CUresult)env_int("LOOM_FAKE_CUDA_LOAD_RESULT", OK);
  if (r == OK && cubin && env_int("LOOM_FAKE_CUDA_REFUSE_CUBIN", 0))
    r = NO_BINARY_FOR_GPU;
  if (r != OK) {
    const char *log = getenv("LOOM_FAKE_CUDA_LOAD_LOG");
    if (log)
      write_log(count, options, values, log);
    return r;
  }
  struct module *m = calloc(1, sizeof *m);
  m->cubin = cubin;
  m->ptx = cubin ? NULL : strdup(bytes);
  *out = m;
  ++counters.module_loads;
  return OK;
}

EXPORT CUresult cuModuleUnload(struct module *m) {
  if (!m)
    return INVALID_HANDLE;
  while (m->functions) {
    struct function *f = m->functions;
    m->functions = f->next;
    free(f);
  }
  free(m->ptx);
  free(m);
  ++counters.module_unloads;
  return OK;
}

/* The number of .param declarations of PTX entry `name`; -1 if absent. */
static int ptx_params(const char *ptx, const char *name) {
  size_t n = strlen(name);
  for (const char *p = strstr(ptx, ".entry "); p; p = strstr(p + 1, ".entry ")) {
    const char *q = p + 7;
    while (*q == ' ')
      ++q;
    if (strncmp(q, name, n) != 0)
      continue;
    q += n;
    while (*q == ' ' || *q == '\t' || *q == '\n')
      ++q;
    if (*q != '(')
      continue;
    const char *end = strchr(q, ')');
    int params = 0;
    for (const char *r = strstr(q, ".param"); r && (!end || r < end);
         r = strstr(r + 1, ".param"))
      ++params;
    return params;
  }
  return -1;
}

EXPORT CUresult cuModuleGetFunction(struct function **out, struct module *m,
                                    const char *name) {
  if (!m)
    return INVALID_HANDLE;
  int params = m->cubin ? -1 : ptx_params(m->ptx, name);
  if (!m->cubin && params < 0)
    return NOT_FOUND;
  struct function *f = calloc(1, sizeof *f);
  snprintf(f->name, sizeof f->name, "%s", name);
  f->param_count = params;
  f->next = m->functions;
  m->functions = f;
  *out = f;
  return OK;
}

/* --- Memory --------------------------------------------------------------*/

#ifndef FAKE_CUDA_OMIT_MEM_ALLOC
EXPORT CUresult cuMemAlloc_v2(CUdeviceptr *p, size_t bytes) {
  long long limit = env_int("LOOM_FAKE_CUDA_MEMORY_LIMIT", -1);
  if (bytes == 0)
    return INVALID_VALUE;
  if (limit >= 0 && counters.live_bytes + bytes > (unsigned long long)limit)
    return OUT_OF_MEMORY;
  struct allocation *a = calloc(1, sizeof *a);
  /* The driver aligns to 256 bytes at least. */
  a->base = aligned_alloc(256, (bytes + 255) / 256 * 256);
  memset(a->base, 0, bytes);
  a->size = bytes;
  a->next = allocations;
  allocations = a;
  ++counters.allocations;
  ++counters.live_allocations;
  counters.live_bytes += bytes;
  *p = (uintptr_t)a->base;
  return OK;
}
#else
/* An old driver: only the 32-bit-era entry point. */
EXPORT CUresult cuMemAlloc(unsigned *p, unsigned bytes) {
  (void)p;
  (void)bytes;
  return OUT_OF_MEMORY;
}
#endif

EXPORT CUresult cuMemFree_v2(CUdeviceptr p) {
  for (struct allocation **a = &allocations; *a; a = &(*a)->next) {
    if ((uintptr_t)(*a)->base != p)
      continue;
    struct allocation *dead = *a;
    *a = dead->next;
    ++counters.frees;
    --counters.live_allocations;
    counters.live_bytes -= dead->size;
    free(dead->base);
    free(dead);
    return OK;
  }
  ++counters.bad_frees;
  return INVALID_VALUE;
}

EXPORT CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void *src,
                                size_t bytes) {
  if (!find(dst, bytes))
    return INVALID_VALUE;
  memcpy((void *)(uintptr_t)dst, src, bytes);
  return OK;
}

EXPORT CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void *src,
                                     size_t bytes, void *stream) {
  (void)stream;
  return cuMemcpyHtoD_v2(dst, src, bytes);
}

EXPORT CUresult cuMemcpyDtoHAsync_v2(void *dst, CUdeviceptr src, size_t bytes,
                                     void *stream) {
  (void)stream;
  if (!find(src, bytes))
    return INVALID_VALUE;
  memcpy(dst, (const void *)(uintptr_t)src, bytes);
  return OK;
}

EXPORT CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr dst, CUdeviceptr src,
                                     size_t bytes, void *stream) {
  (void)stream;
  if (!find(dst, bytes) || !find(src, bytes))
    return INVALID_VALUE;
  memmove((void *)(uintptr_t)dst, (const void *)(uintptr_t)src, bytes);
  return OK;
}

EXPORT CUresult cuMemsetD8Async(CUdeviceptr dst, unsigned char value,
                                size_t count, void *stream) {
  (void)stream;
  if (!find(dst, count))
    return INVALID_VALUE;
  memset((void *)(uintptr_t)dst, value, count);
  return OK;
}

EXPORT CUresult cuMemsetD32Async(CUdeviceptr dst, unsigned value,
                                 size_t count, void *stream) {
  (void)stream;
  if (dst % 4 || !find(dst, count * 4))
    return INVALID_VALUE;
  unsigned *words = (unsigned *)(uintptr_t)dst;
  for (size_t i = 0; i < count; ++i)
    words[i] = value;
  return OK;
}

/* --- Streams, events, launches -------------------------------------------*/

/* Streams and events are opaque heap objects, counted. */
static CUresult create_handle(void **handle, int *created) {
  *handle = malloc(1);
  ++*created;
  return OK;
}

static CUresult destroy_handle(void *handle, int *destroyed) {
  if (!handle)
    return INVALID_HANDLE;
  free(handle);
  ++*destroyed;
  return OK;
}

EXPORT CUresult cuStreamCreate(void **stream, unsigned flags) {
  (void)flags;
  return create_handle(stream, &counters.streams_created);
}

EXPORT CUresult cuStreamDestroy_v2(void *stream) {
  return destroy_handle(stream, &counters.streams_destroyed);
}

EXPORT CUresult cuStreamSynchronize(void *stream) {
  return stream ? OK : INVALID_HANDLE;
}

EXPORT CUresult cuLaunchKernel(struct function *f, unsigned gridX,
                               unsigned gridY, unsigned gridZ, unsigned blockX,
                               unsigned blockY, unsigned blockZ,
                               unsigned sharedBytes, void *stream,
                               void **params, void **extra) {
  CUresult r = (CUresult)env_int("LOOM_FAKE_CUDA_LAUNCH_RESULT", OK);
  if (!f)
    return INVALID_HANDLE;
  if (extra)
    return INVALID_VALUE;
  trace("cuLaunchKernel %s grid %ux%ux%u block %ux%ux%u", f->name, gridX,
        gridY, gridZ, blockX, blockY, blockZ);
  if (r != OK)
    return r;
  if (launch_count == launch_capacity) {
    launch_capacity = launch_capacity ? 2 * launch_capacity : 16;
    launches = realloc(launches, launch_capacity * sizeof *launches);
  }
  struct fake_cuda_launch *l = &launches[launch_count++];
  memset(l, 0, sizeof *l);
  snprintf(l->kernel, sizeof l->kernel, "%s", f->name);
  l->grid[0] = gridX;
  l->grid[1] = gridY;
  l->grid[2] = gridZ;
  l->block[0] = blockX;
  l->block[1] = blockY;
  l->block[2] = blockZ;
  l->shared_bytes = sharedBytes;
  l->param_count = f->param_count;
  l->has_stream = stream != NULL;
  for (int i = 0; i < f->param_count && i < FAKE_CUDA_MAX_PARAMS; ++i)
    l->params[i] = *(const CUdeviceptr *)params[i];
  ++counters.launches;
  if (launch_hook)
    launch_hook(l, params, launch_hook_user);
  return OK;
}

EXPORT CUresult cuEventCreate(void **event, unsigned flags) {
  (void)flags;
  return create_handle(event, &counters.events_created);
}

EXPORT CUresult cuEventDestroy_v2(void *event) {
  return destroy_handle(event, &counters.events_destroyed);
}

EXPORT CUresult cuEventRecord(void *event, void *stream) {
  (void)stream;
  return event ? OK : INVALID_HANDLE;
}

EXPORT CUresult cuEventElapsedTime(float *ms, void *start, void *end) {
  if (!start || !end)
    return INVALID_HANDLE;
  *ms = 0.25f;
  return OK;
}
