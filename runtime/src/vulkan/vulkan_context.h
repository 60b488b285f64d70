// One Vulkan device the runtime runs on: instance, physical device, logical
// device with a compute queue, and the features its kernels may use.
#ifndef LOOM_RUNTIME_SRC_VULKAN_VULKAN_CONTEXT_H
#define LOOM_RUNTIME_SRC_VULKAN_VULKAN_CONTEXT_H

#include "vulkan/vulkan_api.h"

#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace loom::rt::vk {

// A VkBuffer with its own memory; `mapped` is set for host-visible memory.
struct Buffer {
  VkBuffer buffer = VK_NULL_HANDLE;
  VkDeviceMemory memory = VK_NULL_HANDLE;
  VkDeviceSize size = 0;
  unsigned char *mapped = nullptr;
};

class VulkanContext {
public:
  // `index` selects a physical device in enumeration order; -1 picks the
  // first GPU (discrete, then integrated, then any other, e.g. lavapipe).
  static Status create(int index, std::shared_ptr<VulkanContext> *out);
  ~VulkanContext();
  VulkanContext(const VulkanContext &) = delete;
  VulkanContext &operator=(const VulkanContext &) = delete;

  const VulkanApi &api() const { return *api_; }
  VkDevice device() const { return device_; }
  const VkPhysicalDeviceLimits &limits() const { return properties_.limits; }
  // "llvmpipe (LLVM 15.0.6, 256 bits), Vulkan 1.3.230"
  const std::string &description() const { return description_; }
  // The SPIR-V version (minor, 1.x) the device consumes.
  int spirvMinor() const { return spirvMinor_; }
  // Whether the device supports SPIR-V capability `name` (enabled on it).
  bool hasCapability(const std::string &name) const {
    return capabilities_.count(name) != 0;
  }
  // Inputs, outputs, arenas and constants live in memory the host maps
  // (integrated GPUs, lavapipe); otherwise in device memory with staging.
  bool unifiedMemory() const { return unifiedMemory_; }

  // A buffer of at least `size` bytes (16 minimum) for storage and
  // transfers: host-visible and mapped if `hostVisible`, else device-local.
  Status createBuffer(VkDeviceSize size, bool hostVisible, Buffer *out) const;
  void destroyBuffer(Buffer &buffer) const;

  // Submits one command buffer and waits for it.
  Status submitAndWait(VkCommandBuffer commands, VkFence fence) const;

  // With validation on (LOOM_VULKAN_VALIDATION=1): the first error the
  // layers reported since the last call, as a status.
  Status takeValidationErrors() const;

private:
  VulkanContext() = default;
  Status init(int index);
  Status pickDevice(int index);
  Status createLogicalDevice();
  int findMemoryType(uint32_t typeBits, VkMemoryPropertyFlags required,
                     VkMemoryPropertyFlags preferred) const;
  static VKAPI_ATTR VkBool32 VKAPI_CALL
  onMessage(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
            VkDebugUtilsMessageTypeFlagsEXT type,
            const VkDebugUtilsMessengerCallbackDataEXT *data, void *self);

  std::unique_ptr<VulkanApi> api_;
  VkInstance instance_ = VK_NULL_HANDLE;
  VkDebugUtilsMessengerEXT messenger_ = VK_NULL_HANDLE;
  VkPhysicalDevice physical_ = VK_NULL_HANDLE;
  VkDevice device_ = VK_NULL_HANDLE;
  VkQueue queue_ = VK_NULL_HANDLE;
  uint32_t queueFamily_ = 0;
  VkPhysicalDeviceProperties properties_{};
  VkPhysicalDeviceMemoryProperties memory_{};
  std::set<std::string> capabilities_;
  std::string description_;
  int spirvMinor_ = 0;
  bool unifiedMemory_ = false;
  mutable std::mutex queueMutex_;
  mutable std::mutex messageMutex_;
  mutable std::vector<std::string> validationErrors_;
};

} // namespace loom::rt::vk

#endif // LOOM_RUNTIME_SRC_VULKAN_VULKAN_CONTEXT_H
