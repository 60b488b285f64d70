#include "cuda/cuda_api.h"

#include <cstdlib>
#include <dlfcn.h>

namespace loom::rt::cuda {

CudaApi::~CudaApi() {
  if (library_)
    dlclose(library_);
}

Status CudaApi::load(std::unique_ptr<CudaApi> *out) {
  const char *path = std::getenv("LOOM_CUDA_LIBRARY");
  return loadFrom(path && *path ? path : "libcuda.so.1", out);
}

Status CudaApi::loadFrom(const std::string &path,
                         std::unique_ptr<CudaApi> *out) {
  std::unique_ptr<CudaApi> api(new CudaApi());
  api->path_ = path;
  dlerror();
  api->library_ = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!api->library_) {
    const char *why = dlerror();
    return error(LOOM_STATUS_UNAVAILABLE, "no CUDA driver: cannot load '",
                 path, "': ", why ? why : "unknown error",
                 " (the CUDA device needs an NVIDIA GPU and its driver)");
  }
#define LOOM_CUDA_LOAD(name, symbol, params)                                   \
  api->name = reinterpret_cast<decltype(api->name)>(                           \
      dlsym(api->library_, symbol));                                           \
  if (!api->name)                                                              \
    return error(LOOM_STATUS_UNAVAILABLE, "'", path,                           \
                 "' is not a usable CUDA driver: it does not define " symbol   \
                 " (a CUDA 11 or newer driver is needed)");
  LOOM_CUDA_FUNCTIONS(LOOM_CUDA_LOAD)
#undef LOOM_CUDA_LOAD
  *out = std::move(api);
  return okStatus();
}

namespace {

struct KnownResult {
  CUresult code;
  const char *name;
};

// The driver names them too (cuGetErrorName); this table serves when the
// driver could not be loaded or does not know the code.
constexpr KnownResult kKnownResults[] = {
    {0, "CUDA_SUCCESS"},
    {1, "CUDA_ERROR_INVALID_VALUE"},
    {2, "CUDA_ERROR_OUT_OF_MEMORY"},
    {3, "CUDA_ERROR_NOT_INITIALIZED"},
    {4, "CUDA_ERROR_DEINITIALIZED"},
    {34, "CUDA_ERROR_STUB_LIBRARY"},
    {36, "CUDA_ERROR_CALL_REQUIRES_NEWER_DRIVER"},
    {46, "CUDA_ERROR_DEVICE_UNAVAILABLE"},
    {100, "CUDA_ERROR_NO_DEVICE"},
    {101, "CUDA_ERROR_INVALID_DEVICE"},
    {200, "CUDA_ERROR_INVALID_IMAGE"},
    {201, "CUDA_ERROR_INVALID_CONTEXT"},
    {209, "CUDA_ERROR_NO_BINARY_FOR_GPU"},
    {218, "CUDA_ERROR_INVALID_PTX"},
    {221, "CUDA_ERROR_JIT_COMPILER_NOT_FOUND"},
    {222, "CUDA_ERROR_UNSUPPORTED_PTX_VERSION"},
    {400, "CUDA_ERROR_INVALID_HANDLE"},
    {500, "CUDA_ERROR_NOT_FOUND"},
    {700, "CUDA_ERROR_ILLEGAL_ADDRESS"},
    {701, "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES"},
    {702, "CUDA_ERROR_LAUNCH_TIMEOUT"},
    {716, "CUDA_ERROR_MISALIGNED_ADDRESS"},
    {719, "CUDA_ERROR_LAUNCH_FAILED"},
    {803, "CUDA_ERROR_SYSTEM_DRIVER_MISMATCH"},
    {999, "CUDA_ERROR_UNKNOWN"},
};

} // namespace

std::string resultName(const CudaApi *api, CUresult result) {
  if (api && api->cuGetErrorName) {
    const char *name = nullptr;
    if (api->cuGetErrorName(result, &name) == CUDA_SUCCESS && name)
      return name;
  }
  for (const KnownResult &k : kKnownResults)
    if (k.code == result)
      return k.name;
  return cat("CUresult ", result);
}

Status resultStatus(const CudaApi *api, const char *call, CUresult result) {
  loom_status_code_t code = LOOM_STATUS_INTERNAL;
  switch (result) {
  case 2: // out of memory
    code = LOOM_STATUS_RESOURCE_EXHAUSTED;
    break;
  case 34: // stub library (no driver installed)
  case 36: // driver too old
  case 46: // device unavailable (exclusive mode)
  case 100: // no device
  case 101: // invalid device
  case 209: // no binary for this GPU
  case 218: // invalid PTX
  case 221: // no JIT compiler
  case 222: // PTX newer than the driver
  case 803: // driver / kernel module mismatch
    code = LOOM_STATUS_UNAVAILABLE;
    break;
  case 1:   // invalid value
  case 701: // too many resources requested for launch
    code = LOOM_STATUS_INVALID_ARGUMENT;
    break;
  default:
    break;
  }
  std::string text;
  if (api && api->cuGetErrorString) {
    const char *s = nullptr;
    if (api->cuGetErrorString(result, &s) == CUDA_SUCCESS && s)
      text = cat(" (", s, ")");
  }
  return error(code, call, " failed: ", resultName(api, result), text);
}

} // namespace loom::rt::cuda
