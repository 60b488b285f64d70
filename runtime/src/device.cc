// The device registry: which device names this build knows and can create.
#include "device.h"

#include "cpu/cpu_device.h"
#include "cuda/cuda_device.h"
#ifdef LOOM_RUNTIME_HAVE_VULKAN
#include "vulkan/vulkan_device.h"
#endif

#include <cstdlib>

namespace loom::rt {
namespace {

// "vulkan" -> -1 (the default device), "vulkan:2" -> 2; false if malformed.
bool parseDeviceIndex(const std::string &name, size_t prefix, int *index) {
  if (name.size() == prefix) {
    *index = -1;
    return true;
  }
  if (name[prefix] != ':' || name.size() == prefix + 1 ||
      name.size() > prefix + 4)
    return false;
  int value = 0;
  for (size_t i = prefix + 1; i < name.size(); ++i) {
    if (name[i] < '0' || name[i] > '9')
      return false;
    value = value * 10 + (name[i] - '0');
  }
  *index = value;
  return true;
}

bool hasPrefix(const std::string &name, const char *prefix) {
  return name.rfind(prefix, 0) == 0;
}

const char *availableDevices() {
#ifdef LOOM_RUNTIME_HAVE_VULKAN
  return "cpu, vulkan[:N], cuda[:N]";
#else
  return "cpu, cuda[:N]";
#endif
}

} // namespace

Status createDevice(const DeviceOptions &options,
                    std::unique_ptr<Device> *out) {
  const std::string &name = options.name;
  if (name == "cpu")
    return createCpuDevice(options.threadCount, out);
  int index = -1;
  if (hasPrefix(name, "vulkan") && parseDeviceIndex(name, 6, &index)) {
#ifdef LOOM_RUNTIME_HAVE_VULKAN
    return createVulkanDevice(index, out);
#else
    return error(LOOM_STATUS_UNAVAILABLE, "device '", name,
                 "' is not available in this build of the Loom runtime (it "
                 "was built without the Vulkan headers; available devices: ",
                 availableDevices(), ")");
#endif
  }
  if (hasPrefix(name, "cuda") && parseDeviceIndex(name, 4, &index))
    return createCudaDevice(index < 0 ? 0 : index, out);
  return error(LOOM_STATUS_INVALID_ARGUMENT, "unknown device '", name,
               "' (known devices: ", availableDevices(), ")");
}

} // namespace loom::rt
