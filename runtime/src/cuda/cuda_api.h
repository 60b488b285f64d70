// The CUDA driver API, loaded at run time from libcuda.so.1: the runtime
// builds without the CUDA toolkit and runs on machines without a GPU. The
// few types and entry points the CUDA device uses are declared here with
// the driver's ABI (cuda.h, CUDA >= 11; 64-bit device pointers, the _v2
// entry points).
#ifndef LOOM_RUNTIME_SRC_CUDA_CUDA_API_H
#define LOOM_RUNTIME_SRC_CUDA_CUDA_API_H

#include "status.h"

#include <cstddef>
#include <memory>
#include <string>

namespace loom::rt::cuda {

using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
using CUcontext = struct CUctx_st *;
using CUmodule = struct CUmod_st *;
using CUfunction = struct CUfunc_st *;
using CUstream = struct CUstream_st *;
using CUevent = struct CUevent_st *;
using CUjit_option = int;

constexpr CUresult CUDA_SUCCESS = 0;
// cuDeviceGetAttribute attributes.
constexpr int CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK = 1;
constexpr int CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X = 2;
constexpr int CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X = 5;
constexpr int CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y = 6;
constexpr int CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z = 7;
constexpr int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75;
constexpr int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76;
// cuModuleLoadDataEx options.
constexpr CUjit_option CU_JIT_ERROR_LOG_BUFFER = 5;
constexpr CUjit_option CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6;
// cuStreamCreate / cuEventCreate flags.
constexpr unsigned CU_STREAM_NON_BLOCKING = 1;
constexpr unsigned CU_EVENT_DEFAULT = 0;

// Each entry: (name in this table, symbol in libcuda, return, parameters).
#define LOOM_CUDA_FUNCTIONS(X)                                                 \
  X(cuInit, "cuInit", (unsigned flags))                                        \
  X(cuDriverGetVersion, "cuDriverGetVersion", (int *version))                  \
  X(cuGetErrorName, "cuGetErrorName", (CUresult error, const char **name))     \
  X(cuGetErrorString, "cuGetErrorString", (CUresult error, const char **text)) \
  X(cuDeviceGetCount, "cuDeviceGetCount", (int *count))                        \
  X(cuDeviceGet, "cuDeviceGet", (CUdevice * device, int ordinal))              \
  X(cuDeviceGetName, "cuDeviceGetName", (char *name, int len, CUdevice dev))   \
  X(cuDeviceGetAttribute, "cuDeviceGetAttribute",                              \
    (int *value, int attribute, CUdevice dev))                                 \
  X(cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain",                      \
    (CUcontext * ctx, CUdevice dev))                                           \
  X(cuDevicePrimaryCtxRelease, "cuDevicePrimaryCtxRelease_v2",                 \
    (CUdevice dev))                                                            \
  X(cuCtxSetCurrent, "cuCtxSetCurrent", (CUcontext ctx))                       \
  X(cuModuleLoadDataEx, "cuModuleLoadDataEx",                                  \
    (CUmodule * module, const void *image, unsigned numOptions,                \
     CUjit_option *options, void **values))                                    \
  X(cuModuleUnload, "cuModuleUnload", (CUmodule module))                       \
  X(cuModuleGetFunction, "cuModuleGetFunction",                                \
    (CUfunction * function, CUmodule module, const char *name))                \
  X(cuMemAlloc, "cuMemAlloc_v2", (CUdeviceptr * ptr, size_t bytes))            \
  X(cuMemFree, "cuMemFree_v2", (CUdeviceptr ptr))                              \
  X(cuMemcpyHtoD, "cuMemcpyHtoD_v2",                                           \
    (CUdeviceptr dst, const void *src, size_t bytes))                          \
  X(cuMemcpyHtoDAsync, "cuMemcpyHtoDAsync_v2",                                 \
    (CUdeviceptr dst, const void *src, size_t bytes, CUstream stream))         \
  X(cuMemcpyDtoHAsync, "cuMemcpyDtoHAsync_v2",                                 \
    (void *dst, CUdeviceptr src, size_t bytes, CUstream stream))               \
  X(cuMemcpyDtoDAsync, "cuMemcpyDtoDAsync_v2",                                 \
    (CUdeviceptr dst, CUdeviceptr src, size_t bytes, CUstream stream))         \
  X(cuMemsetD8Async, "cuMemsetD8Async",                                        \
    (CUdeviceptr dst, unsigned char value, size_t count, CUstream stream))     \
  X(cuMemsetD32Async, "cuMemsetD32Async",                                      \
    (CUdeviceptr dst, unsigned value, size_t count, CUstream stream))          \
  X(cuStreamCreate, "cuStreamCreate", (CUstream * stream, unsigned flags))     \
  X(cuStreamDestroy, "cuStreamDestroy_v2", (CUstream stream))                  \
  X(cuStreamSynchronize, "cuStreamSynchronize", (CUstream stream))             \
  X(cuLaunchKernel, "cuLaunchKernel",                                          \
    (CUfunction f, unsigned gridX, unsigned gridY, unsigned gridZ,             \
     unsigned blockX, unsigned blockY, unsigned blockZ, unsigned sharedBytes,  \
     CUstream stream, void **params, void **extra))                            \
  X(cuEventCreate, "cuEventCreate", (CUevent * event, unsigned flags))         \
  X(cuEventDestroy, "cuEventDestroy_v2", (CUevent event))                      \
  X(cuEventRecord, "cuEventRecord", (CUevent event, CUstream stream))          \
  X(cuEventElapsedTime, "cuEventElapsedTime",                                  \
    (float *ms, CUevent start, CUevent end))

class CudaApi {
public:
  ~CudaApi();

  // Opens the CUDA driver: $LOOM_CUDA_LIBRARY if set, else "libcuda.so.1".
  // UNAVAILABLE with the dlopen message if it cannot be loaded, or naming
  // the first entry point it lacks.
  static Status load(std::unique_ptr<CudaApi> *out);
  static Status loadFrom(const std::string &path, std::unique_ptr<CudaApi> *out);

  const std::string &libraryPath() const { return path_; }

#define LOOM_CUDA_DECLARE(name, symbol, params) CUresult(*name) params = nullptr;
  LOOM_CUDA_FUNCTIONS(LOOM_CUDA_DECLARE)
#undef LOOM_CUDA_DECLARE

private:
  CudaApi() = default;
  void *library_ = nullptr;
  std::string path_;
};

// "CUDA_ERROR_OUT_OF_MEMORY" for a CUresult (from the driver when `api` is
// loaded, else from a table of the common codes); "CUresult N" otherwise.
std::string resultName(const CudaApi *api, CUresult result);

// The runtime status for a failed driver call: RESOURCE_EXHAUSTED for
// out-of-memory, UNAVAILABLE for no device / no driver / unsupported PTX or
// architecture, INVALID_ARGUMENT for launch configuration errors, INTERNAL
// otherwise; the message names the call, the result and the driver's text.
Status resultStatus(const CudaApi *api, const char *call, CUresult result);

} // namespace loom::rt::cuda

#endif // LOOM_RUNTIME_SRC_CUDA_CUDA_API_H
