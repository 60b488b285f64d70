#include "vulkan/vulkan_context.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace loom::rt::vk {
namespace {

constexpr const char *kValidationLayer = "VK_LAYER_KHRONOS_validation";

bool validationRequested() {
  const char *v = std::getenv("LOOM_VULKAN_VALIDATION");
  return v && *v && std::strcmp(v, "0") != 0;
}

std::string versionText(uint32_t v) {
  return cat(VK_API_VERSION_MAJOR(v), ".", VK_API_VERSION_MINOR(v), ".",
             VK_API_VERSION_PATCH(v));
}

const char *deviceTypeName(VkPhysicalDeviceType type) {
  switch (type) {
  case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return "discrete GPU";
  case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return "integrated GPU";
  case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return "virtual GPU";
  case VK_PHYSICAL_DEVICE_TYPE_CPU: return "CPU";
  default: return "other";
  }
}

} // namespace

Status VulkanContext::create(int index, std::shared_ptr<VulkanContext> *out) {
  std::shared_ptr<VulkanContext> context(new VulkanContext());
  LOOM_RETURN_IF_ERROR(VulkanApi::load(&context->api_));
  LOOM_RETURN_IF_ERROR(context->init(index));
  *out = std::move(context);
  return okStatus();
}

VulkanContext::~VulkanContext() {
  if (!api_)
    return;
  if (device_) {
    api_->vkDeviceWaitIdle(device_);
    api_->vkDestroyDevice(device_, nullptr);
  }
  if (messenger_ && api_->vkDestroyDebugUtilsMessengerEXT)
    api_->vkDestroyDebugUtilsMessengerEXT(instance_, messenger_, nullptr);
  if (instance_)
    api_->vkDestroyInstance(instance_, nullptr);
}

VKAPI_ATTR VkBool32 VKAPI_CALL VulkanContext::onMessage(
    VkDebugUtilsMessageSeverityFlagBitsEXT severity,
    VkDebugUtilsMessageTypeFlagsEXT,
    const VkDebugUtilsMessengerCallbackDataEXT *data, void *self) {
  if (severity < VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT || !data)
    return VK_FALSE;
  auto *context = static_cast<VulkanContext *>(self);
  std::lock_guard<std::mutex> lock(context->messageMutex_);
  context->validationErrors_.push_back(data->pMessage ? data->pMessage : "?");
  return VK_FALSE;
}

Status VulkanContext::takeValidationErrors() const {
  std::lock_guard<std::mutex> lock(messageMutex_);
  if (validationErrors_.empty())
    return okStatus();
  Status s = error(LOOM_STATUS_INTERNAL, "Vulkan validation layer: ",
                   validationErrors_.front(),
                   validationErrors_.size() > 1
                       ? cat(" (and ", validationErrors_.size() - 1,
                             " more messages)")
                       : std::string());
  validationErrors_.clear();
  return s;
}

Status VulkanContext::init(int index) {
  uint32_t loaderVersion = VK_API_VERSION_1_0;
  if (api_->vkEnumerateInstanceVersion)
    api_->vkEnumerateInstanceVersion(&loaderVersion);
  if (loaderVersion < VK_API_VERSION_1_1)
    return error(LOOM_STATUS_UNAVAILABLE, "the Vulkan loader '",
                 api_->libraryPath(), "' implements Vulkan ",
                 versionText(loaderVersion), "; Loom needs Vulkan 1.1");

  std::vector<const char *> layers, extensions;
  bool validation = validationRequested();
  if (validation) {
    uint32_t count = 0;
    api_->vkEnumerateInstanceLayerProperties(&count, nullptr);
    std::vector<VkLayerProperties> available(count);
    api_->vkEnumerateInstanceLayerProperties(&count, available.data());
    bool found = std::any_of(available.begin(), available.end(),
                             [](const VkLayerProperties &l) {
                               return std::strcmp(l.layerName,
                                                  kValidationLayer) == 0;
                             });
    if (!found)
      return error(LOOM_STATUS_UNAVAILABLE,
                   "LOOM_VULKAN_VALIDATION is set but the layer ",
                   kValidationLayer,
                   " is not installed (Debian: vulkan-validationlayers)");
    layers.push_back(kValidationLayer);
    extensions.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
  }

  VkApplicationInfo app{};
  app.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO;
  app.pApplicationName = "loom";
  app.pEngineName = "loom-runtime";
  app.apiVersion = std::min<uint32_t>(loaderVersion, VK_API_VERSION_1_3);
  VkInstanceCreateInfo info{};
  info.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO;
  info.pApplicationInfo = &app;
  info.enabledLayerCount = layers.size();
  info.ppEnabledLayerNames = layers.data();
  info.enabledExtensionCount = extensions.size();
  info.ppEnabledExtensionNames = extensions.data();
  VkDebugUtilsMessengerCreateInfoEXT messengerInfo{};
  messengerInfo.sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT;
  messengerInfo.messageSeverity =
      VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT |
      VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
  messengerInfo.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
                              VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                              VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
  messengerInfo.pfnUserCallback = &VulkanContext::onMessage;
  messengerInfo.pUserData = this;
  if (validation)
    info.pNext = &messengerInfo; // also covers instance creation itself
  VkResult r = api_->vkCreateInstance(&info, nullptr, &instance_);
  if (r == VK_ERROR_INCOMPATIBLE_DRIVER)
    return error(LOOM_STATUS_UNAVAILABLE,
                 "no Vulkan driver: vkCreateInstance found no compatible "
                 "driver (install one, e.g. Debian's mesa-vulkan-drivers)");
  LOOM_VK_RETURN_IF_ERROR("vkCreateInstance", r);
  LOOM_RETURN_IF_ERROR(api_->loadInstanceFunctions(instance_));
  if (validation) {
    if (!api_->vkCreateDebugUtilsMessengerEXT)
      return error(LOOM_STATUS_UNAVAILABLE,
                   "the Vulkan loader lacks vkCreateDebugUtilsMessengerEXT");
    LOOM_VK_RETURN_IF_ERROR("vkCreateDebugUtilsMessengerEXT",
                            api_->vkCreateDebugUtilsMessengerEXT(
                                instance_, &messengerInfo, nullptr,
                                &messenger_));
  }
  LOOM_RETURN_IF_ERROR(pickDevice(index));
  LOOM_RETURN_IF_ERROR(createLogicalDevice());
  return takeValidationErrors();
}

Status VulkanContext::pickDevice(int index) {
  uint32_t count = 0;
  LOOM_VK_RETURN_IF_ERROR(
      "vkEnumeratePhysicalDevices",
      api_->vkEnumeratePhysicalDevices(instance_, &count, nullptr));
  std::vector<VkPhysicalDevice> devices(count);
  if (count)
    LOOM_VK_RETURN_IF_ERROR(
        "vkEnumeratePhysicalDevices",
        api_->vkEnumeratePhysicalDevices(instance_, &count, devices.data()));
  if (count == 0)
    return error(LOOM_STATUS_UNAVAILABLE,
                 "no Vulkan device: the Vulkan loader found no physical "
                 "devices (install a driver, e.g. Debian's "
                 "mesa-vulkan-drivers for lavapipe)");
  std::vector<VkPhysicalDeviceProperties> properties(count);
  std::string list;
  for (uint32_t i = 0; i < count; ++i) {
    api_->vkGetPhysicalDeviceProperties(devices[i], &properties[i]);
    list += cat(i ? ", " : "", i, ": ", properties[i].deviceName, " (",
                deviceTypeName(properties[i].deviceType), ")");
  }
  if (index >= static_cast<int>(count))
    return error(LOOM_STATUS_INVALID_ARGUMENT, "Vulkan device ", index,
                 " does not exist; the devices are ", list);
  if (index < 0) {
    index = 0;
    for (VkPhysicalDeviceType preferred :
         {VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU,
          VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU}) {
      auto it = std::find_if(properties.begin(), properties.end(),
                             [&](const VkPhysicalDeviceProperties &p) {
                               return p.deviceType == preferred;
                             });
      if (it != properties.end()) {
        index = it - properties.begin();
        break;
      }
    }
  }
  physical_ = devices[index];
  properties_ = properties[index];
  api_->vkGetPhysicalDeviceMemoryProperties(physical_, &memory_);
  uint32_t version = properties_.apiVersion;
  if (version < VK_API_VERSION_1_1)
    return error(LOOM_STATUS_UNAVAILABLE, "Vulkan device '",
                 properties_.deviceName, "' implements Vulkan ",
                 versionText(version), "; Loom needs Vulkan 1.1");
  spirvMinor_ = VK_API_VERSION_MINOR(version) >= 3   ? 6
                : VK_API_VERSION_MINOR(version) == 2 ? 5
                                                     : 3;
  description_ = cat(properties_.deviceName, ", Vulkan ", versionText(version));
  return okStatus();
}

Status VulkanContext::createLogicalDevice() {
  uint32_t familyCount = 0;
  api_->vkGetPhysicalDeviceQueueFamilyProperties(physical_, &familyCount,
                                                 nullptr);
  std::vector<VkQueueFamilyProperties> families(familyCount);
  api_->vkGetPhysicalDeviceQueueFamilyProperties(physical_, &familyCount,
                                                 families.data());
  bool found = false;
  for (uint32_t i = 0; i < familyCount && !found; ++i)
    if (families[i].queueFlags & VK_QUEUE_COMPUTE_BIT) {
      queueFamily_ = i;
      found = true;
    }
  if (!found)
    return error(LOOM_STATUS_UNAVAILABLE, "Vulkan device '",
                 properties_.deviceName, "' has no compute queue");

  // The features SPIR-V kernels may use: whatever the device has.
  VkPhysicalDevice8BitStorageFeatures storage8{};
  storage8.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_8BIT_STORAGE_FEATURES;
  VkPhysicalDevice16BitStorageFeatures storage16{};
  storage16.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES;
  VkPhysicalDeviceShaderFloat16Int8Features float16Int8{};
  float16Int8.sType =
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES;
  VkPhysicalDeviceFeatures2 features{};
  features.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2;
  // 8-bit storage and float16/int8 are Vulkan 1.2 (or extension) features.
  bool v12 = properties_.apiVersion >= VK_API_VERSION_1_2;
  features.pNext = &storage16;
  if (v12) {
    storage16.pNext = &storage8;
    storage8.pNext = &float16Int8;
  }
  api_->vkGetPhysicalDeviceFeatures2(physical_, &features);

  VkPhysicalDeviceFeatures2 enabled{};
  enabled.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2;
  enabled.features.shaderInt64 = features.features.shaderInt64;
  enabled.features.shaderInt16 = features.features.shaderInt16;
  enabled.features.shaderFloat64 = features.features.shaderFloat64;
  VkPhysicalDevice16BitStorageFeatures enabled16{};
  enabled16.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES;
  enabled16.storageBuffer16BitAccess = storage16.storageBuffer16BitAccess;
  VkPhysicalDevice8BitStorageFeatures enabled8{};
  enabled8.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_8BIT_STORAGE_FEATURES;
  enabled8.storageBuffer8BitAccess = storage8.storageBuffer8BitAccess;
  VkPhysicalDeviceShaderFloat16Int8Features enabledF16{};
  enabledF16.sType =
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES;
  enabledF16.shaderFloat16 = float16Int8.shaderFloat16;
  enabledF16.shaderInt8 = float16Int8.shaderInt8;
  enabled.pNext = &enabled16;
  if (v12) {
    enabled16.pNext = &enabled8;
    enabled8.pNext = &enabledF16;
  }

  capabilities_ = {"Shader", "Matrix"};
  if (enabled.features.shaderInt64)
    capabilities_.insert("Int64");
  if (enabled.features.shaderInt16)
    capabilities_.insert("Int16");
  if (enabled.features.shaderFloat64)
    capabilities_.insert("Float64");
  if (enabled16.storageBuffer16BitAccess)
    capabilities_.insert("StorageBuffer16BitAccess");
  if (v12 && enabled8.storageBuffer8BitAccess)
    capabilities_.insert("StorageBuffer8BitAccess");
  if (v12 && enabledF16.shaderFloat16)
    capabilities_.insert("Float16");
  if (v12 && enabledF16.shaderInt8)
    capabilities_.insert("Int8");

  float priority = 1.0f;
  VkDeviceQueueCreateInfo queue{};
  queue.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO;
  queue.queueFamilyIndex = queueFamily_;
  queue.queueCount = 1;
  queue.pQueuePriorities = &priority;
  VkDeviceCreateInfo info{};
  info.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO;
  info.pNext = &enabled;
  info.queueCreateInfoCount = 1;
  info.pQueueCreateInfos = &queue;
  LOOM_VK_RETURN_IF_ERROR("vkCreateDevice", api_->vkCreateDevice(
                                                physical_, &info, nullptr,
                                                &device_));
  LOOM_RETURN_IF_ERROR(api_->loadDeviceFunctions(device_));
  api_->vkGetDeviceQueue(device_, queueFamily_, 0, &queue_);

  // Unified memory: a large heap that is both device-local and host-visible
  // (integrated GPUs, CPU implementations), not a discrete GPU's small BAR.
  constexpr VkMemoryPropertyFlags unified =
      VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT | VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
      VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
  for (uint32_t i = 0; i < memory_.memoryTypeCount; ++i) {
    const VkMemoryType &type = memory_.memoryTypes[i];
    if ((type.propertyFlags & unified) == unified &&
        memory_.memoryHeaps[type.heapIndex].size >= (VkDeviceSize(1) << 30))
      unifiedMemory_ = true;
  }
  return okStatus();
}

int VulkanContext::findMemoryType(uint32_t typeBits,
                                  VkMemoryPropertyFlags required,
                                  VkMemoryPropertyFlags preferred) const {
  int fallback = -1;
  for (uint32_t i = 0; i < memory_.memoryTypeCount; ++i) {
    if (!(typeBits & (1u << i)))
      continue;
    VkMemoryPropertyFlags flags = memory_.memoryTypes[i].propertyFlags;
    if ((flags & required) != required)
      continue;
    if ((flags & preferred) == preferred)
      return i;
    if (fallback < 0)
      fallback = i;
  }
  return fallback;
}

Status VulkanContext::createBuffer(VkDeviceSize size, bool hostVisible,
                                   Buffer *out) const {
  Buffer b;
  b.size = std::max<VkDeviceSize>((size + 15) / 16 * 16, 16);
  VkBufferCreateInfo info{};
  info.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO;
  info.size = b.size;
  info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT |
               VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
               VK_BUFFER_USAGE_TRANSFER_DST_BIT;
  info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  LOOM_VK_RETURN_IF_ERROR("vkCreateBuffer", api_->vkCreateBuffer(
                                                device_, &info, nullptr,
                                                &b.buffer));
  VkMemoryRequirements req;
  api_->vkGetBufferMemoryRequirements(device_, b.buffer, &req);
  VkMemoryPropertyFlags required =
      hostVisible ? VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                        VK_MEMORY_PROPERTY_HOST_COHERENT_BIT
                  : VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT;
  VkMemoryPropertyFlags preferred =
      hostVisible && unifiedMemory_ ? VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT : 0;
  int type = findMemoryType(req.memoryTypeBits, required, preferred);
  if (type < 0) {
    api_->vkDestroyBuffer(device_, b.buffer, nullptr);
    return error(LOOM_STATUS_UNAVAILABLE, "Vulkan device '",
                 properties_.deviceName, "' has no ",
                 hostVisible ? "host-visible coherent" : "device-local",
                 " memory for storage buffers");
  }
  VkMemoryAllocateInfo alloc{};
  alloc.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO;
  alloc.allocationSize = req.size;
  alloc.memoryTypeIndex = type;
  VkResult r = api_->vkAllocateMemory(device_, &alloc, nullptr, &b.memory);
  if (r != VK_SUCCESS) {
    api_->vkDestroyBuffer(device_, b.buffer, nullptr);
    return resultStatus("vkAllocateMemory", r)
        .withContext(cat("allocating a ", b.size, "-byte buffer"));
  }
  r = api_->vkBindBufferMemory(device_, b.buffer, b.memory, 0);
  if (r == VK_SUCCESS && hostVisible) {
    void *p = nullptr;
    r = api_->vkMapMemory(device_, b.memory, 0, VK_WHOLE_SIZE, 0, &p);
    b.mapped = static_cast<unsigned char *>(p);
  }
  if (r != VK_SUCCESS) {
    destroyBuffer(b);
    return resultStatus(hostVisible ? "vkMapMemory" : "vkBindBufferMemory",
                        r);
  }
  *out = b;
  return okStatus();
}

void VulkanContext::destroyBuffer(Buffer &b) const {
  if (b.mapped)
    api_->vkUnmapMemory(device_, b.memory);
  if (b.buffer)
    api_->vkDestroyBuffer(device_, b.buffer, nullptr);
  if (b.memory)
    api_->vkFreeMemory(device_, b.memory, nullptr);
  b = Buffer();
}

Status VulkanContext::submitAndWait(VkCommandBuffer commands,
                                    VkFence fence) const {
  VkSubmitInfo submit{};
  submit.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO;
  submit.commandBufferCount = 1;
  submit.pCommandBuffers = &commands;
  {
    std::lock_guard<std::mutex> lock(queueMutex_);
    LOOM_VK_RETURN_IF_ERROR("vkQueueSubmit",
                            api_->vkQueueSubmit(queue_, 1, &submit, fence));
  }
  LOOM_VK_RETURN_IF_ERROR(
      "vkWaitForFences",
      api_->vkWaitForFences(device_, 1, &fence, VK_TRUE, UINT64_MAX));
  LOOM_VK_RETURN_IF_ERROR("vkResetFences",
                          api_->vkResetFences(device_, 1, &fence));
  return okStatus();
}

} // namespace loom::rt::vk
