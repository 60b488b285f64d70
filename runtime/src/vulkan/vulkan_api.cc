#include "vulkan/vulkan_api.h"

#include <cstdlib>
#include <dlfcn.h>

namespace loom::rt::vk {

VulkanApi::~VulkanApi() {
  if (library_)
    dlclose(library_);
}

Status VulkanApi::load(std::unique_ptr<VulkanApi> *out) {
  const char *path = std::getenv("LOOM_VULKAN_LIBRARY");
  return loadFrom(path && *path ? path : "libvulkan.so.1", out);
}

Status VulkanApi::loadFrom(const std::string &path,
                           std::unique_ptr<VulkanApi> *out) {
  std::unique_ptr<VulkanApi> api(new VulkanApi());
  api->path_ = path;
  dlerror();
  api->library_ = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!api->library_) {
    const char *why = dlerror();
    return error(LOOM_STATUS_UNAVAILABLE,
                 "no Vulkan loader: cannot load '", path,
                 "': ", why ? why : "unknown error",
                 " (install a Vulkan driver, e.g. Debian's libvulkan1 and "
                 "mesa-vulkan-drivers)");
  }
  api->vkGetInstanceProcAddr = reinterpret_cast<PFN_vkGetInstanceProcAddr>(
      dlsym(api->library_, "vkGetInstanceProcAddr"));
  if (!api->vkGetInstanceProcAddr)
    return error(LOOM_STATUS_UNAVAILABLE, "'", path,
                 "' is not a Vulkan loader: it does not define "
                 "vkGetInstanceProcAddr");
#define LOOM_VK_LOAD_GLOBAL(name)                                              \
  api->name = reinterpret_cast<PFN_##name>(                                    \
      api->vkGetInstanceProcAddr(VK_NULL_HANDLE, #name));                      \
  if (!api->name)                                                              \
    return error(LOOM_STATUS_UNAVAILABLE, "the Vulkan loader '", path,         \
                 "' does not provide " #name);
  LOOM_VK_GLOBAL_FUNCTIONS(LOOM_VK_LOAD_GLOBAL)
#undef LOOM_VK_LOAD_GLOBAL
  api->vkEnumerateInstanceVersion =
      reinterpret_cast<PFN_vkEnumerateInstanceVersion>(
          api->vkGetInstanceProcAddr(VK_NULL_HANDLE,
                                     "vkEnumerateInstanceVersion"));
  *out = std::move(api);
  return okStatus();
}

Status VulkanApi::loadInstanceFunctions(VkInstance instance) {
#define LOOM_VK_LOAD_INSTANCE(name)                                            \
  name = reinterpret_cast<PFN_##name>(vkGetInstanceProcAddr(instance, #name)); \
  if (!name)                                                                   \
    return error(LOOM_STATUS_UNAVAILABLE,                                      \
                 "the Vulkan instance does not provide " #name                 \
                 " (a Vulkan 1.1 loader and driver are needed)");
  LOOM_VK_INSTANCE_FUNCTIONS(LOOM_VK_LOAD_INSTANCE)
#undef LOOM_VK_LOAD_INSTANCE
#define LOOM_VK_LOAD_OPTIONAL(name)                                            \
  name = reinterpret_cast<PFN_##name>(vkGetInstanceProcAddr(instance, #name));
  LOOM_VK_OPTIONAL_INSTANCE_FUNCTIONS(LOOM_VK_LOAD_OPTIONAL)
#undef LOOM_VK_LOAD_OPTIONAL
  return okStatus();
}

Status VulkanApi::loadDeviceFunctions(VkDevice device) {
#define LOOM_VK_LOAD_DEVICE(name)                                              \
  name = reinterpret_cast<PFN_##name>(vkGetDeviceProcAddr(device, #name));     \
  if (!name)                                                                   \
    return error(LOOM_STATUS_UNAVAILABLE,                                      \
                 "the Vulkan device does not provide " #name);
  LOOM_VK_DEVICE_FUNCTIONS(LOOM_VK_LOAD_DEVICE)
#undef LOOM_VK_LOAD_DEVICE
  return okStatus();
}

const char *resultName(VkResult result) {
  switch (result) {
#define LOOM_VK_RESULT(r)                                                      \
  case r:                                                                      \
    return #r;
    LOOM_VK_RESULT(VK_SUCCESS)
    LOOM_VK_RESULT(VK_NOT_READY)
    LOOM_VK_RESULT(VK_TIMEOUT)
    LOOM_VK_RESULT(VK_EVENT_SET)
    LOOM_VK_RESULT(VK_EVENT_RESET)
    LOOM_VK_RESULT(VK_INCOMPLETE)
    LOOM_VK_RESULT(VK_ERROR_OUT_OF_HOST_MEMORY)
    LOOM_VK_RESULT(VK_ERROR_OUT_OF_DEVICE_MEMORY)
    LOOM_VK_RESULT(VK_ERROR_INITIALIZATION_FAILED)
    LOOM_VK_RESULT(VK_ERROR_DEVICE_LOST)
    LOOM_VK_RESULT(VK_ERROR_MEMORY_MAP_FAILED)
    LOOM_VK_RESULT(VK_ERROR_LAYER_NOT_PRESENT)
    LOOM_VK_RESULT(VK_ERROR_EXTENSION_NOT_PRESENT)
    LOOM_VK_RESULT(VK_ERROR_FEATURE_NOT_PRESENT)
    LOOM_VK_RESULT(VK_ERROR_INCOMPATIBLE_DRIVER)
    LOOM_VK_RESULT(VK_ERROR_TOO_MANY_OBJECTS)
    LOOM_VK_RESULT(VK_ERROR_FORMAT_NOT_SUPPORTED)
    LOOM_VK_RESULT(VK_ERROR_FRAGMENTED_POOL)
    LOOM_VK_RESULT(VK_ERROR_UNKNOWN)
    LOOM_VK_RESULT(VK_ERROR_OUT_OF_POOL_MEMORY)
    LOOM_VK_RESULT(VK_ERROR_INVALID_EXTERNAL_HANDLE)
    LOOM_VK_RESULT(VK_ERROR_FRAGMENTATION)
    LOOM_VK_RESULT(VK_ERROR_INVALID_OPAQUE_CAPTURE_ADDRESS)
    LOOM_VK_RESULT(VK_PIPELINE_COMPILE_REQUIRED)
    LOOM_VK_RESULT(VK_ERROR_INVALID_SHADER_NV)
#undef LOOM_VK_RESULT
  default:
    return nullptr;
  }
}

Status resultStatus(const char *call, VkResult result) {
  loom_status_code_t code = LOOM_STATUS_INTERNAL;
  switch (result) {
  case VK_ERROR_OUT_OF_HOST_MEMORY:
  case VK_ERROR_OUT_OF_DEVICE_MEMORY:
  case VK_ERROR_OUT_OF_POOL_MEMORY:
  case VK_ERROR_FRAGMENTED_POOL:
  case VK_ERROR_FRAGMENTATION:
  case VK_ERROR_TOO_MANY_OBJECTS:
    code = LOOM_STATUS_RESOURCE_EXHAUSTED;
    break;
  case VK_ERROR_DEVICE_LOST:
  case VK_ERROR_INITIALIZATION_FAILED:
  case VK_ERROR_INCOMPATIBLE_DRIVER:
  case VK_ERROR_FEATURE_NOT_PRESENT:
  case VK_ERROR_EXTENSION_NOT_PRESENT:
  case VK_ERROR_LAYER_NOT_PRESENT:
    code = LOOM_STATUS_UNAVAILABLE;
    break;
  default:
    break;
  }
  const char *name = resultName(result);
  if (name)
    return error(code, call, " failed: ", name);
  return error(code, call, " failed: VkResult ", static_cast<int>(result));
}

} // namespace loom::rt::vk
