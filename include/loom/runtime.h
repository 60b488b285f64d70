/* Loom runtime C API.
 *
 * Loads a compiled module file (.loom), verifies it, and runs its functions
 * on a device: the CPU (a thread pool), a Vulkan device, or a CUDA GPU. The
 * Vulkan loader and the CUDA driver are opened at run time; a device whose
 * library or hardware is missing is LOOM_STATUS_UNAVAILABLE with a message.
 *
 *   loom_runtime_t *rt;   loom_runtime_create(NULL, &rt);
 *   loom_module_t *m;     loom_module_load_file(rt, "model.loom", &m);
 *   loom_function_t *fn;  loom_module_lookup_function(m, "main", &fn);
 *   loom_tensor_t *x;     loom_tensor_create_copy(LOOM_DTYPE_F32, 2, shape,
 *                                                 data, bytes, &x);
 *   loom_tensor_t *y;     loom_function_call(fn, &x, 1, &y, 1);
 *   ... loom_tensor_data(y) ...
 *   loom_tensor_release(y); loom_tensor_release(x);
 *   loom_module_release(m); loom_runtime_release(rt);
 *
 * Conventions
 * - Every fallible call returns a loom_status_t: NULL means success; any
 *   other value is a status object carrying a code and a message, which the
 *   caller must free with loom_status_free (or loom_status_ignore).
 * - Output parameters (`out_*`) are written only on success, and are set to
 *   NULL first where the call fails after checking them.
 * - Objects are reference counted: *_create / *_load return one reference,
 *   *_retain adds one, *_release drops one. A module keeps its runtime
 *   alive; tensors are plain host memory and belong to no runtime.
 * - loom_function_t handles are borrowed from their module and stay valid
 *   while the module is alive.
 * - Everything is thread-safe except mutating one tensor's data from several
 *   threads. One loaded module may be called from many threads at once: each
 *   call allocates its own scratch memory and results.
 * - No C++ exception ever escapes this API.
 */
#ifndef LOOM_RUNTIME_H
#define LOOM_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define LOOM_API
#else
#define LOOM_API __attribute__((visibility("default")))
#endif

/* ------------------------------------------------------------------------ */
/* Status                                                                   */
/* ------------------------------------------------------------------------ */

typedef enum loom_status_code_e {
  LOOM_STATUS_OK = 0,
  LOOM_STATUS_INVALID_ARGUMENT = 1,   /* bad argument: NULL, wrong shape...  */
  LOOM_STATUS_NOT_FOUND = 2,          /* unknown function name, no file      */
  LOOM_STATUS_UNAVAILABLE = 3,        /* device not built in / not present   */
  LOOM_STATUS_DATA_LOSS = 4,          /* corrupt or truncated module / .npy  */
  LOOM_STATUS_INCOMPATIBLE = 5,       /* wrong format version, target, ABI   */
  LOOM_STATUS_RESOURCE_EXHAUSTED = 6, /* out of memory, memory cap exceeded  */
  LOOM_STATUS_UNIMPLEMENTED = 7,      /* valid, but not supported yet        */
  LOOM_STATUS_IO_ERROR = 8,           /* reading or writing a file failed    */
  LOOM_STATUS_INTERNAL = 9,           /* a bug in the runtime                */
  /* Not a code: makes any int32 a valid value of the type, so a bad value
   * from a caller is reported rather than being undefined behaviour. */
  LOOM_STATUS_CODE_MAX_ENUM = 0x7fffffff,
} loom_status_code_t;

typedef struct loom_status_s *loom_status_t;

LOOM_API loom_status_code_t loom_status_code(loom_status_t status);
/* The message; "OK" for NULL. Owned by the status. */
LOOM_API const char *loom_status_message(loom_status_t status);
/* "OK", "INVALID_ARGUMENT", ... */
LOOM_API const char *loom_status_code_name(loom_status_code_t code);
/* Frees a status. NULL is fine. */
LOOM_API void loom_status_free(loom_status_t status);
/* A new status (NULL for LOOM_STATUS_OK), for code layered on the runtime
 * (libloom_runtime_mpi) that reports errors the runtime's way. */
LOOM_API loom_status_t loom_status_create(loom_status_code_t code,
                                          const char *message);

/* ------------------------------------------------------------------------ */
/* Versions                                                                 */
/* ------------------------------------------------------------------------ */

/* "0.1.0" */
LOOM_API const char *loom_runtime_version(void);
/* The module file format version this runtime loads (LOOM_MODULE_FORMAT_VERSION). */
LOOM_API uint32_t loom_runtime_module_format_version(void);

/* ------------------------------------------------------------------------ */
/* Element types                                                            */
/* ------------------------------------------------------------------------ */

/* Values match the module schema's DType enum. */
typedef enum loom_dtype_e {
  LOOM_DTYPE_F32 = 0,
  LOOM_DTYPE_F16 = 1,
  LOOM_DTYPE_BF16 = 2,
  LOOM_DTYPE_I32 = 3,
  LOOM_DTYPE_I64 = 4,
  LOOM_DTYPE_I1 = 5, /* boolean, one byte per element holding 0 or 1 */
  LOOM_DTYPE_I8 = 6,
  LOOM_DTYPE_F64 = 7,
  LOOM_DTYPE_MAX_ENUM = 0x7fffffff, /* not a dtype (see LOOM_STATUS_CODE_MAX_ENUM) */
} loom_dtype_t;

/* "f32", "f16", "bf16", "i32", "i64", "i1", "i8", "f64"; "?" if invalid. */
LOOM_API const char *loom_dtype_name(loom_dtype_t dtype);
/* Bytes per element; 0 if invalid. */
LOOM_API size_t loom_dtype_size(loom_dtype_t dtype);
/* Parses a name above ("bool" is accepted for i1). */
LOOM_API loom_status_t loom_dtype_parse(const char *name,
                                        loom_dtype_t *out_dtype);

/* A tensor type: element type and shape. `shape` is borrowed. In a
 * function's signature a dynamic dimension is -1 (see
 * loom_function_input_dim_name); a tensor's own dimensions are >= 0. */
typedef struct loom_tensor_type_t {
  loom_dtype_t dtype;
  size_t rank;
  const int64_t *shape;
} loom_tensor_type_t;

/* Writes "tensor<2x3xf32>" ("tensor<?x3xf32>" for a dynamic dimension;
 * NUL-terminated, truncated to fit). Returns the length the full text
 * needs, like snprintf. */
LOOM_API size_t loom_tensor_type_format(loom_tensor_type_t type, char *buffer,
                                        size_t capacity);

/* ------------------------------------------------------------------------ */
/* Runtime: one device and its resources                                    */
/* ------------------------------------------------------------------------ */

typedef struct loom_runtime_s loom_runtime_t;

typedef struct loom_runtime_options_t {
  /* Set by loom_runtime_options_init; lets later versions add fields. */
  size_t struct_size;
  /* "cpu" (default when NULL), "vulkan" or "vulkan:N" (the N-th Vulkan
   * device; a build without the Vulkan headers has none), "cuda" or
   * "cuda:N". A module runs on the device of the target it was compiled for
   * (loom-compile --target=). */
  const char *device;
  /* CPU threads used per dispatch, the calling thread included.
   * 0 = one per CPU this process may run on (its affinity mask);
   * 1 = everything on the calling thread. */
  int32_t thread_count;
  /* Upper bound on the memory one call may allocate (its scratch arena plus
   * its results), in bytes; 0 = unlimited. A module with a function above it
   * is refused at load time; a function with dynamic shapes is checked at
   * each call with that call's sizes (RESOURCE_EXHAUSTED). */
  uint64_t max_call_memory_bytes;
} loom_runtime_options_t;

LOOM_API void loom_runtime_options_init(loom_runtime_options_t *options);

/* `options` may be NULL for the defaults. */
LOOM_API loom_status_t loom_runtime_create(
    const loom_runtime_options_t *options, loom_runtime_t **out_runtime);
LOOM_API void loom_runtime_retain(loom_runtime_t *runtime);
LOOM_API void loom_runtime_release(loom_runtime_t *runtime);

/* The device's kind: "cpu", "vulkan" or "cuda". */
LOOM_API const char *loom_runtime_device_name(const loom_runtime_t *runtime);
/* Threads used per dispatch, the calling thread included. */
LOOM_API int32_t loom_runtime_thread_count(const loom_runtime_t *runtime);
LOOM_API uint64_t
loom_runtime_max_call_memory_bytes(const loom_runtime_t *runtime);

/* Progress of long calls. A sliced contraction (a module compiled with
 * --contraction-memory-limit whose network needed slicing) runs as a loop
 * over slices; while a call runs one, `fn` is called with the slices this
 * process has done and the number it runs, at most every `interval_ms`
 * milliseconds and once when the loop ends. It is called on one of the
 * threads running the call, never twice at once; it must not call into the
 * runtime. NULL turns reporting off. Set it before making calls. */
typedef void (*loom_progress_fn_t)(void *user_data, uint64_t done,
                                   uint64_t total);
LOOM_API void loom_runtime_set_progress_callback(loom_runtime_t *runtime,
                                                 loom_progress_fn_t fn,
                                                 void *user_data,
                                                 uint32_t interval_ms);

/* Distribution over processes (ranks). With a collective set, every rank
 * runs the same calls in the same order (SPMD); the slices of each sliced
 * contraction are split into `size` contiguous blocks, rank r contracting
 * block r, and the partial results are added in a fixed tree order (so a
 * run on N ranks is reproducible) and broadcast, so every rank returns the
 * whole result. Everything else of a call runs once, on rank 0: before a
 * slice loop rank 0 broadcasts the loop's inputs that earlier commands
 * made, and at the end the outputs it wrote, so every rank returns the
 * same results. Every rank must pass the same inputs. The MPI binding, libloom_runtime_mpi (include/loom/runtime_mpi.h), fills one in
 * from an MPI communicator; any other transport can. The callbacks return
 * 0 on success; a failure fails the call with LOOM_STATUS_UNAVAILABLE.
 * Calls that use the collective must not run concurrently. */
typedef struct loom_collective_t {
  /* sizeof(loom_collective_t): lets later versions add fields. */
  size_t struct_size;
  int32_t rank; /* this process, 0 .. size-1 */
  int32_t size; /* number of ranks, >= 1 */
  void *user_data;
  /* Blocking send of `bytes` bytes to rank `dest`, and the matching
   * receive from rank `source`. */
  int (*send)(void *user_data, int32_t dest, const void *data,
              uint64_t bytes);
  int (*recv)(void *user_data, int32_t source, void *data, uint64_t bytes);
  /* Every rank's `data` becomes rank `root`'s. */
  int (*broadcast)(void *user_data, int32_t root, void *data,
                   uint64_t bytes);
  /* Called when the runtime drops the collective (may be NULL). */
  void (*destroy)(void *user_data);
} loom_collective_t;

/* Copies `collective` into the runtime (NULL: back to one process). */
LOOM_API loom_status_t loom_runtime_set_collective(
    loom_runtime_t *runtime, const loom_collective_t *collective);
/* Without a collective: contract only share `index` of `count` of every
 * slice loop's slices (the block a rank `index` of `count` would get) and
 * return that partial sum, with no communication — for splitting a run
 * into independent jobs (a batch system's job array; sum the results), or
 * for timing one share of a run too large to make here. count 1 (the
 * default) runs every slice. */
LOOM_API loom_status_t loom_runtime_set_slice_share(loom_runtime_t *runtime,
                                                    uint64_t index,
                                                    uint64_t count);

/* This process's rank and the number of ranks (0 and 1 without one). */
LOOM_API int32_t loom_runtime_rank(const loom_runtime_t *runtime);
LOOM_API int32_t loom_runtime_rank_count(const loom_runtime_t *runtime);

/* ------------------------------------------------------------------------ */
/* Modules                                                                  */
/* ------------------------------------------------------------------------ */

typedef struct loom_module_s loom_module_t;
typedef struct loom_function_s loom_function_t;
typedef struct loom_tensor_s loom_tensor_t;

typedef enum loom_memory_mode_e {
  /* The runtime copies the bytes; the caller may free them at once. */
  LOOM_MEMORY_COPY = 0,
  /* The runtime uses the caller's bytes in place (no copy); they must stay
   * valid and unchanged until the module is released, and start at a
   * 64-byte aligned address (constants are used in place). */
  LOOM_MEMORY_BORROW = 1,
  LOOM_MEMORY_MODE_MAX_ENUM = 0x7fffffff, /* not a mode */
} loom_memory_mode_t;

/* Reads, verifies and prepares a module file for the runtime's device. */
LOOM_API loom_status_t loom_module_load_file(loom_runtime_t *runtime,
                                             const char *path,
                                             loom_module_t **out_module);
LOOM_API loom_status_t loom_module_load_memory(loom_runtime_t *runtime,
                                               const void *data, size_t size,
                                               loom_memory_mode_t mode,
                                               loom_module_t **out_module);
LOOM_API void loom_module_retain(loom_module_t *module);
LOOM_API void loom_module_release(loom_module_t *module);

/* The target the module was compiled for ("cpu"), and who produced it
 * ("loom-compile 0.1.0"; "" if not recorded). Owned by the module. */
LOOM_API const char *loom_module_target(const loom_module_t *module);
LOOM_API const char *loom_module_producer(const loom_module_t *module);

LOOM_API size_t loom_module_function_count(const loom_module_t *module);
LOOM_API loom_status_t loom_module_function_at(const loom_module_t *module,
                                               size_t index,
                                               loom_function_t **out_function);
/* NOT_FOUND, listing the functions the module has, if there is none. */
LOOM_API loom_status_t loom_module_lookup_function(
    const loom_module_t *module, const char *name,
    loom_function_t **out_function);

/* ------------------------------------------------------------------------ */
/* Functions                                                                */
/* ------------------------------------------------------------------------ */

LOOM_API const char *loom_function_name(const loom_function_t *function);
/* "main(tensor<2x3xf32>, tensor<3xf32>) -> (tensor<2x3xf32>)". A function
 * with dynamic shapes shows each dynamic dimension as `?` and names them
 * after the signature: "main(tensor<?x784xf32>) -> (tensor<?x10xf32>)
 * where ? = batch" when they are all one symbol, else in order of appearance
 * ("f(tensor<?x?xf32>) -> (tensor<?xf32>) where ?s = batch, seq ->
 * batch * seq"). */
LOOM_API const char *loom_function_signature(const loom_function_t *function);
LOOM_API size_t loom_function_input_count(const loom_function_t *function);
LOOM_API size_t loom_function_output_count(const loom_function_t *function);
/* The shape pointers stay valid while the module is alive. A dynamic
 * dimension (one whose size each call's inputs decide) is -1. */
LOOM_API loom_status_t loom_function_input_type(
    const loom_function_t *function, size_t index,
    loom_tensor_type_t *out_type);
LOOM_API loom_status_t loom_function_output_type(
    const loom_function_t *function, size_t index,
    loom_tensor_type_t *out_type);
/* The name of input / output `index` (an ONNX graph input's or output's
 * name, or the `loom.name` attribute of the function's argument or result);
 * "" when the module records none, NULL when `function` is NULL or `index`
 * is out of range. Owned by the module. */
LOOM_API const char *loom_function_input_name(const loom_function_t *function,
                                              size_t index);
LOOM_API const char *loom_function_output_name(const loom_function_t *function,
                                               size_t index);
/* Dynamic shapes. 1 if the function has dynamic dimensions (its inputs may
 * have any size that matches the signature's static dimensions and the
 * symbols' equalities), else 0. */
LOOM_API int loom_function_is_dynamic(const loom_function_t *function);
/* The symbol of dimension `dim` of input / output `index` ("batch"), or the
 * expression it equals ("batch * 2") when it is not a bare symbol; "" for a
 * static dimension; NULL when an argument is out of range. Owned by the
 * module. */
LOOM_API const char *loom_function_input_dim_name(
    const loom_function_t *function, size_t index, size_t dim);
LOOM_API const char *loom_function_output_dim_name(
    const loom_function_t *function, size_t index, size_t dim);

/* Runs the function. `inputs` must match the signature in count, dtype and
 * shape. On success `outputs[0..output_count)` receive new tensors (one
 * reference each, owned by the caller); `output_count` must equal
 * loom_function_output_count. Thread-safe.
 *
 * Dynamic shapes: each input must have the signature's rank and static
 * dimensions; its dynamic dimensions give the symbols their values (the
 * first input dimension that is a symbol defines it, every other one must
 * agree), and each symbol must be at least 1. A mismatch is
 * LOOM_STATUS_INVALID_ARGUMENT naming the input, the dimension and the
 * signature. The outputs have the shapes computed for this call, and the
 * runtime's max_call_memory_bytes is checked with this call's sizes. The
 * first call with a given tuple of sizes plans its memory and commands;
 * the runtime keeps the last 16 such plans per function. */
LOOM_API loom_status_t loom_function_call(const loom_function_t *function,
                                          loom_tensor_t *const *inputs,
                                          size_t input_count,
                                          loom_tensor_t **outputs,
                                          size_t output_count);

/* ------------------------------------------------------------------------ */
/* Tensors: dense host arrays in C (row-major) order                        */
/* ------------------------------------------------------------------------ */

/* Called once when a wrapped tensor is released for the last time. */
typedef void (*loom_tensor_release_fn_t)(void *user_data, void *data);

/* A new zero-filled tensor (64-byte aligned). */
LOOM_API loom_status_t loom_tensor_allocate(loom_dtype_t dtype, size_t rank,
                                            const int64_t *shape,
                                            loom_tensor_t **out_tensor);
/* A new tensor holding a copy of `data`; `data_size` must be the tensor's
 * byte size exactly. */
LOOM_API loom_status_t loom_tensor_create_copy(loom_dtype_t dtype, size_t rank,
                                               const int64_t *shape,
                                               const void *data,
                                               size_t data_size,
                                               loom_tensor_t **out_tensor);
/* A tensor over the caller's memory (no copy). `release_fn` (may be NULL) is
 * called with (user_data, data) when the last reference goes away. The
 * memory must stay valid until then. */
LOOM_API loom_status_t loom_tensor_wrap(loom_dtype_t dtype, size_t rank,
                                        const int64_t *shape, void *data,
                                        size_t data_size,
                                        loom_tensor_release_fn_t release_fn,
                                        void *user_data,
                                        loom_tensor_t **out_tensor);
LOOM_API void loom_tensor_retain(loom_tensor_t *tensor);
LOOM_API void loom_tensor_release(loom_tensor_t *tensor);

LOOM_API loom_dtype_t loom_tensor_dtype(const loom_tensor_t *tensor);
LOOM_API size_t loom_tensor_rank(const loom_tensor_t *tensor);
/* `rank` entries, owned by the tensor. */
LOOM_API const int64_t *loom_tensor_shape(const loom_tensor_t *tensor);
LOOM_API loom_tensor_type_t loom_tensor_type(const loom_tensor_t *tensor);
LOOM_API size_t loom_tensor_element_count(const loom_tensor_t *tensor);
LOOM_API size_t loom_tensor_byte_size(const loom_tensor_t *tensor);
LOOM_API void *loom_tensor_data(loom_tensor_t *tensor);
/* Copies the tensor's bytes into `buffer`, which must hold byte_size bytes. */
LOOM_API loom_status_t loom_tensor_read(const loom_tensor_t *tensor,
                                        void *buffer, size_t buffer_size);

/* ------------------------------------------------------------------------ */
/* .npy files (NumPy format 1.0/2.0/3.0, little-endian, C order)            */
/* ------------------------------------------------------------------------ */
/* dtypes: '<f4' f32, '<f2' f16, '<f8' f64, '<i4' i32, '<i8' i64, '|b1' i1,
 * '|i1' i8. NumPy has no bfloat16: bf16 tensors are written as raw '<u2'
 * (the upper 16 bits of the float32) and '<u2' files are read as bf16. */

LOOM_API loom_status_t loom_npy_read_file(const char *path,
                                          loom_tensor_t **out_tensor);
LOOM_API loom_status_t loom_npy_read_memory(const void *data, size_t size,
                                            loom_tensor_t **out_tensor);
LOOM_API loom_status_t loom_npy_write_file(const char *path,
                                           const loom_tensor_t *tensor);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* LOOM_RUNTIME_H */
