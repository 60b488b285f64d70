// The Vulkan API, loaded at run time: the runtime never links libvulkan, so
// it builds and runs where no Vulkan loader is installed. One VulkanApi per
// device holds the loader library and every entry point the device uses.
#ifndef LOOM_RUNTIME_SRC_VULKAN_VULKAN_API_H
#define LOOM_RUNTIME_SRC_VULKAN_VULKAN_API_H

#define VK_NO_PROTOTYPES
#include <vulkan/vulkan_core.h>

#include "status.h"

#include <memory>
#include <string>

namespace loom::rt::vk {

// Entry points loaded from the library itself (no instance needed).
#define LOOM_VK_GLOBAL_FUNCTIONS(X)                                            \
  X(vkCreateInstance)                                                          \
  X(vkEnumerateInstanceLayerProperties)                                        \
  X(vkEnumerateInstanceExtensionProperties)

// Optional global entry point (Vulkan 1.1 loaders).
#define LOOM_VK_OPTIONAL_GLOBAL_FUNCTIONS(X) X(vkEnumerateInstanceVersion)

#define LOOM_VK_INSTANCE_FUNCTIONS(X)                                          \
  X(vkDestroyInstance)                                                         \
  X(vkEnumeratePhysicalDevices)                                                \
  X(vkGetPhysicalDeviceProperties)                                             \
  X(vkGetPhysicalDeviceFeatures)                                               \
  X(vkGetPhysicalDeviceFeatures2)                                              \
  X(vkGetPhysicalDeviceQueueFamilyProperties)                                  \
  X(vkGetPhysicalDeviceMemoryProperties)                                       \
  X(vkCreateDevice)                                                            \
  X(vkGetDeviceProcAddr)

#define LOOM_VK_OPTIONAL_INSTANCE_FUNCTIONS(X)                                 \
  X(vkCreateDebugUtilsMessengerEXT)                                            \
  X(vkDestroyDebugUtilsMessengerEXT)

#define LOOM_VK_DEVICE_FUNCTIONS(X)                                            \
  X(vkDestroyDevice)                                                           \
  X(vkGetDeviceQueue)                                                          \
  X(vkCreateBuffer)                                                            \
  X(vkDestroyBuffer)                                                           \
  X(vkGetBufferMemoryRequirements)                                             \
  X(vkAllocateMemory)                                                          \
  X(vkFreeMemory)                                                              \
  X(vkBindBufferMemory)                                                        \
  X(vkMapMemory)                                                               \
  X(vkUnmapMemory)                                                             \
  X(vkCreateShaderModule)                                                      \
  X(vkDestroyShaderModule)                                                     \
  X(vkCreateDescriptorSetLayout)                                               \
  X(vkDestroyDescriptorSetLayout)                                              \
  X(vkCreatePipelineLayout)                                                    \
  X(vkDestroyPipelineLayout)                                                   \
  X(vkCreateComputePipelines)                                                  \
  X(vkDestroyPipeline)                                                         \
  X(vkCreateDescriptorPool)                                                    \
  X(vkDestroyDescriptorPool)                                                   \
  X(vkAllocateDescriptorSets)                                                  \
  X(vkUpdateDescriptorSets)                                                    \
  X(vkCreateCommandPool)                                                       \
  X(vkDestroyCommandPool)                                                      \
  X(vkAllocateCommandBuffers)                                                  \
  X(vkFreeCommandBuffers)                                                      \
  X(vkBeginCommandBuffer)                                                      \
  X(vkEndCommandBuffer)                                                        \
  X(vkCmdBindPipeline)                                                         \
  X(vkCmdBindDescriptorSets)                                                   \
  X(vkCmdDispatch)                                                             \
  X(vkCmdPushConstants)                                                        \
  X(vkCmdPipelineBarrier)                                                      \
  X(vkCmdCopyBuffer)                                                           \
  X(vkCmdFillBuffer)                                                           \
  X(vkQueueSubmit)                                                             \
  X(vkCreateFence)                                                             \
  X(vkDestroyFence)                                                            \
  X(vkWaitForFences)                                                           \
  X(vkResetFences)                                                             \
  X(vkDeviceWaitIdle)

class VulkanApi {
public:
  ~VulkanApi();

  // Opens the Vulkan loader: $LOOM_VULKAN_LIBRARY if set, else
  // "libvulkan.so.1". UNAVAILABLE with the dlopen message if it cannot be
  // loaded or lacks vkGetInstanceProcAddr or a global entry point.
  static Status load(std::unique_ptr<VulkanApi> *out);
  // The same, from an explicit library path (tests).
  static Status loadFrom(const std::string &path,
                         std::unique_ptr<VulkanApi> *out);

  // Instance- and device-level entry points; UNAVAILABLE naming the first
  // missing one.
  Status loadInstanceFunctions(VkInstance instance);
  Status loadDeviceFunctions(VkDevice device);

  const std::string &libraryPath() const { return path_; }

  PFN_vkGetInstanceProcAddr vkGetInstanceProcAddr = nullptr;
#define LOOM_VK_DECLARE(name) PFN_##name name = nullptr;
  LOOM_VK_GLOBAL_FUNCTIONS(LOOM_VK_DECLARE)
  LOOM_VK_OPTIONAL_GLOBAL_FUNCTIONS(LOOM_VK_DECLARE)
  LOOM_VK_INSTANCE_FUNCTIONS(LOOM_VK_DECLARE)
  LOOM_VK_OPTIONAL_INSTANCE_FUNCTIONS(LOOM_VK_DECLARE)
  LOOM_VK_DEVICE_FUNCTIONS(LOOM_VK_DECLARE)
#undef LOOM_VK_DECLARE

private:
  VulkanApi() = default;
  void *library_ = nullptr;
  std::string path_;
};

// "VK_ERROR_OUT_OF_DEVICE_MEMORY" for a VkResult; "VkResult N" otherwise.
const char *resultName(VkResult result);

// The runtime status for a failed Vulkan call: RESOURCE_EXHAUSTED for the
// out-of-memory results, UNAVAILABLE for a lost device or missing driver
// features, INTERNAL otherwise; the message names the call and the result.
Status resultStatus(const char *call, VkResult result);

} // namespace loom::rt::vk

// Returns the status of a failing Vulkan call from the enclosing function.
#define LOOM_VK_RETURN_IF_ERROR(call, expr)                                    \
  do {                                                                         \
    VkResult loomVkResult_ = (expr);                                           \
    if (loomVkResult_ != VK_SUCCESS)                                           \
      return ::loom::rt::vk::resultStatus(call, loomVkResult_);                \
  } while (false)

#endif // LOOM_RUNTIME_SRC_VULKAN_VULKAN_API_H
