// The CUDA device: PTX kernels loaded with the driver's JIT, buffers in
// device memory, launches on a stream with the grid and block sizes the
// module records.
#ifndef LOOM_RUNTIME_SRC_CUDA_CUDA_DEVICE_H
#define LOOM_RUNTIME_SRC_CUDA_CUDA_DEVICE_H

#include "device.h"

#include <string>

namespace loom::rt {

// GPU number `ordinal` ("cuda:N"). UNAVAILABLE with a clear message when
// there is no driver or no such GPU. $LOOM_CUDA_VERBOSE=1 makes it say on
// stderr which code it loads (a cubin, or the PTX through the driver's JIT,
// and why); $LOOM_CUDA_TIMING=1 prints each call's GPU time.
Status createCudaDevice(int ordinal, std::unique_ptr<Device> *out);

namespace cuda {

// A GPU architecture: "sm_86" is compute capability 8.6; "sm_90a" the
// architecture-specific variant (only on 9.0 exactly), "sm_100f" the
// family-specific one (the 10.x GPUs from 10.0 up).
struct SmArch {
  int major = 0, minor = 0;
  char variant = 0; // 0, 'a' or 'f'
  int number() const { return major * 10 + minor; }
};

// Parses "sm_NN", "sm_NNa", "sm_NNNf"...; false if `text` is not one.
bool parseSmArch(const std::string &text, SmArch *arch);

// The driver's rules: PTX for sm_XY is JIT-compiled for any GPU of compute
// capability X.Y or later (arch-specific PTX only for X.Y itself, family
// PTX only within major X); a cubin for sm_XY runs on GPUs of the same
// major version X and a minor version of Y or more (an arch-specific cubin
// only on X.Y).
bool ptxRunsOn(const SmArch &code, int major, int minor);
bool cubinRunsOn(const SmArch &code, int major, int minor);

} // namespace cuda
} // namespace loom::rt

#endif // LOOM_RUNTIME_SRC_CUDA_CUDA_DEVICE_H
