// The CPU device: kernels from the module's ELF shared object, run on a
// thread pool one dispatch at a time, each dispatch's workgroups in parallel.
#ifndef LOOM_RUNTIME_SRC_CPU_CPU_DEVICE_H
#define LOOM_RUNTIME_SRC_CPU_CPU_DEVICE_H

#include "device.h"

namespace loom::rt {

// `threadCount` 0 means one thread per hardware core.
Status createCpuDevice(int threadCount, std::unique_ptr<Device> *out);

} // namespace loom::rt

#endif // LOOM_RUNTIME_SRC_CPU_CPU_DEVICE_H
