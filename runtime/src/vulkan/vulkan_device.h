// The Vulkan device: SPIR-V kernels as compute pipelines, buffers in device
// memory, one command buffer per function recorded once and resubmitted.
#ifndef LOOM_RUNTIME_SRC_VULKAN_VULKAN_DEVICE_H
#define LOOM_RUNTIME_SRC_VULKAN_VULKAN_DEVICE_H

#include "device.h"

namespace loom::rt {

// `index` selects a physical device in enumeration order ("vulkan:N");
// -1 picks the first GPU, else the first device. UNAVAILABLE with a clear
// message when there is no Vulkan loader, driver or device.
Status createVulkanDevice(int index, std::unique_ptr<Device> *out);

} // namespace loom::rt

#endif // LOOM_RUNTIME_SRC_VULKAN_VULKAN_DEVICE_H
