// The device registry: which device names this build knows and can create.
#include "device.h"

#include "cpu/cpu_device.h"

namespace loom::rt {

Status createDevice(const DeviceOptions &options,
                    std::unique_ptr<Device> *out) {
  if (options.name == "cpu")
    return createCpuDevice(options.threadCount, out);
  if (options.name == "vulkan" || options.name == "cuda")
    return error(LOOM_STATUS_UNAVAILABLE, "device '", options.name,
                 "' is not available in this build of the Loom runtime "
                 "(available devices: cpu)");
  return error(LOOM_STATUS_INVALID_ARGUMENT, "unknown device '", options.name,
               "' (known devices: cpu, vulkan, cuda; available in this "
               "build: cpu)");
}

} // namespace loom::rt
