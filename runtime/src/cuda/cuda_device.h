// The CUDA device: PTX kernels loaded with the driver's JIT, buffers in
// device memory, launches on a stream with the grid and block sizes the
// module records.
#ifndef LOOM_RUNTIME_SRC_CUDA_CUDA_DEVICE_H
#define LOOM_RUNTIME_SRC_CUDA_CUDA_DEVICE_H

#include "device.h"

namespace loom::rt {

// GPU number `ordinal` ("cuda:N"). UNAVAILABLE with a clear message when
// there is no driver or no such GPU.
Status createCudaDevice(int ordinal, std::unique_ptr<Device> *out);

} // namespace loom::rt

#endif // LOOM_RUNTIME_SRC_CUDA_CUDA_DEVICE_H
