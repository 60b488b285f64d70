#include "vulkan/vulkan_device.h"

#include "module.h"
#include "vulkan/vulkan_context.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <mutex>

namespace loom::rt {
namespace {

using vk::Buffer;
using vk::VulkanContext;

struct Pipeline {
  VkDescriptorSetLayout setLayout = VK_NULL_HANDLE;
  VkPipelineLayout layout = VK_NULL_HANDLE;
  VkPipeline pipeline = VK_NULL_HANDLE;
};

// Everything one call of one function uses on the device. Recorded once,
// resubmitted by every call that takes it from the executable's pool.
struct CallContext {
  std::vector<Buffer> inputs, outputs;
  Buffer arena;
  Buffer staging; // inputs then outputs, when memory is not unified
  std::vector<VkDeviceSize> stagingInputs, stagingOutputs;
  VkDescriptorPool descriptorPool = VK_NULL_HANDLE;
  VkCommandPool commandPool = VK_NULL_HANDLE;
  VkCommandBuffer commands = VK_NULL_HANDLE;
  VkFence fence = VK_NULL_HANDLE;
};

// A bound byte range of one VkBuffer.
struct Access {
  VkBuffer buffer;
  VkDeviceSize begin, end;
};

// The ranges read and written since the last barrier: the next command
// needs a barrier if it reads or writes what was written, or writes what
// was read.
class HazardTracker {
public:
  bool needsBarrier(const std::vector<Access> &reads,
                    const std::vector<Access> &writes) const {
    for (const Access &w : writes_) {
      if (overlapsAny(w, reads) || overlapsAny(w, writes))
        return true;
    }
    for (const Access &r : reads_)
      if (overlapsAny(r, writes))
        return true;
    return false;
  }
  void add(const std::vector<Access> &reads,
           const std::vector<Access> &writes) {
    reads_.insert(reads_.end(), reads.begin(), reads.end());
    writes_.insert(writes_.end(), writes.begin(), writes.end());
  }
  void clear() {
    reads_.clear();
    writes_.clear();
  }

private:
  static bool overlapsAny(const Access &a, const std::vector<Access> &list) {
    for (const Access &b : list)
      if (a.buffer == b.buffer && a.begin < b.end && b.begin < a.end)
        return true;
    return false;
  }
  std::vector<Access> reads_, writes_;
};

VkDeviceSize roundUp(VkDeviceSize v, VkDeviceSize m) {
  return (v + m - 1) / m * m;
}

class VulkanExecutable final : public Executable {
public:
  VulkanExecutable(std::shared_ptr<VulkanContext> context,
                   const Program &program)
      : context_(std::move(context)), program_(program) {}

  ~VulkanExecutable() override {
    const vk::VulkanApi &api = context_->api();
    VkDevice device = context_->device();
    api.vkDeviceWaitIdle(device);
    for (auto &[key, contexts] : idle_)
      for (auto &c : contexts)
        destroyCallContext(*c);
    for (Pipeline &p : pipelines_) {
      if (p.pipeline)
        api.vkDestroyPipeline(device, p.pipeline, nullptr);
      if (p.layout)
        api.vkDestroyPipelineLayout(device, p.layout, nullptr);
      if (p.setLayout)
        api.vkDestroyDescriptorSetLayout(device, p.setLayout, nullptr);
    }
    if (shader_)
      api.vkDestroyShaderModule(device, shader_, nullptr);
    for (Buffer &b : constants_)
      context_->destroyBuffer(b);
  }

  Status prepare() {
    LOOM_RETURN_IF_ERROR(checkModule());
    for (const auto &fn : program_.functions)
      LOOM_RETURN_IF_ERROR(checkFunction(*fn));
    LOOM_RETURN_IF_ERROR(createPipelines());
    LOOM_RETURN_IF_ERROR(uploadConstants());
    return context_->takeValidationErrors();
  }

  Status execute(const loom_function_s &fn,
                 const CallBuffers &buffers) const override {
    std::unique_ptr<CallContext> call;
    LOOM_RETURN_IF_ERROR(acquire(fn, &call));
    for (size_t i = 0; i < fn.inputs.size(); ++i) {
      unsigned char *dst = context_->unifiedMemory()
                               ? call->inputs[i].mapped
                               : call->staging.mapped + call->stagingInputs[i];
      if (fn.inputs[i].byteSize)
        std::memcpy(dst, buffers.inputs[i], fn.inputs[i].byteSize);
    }
    Status s = context_->submitAndWait(call->commands, call->fence);
    if (!s.ok()) {
      destroyCallContext(*call);
      return s.withContext(cat("running function '", fn.name, "' on ",
                               context_->description()));
    }
    for (size_t i = 0; i < fn.outputs.size(); ++i) {
      const unsigned char *src =
          context_->unifiedMemory()
              ? call->outputs[i].mapped
              : call->staging.mapped + call->stagingOutputs[i];
      if (fn.outputs[i].byteSize)
        std::memcpy(buffers.outputs[i], src, fn.outputs[i].byteSize);
    }
    release(fn, std::move(call));
    return context_->takeValidationErrors();
  }

private:
  Status checkModule() {
    if (program_.kernels.empty())
      return okStatus();
    if (program_.libraries.size() != 1 ||
        program_.libraries[0].format != "spirv")
      return error(LOOM_STATUS_DATA_LOSS,
                   "invalid module: the vulkan device expects one kernel "
                   "library of format 'spirv', the module has ",
                   program_.libraries.size(), " libraries",
                   program_.libraries.empty()
                       ? std::string()
                       : cat(" (first: '", program_.libraries[0].format, "')"));
    const KernelLibraryView &lib = program_.libraries[0];
    if (lib.size == 0 || lib.size % 4 != 0)
      return error(LOOM_STATUS_DATA_LOSS, "invalid module: the SPIR-V library "
                   "has ", lib.size, " bytes, not a whole number of words");
    // The SPIR-V version and capabilities the kernels declare.
    const std::string &version = program_.targetCpu;
    if (version.rfind("spirv1.", 0) == 0) {
      int minor = std::atoi(version.c_str() + 7);
      if (minor > context_->spirvMinor())
        return error(LOOM_STATUS_INCOMPATIBLE, "the kernels are SPIR-V 1.",
                     minor, " but Vulkan device '", context_->description(),
                     "' consumes SPIR-V up to 1.", context_->spirvMinor(),
                     "; recompile with an older --vulkan-target-env");
    }
    std::string missing;
    size_t start = 0;
    const std::string &caps = program_.targetFeatures;
    while (start < caps.size()) {
      size_t end = caps.find(',', start);
      if (end == std::string::npos)
        end = caps.size();
      std::string cap = caps.substr(start, end - start);
      if (!cap.empty() && !context_->hasCapability(cap))
        missing += (missing.empty() ? "" : ", ") + cap;
      start = end + 1;
    }
    if (!missing.empty())
      return error(LOOM_STATUS_INCOMPATIBLE, "the kernels need the SPIR-V "
                   "capabilities ", missing, ", which Vulkan device '",
                   context_->description(),
                   "' lacks; recompile without them in --vulkan-target-env");
    return okStatus();
  }

  Status checkFunction(const loom_function_s &fn) const {
    const VkPhysicalDeviceLimits &limits = context_->limits();
    for (size_t c = 0; c < fn.commands.size(); ++c) {
      std::string where = cat("function '", fn.name, "', command ", c);
      auto checkSlice = [&](const BufferSlice &s,
                            const std::string &what) -> Status {
        if (s.offset % limits.minStorageBufferOffsetAlignment != 0)
          return error(LOOM_STATUS_INCOMPATIBLE, where, ": ", what,
                       " starts at byte ", s.offset,
                       ", which is not a multiple of the device's "
                       "minStorageBufferOffsetAlignment (",
                       limits.minStorageBufferOffsetAlignment, ")");
        if (roundUp(s.size, 4) > limits.maxStorageBufferRange)
          return error(LOOM_STATUS_INCOMPATIBLE, where, ": ", what, " has ",
                       s.size, " bytes, more than the device's "
                       "maxStorageBufferRange (",
                       limits.maxStorageBufferRange, ")");
        return okStatus();
      };
      if (const auto *d = std::get_if<DispatchCommand>(&fn.commands[c])) {
        const KernelInfo &k = program_.kernels[d->kernel];
        where += cat(" (kernel '", k.name, "')");
        if (uint64_t(k.pushConstantCount) * 4 > limits.maxPushConstantsSize)
          return error(LOOM_STATUS_INCOMPATIBLE, where, ": ",
                       k.pushConstantCount, " push constants (",
                       k.pushConstantCount * 4, " bytes), more than the "
                       "device's maxPushConstantsSize (",
                       limits.maxPushConstantsSize, " bytes)");
        if (k.bindingCount > limits.maxPerStageDescriptorStorageBuffers)
          return error(LOOM_STATUS_INCOMPATIBLE, where, ": ", k.bindingCount,
                       " bindings, more than the device's "
                       "maxPerStageDescriptorStorageBuffers (",
                       limits.maxPerStageDescriptorStorageBuffers, ")");
        uint64_t invocations = 1;
        for (int i = 0; i < 3; ++i) {
          invocations *= k.workgroupSize[i];
          if (k.workgroupSize[i] > limits.maxComputeWorkGroupSize[i] ||
              d->workgroupCount[i] > limits.maxComputeWorkGroupCount[i])
            return error(LOOM_STATUS_INCOMPATIBLE, where, ": workgroups of ",
                         k.workgroupSize[0], "x", k.workgroupSize[1], "x",
                         k.workgroupSize[2], " in a grid of ",
                         d->workgroupCount[0], "x", d->workgroupCount[1], "x",
                         d->workgroupCount[2], " exceed the device's limits");
        }
        if (invocations > limits.maxComputeWorkGroupInvocations)
          return error(LOOM_STATUS_INCOMPATIBLE, where, ": ", invocations,
                       " invocations per workgroup, more than the device's "
                       "maxComputeWorkGroupInvocations (",
                       limits.maxComputeWorkGroupInvocations,
                       "); recompile with a smaller "
                       "--vulkan-target-env=max-workgroup-invocations");
        for (size_t b = 0; b < d->bindings.size(); ++b)
          LOOM_RETURN_IF_ERROR(checkSlice(d->bindings[b], cat("binding ", b)));
      } else if (const auto *f = std::get_if<FillCommand>(&fn.commands[c])) {
        if (f->dst.offset % 4 || f->dst.size % 4)
          return error(LOOM_STATUS_UNIMPLEMENTED, where,
                       ": fills of byte ranges that are not 4-byte aligned "
                       "are not supported by the vulkan device");
      }
    }
    return okStatus();
  }

  Status createPipelines() {
    if (program_.kernels.empty())
      return okStatus();
    const vk::VulkanApi &api = context_->api();
    VkDevice device = context_->device();
    const KernelLibraryView &lib = program_.libraries[0];
    VkShaderModuleCreateInfo shader{};
    shader.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO;
    shader.codeSize = lib.size;
    // The module bytes are 64-byte aligned in the file.
    shader.pCode = reinterpret_cast<const uint32_t *>(lib.data);
    LOOM_VK_RETURN_IF_ERROR(
        "vkCreateShaderModule",
        api.vkCreateShaderModule(device, &shader, nullptr, &shader_));
    pipelines_.resize(program_.kernels.size());
    for (size_t k = 0; k < program_.kernels.size(); ++k) {
      const KernelInfo &kernel = program_.kernels[k];
      Pipeline &p = pipelines_[k];
      std::vector<VkDescriptorSetLayoutBinding> bindings(kernel.bindingCount);
      for (uint32_t b = 0; b < kernel.bindingCount; ++b) {
        bindings[b] = VkDescriptorSetLayoutBinding{};
        bindings[b].binding = b;
        bindings[b].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
        bindings[b].descriptorCount = 1;
        bindings[b].stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
      }
      VkDescriptorSetLayoutCreateInfo setInfo{};
      setInfo.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO;
      setInfo.bindingCount = bindings.size();
      setInfo.pBindings = bindings.data();
      LOOM_VK_RETURN_IF_ERROR("vkCreateDescriptorSetLayout",
                              api.vkCreateDescriptorSetLayout(
                                  device, &setInfo, nullptr, &p.setLayout));
      VkPipelineLayoutCreateInfo layoutInfo{};
      layoutInfo.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO;
      layoutInfo.setLayoutCount = 1;
      layoutInfo.pSetLayouts = &p.setLayout;
      // The kernel's 32-bit push constants: one block at offset 0.
      VkPushConstantRange push{VK_SHADER_STAGE_COMPUTE_BIT, 0,
                               kernel.pushConstantCount * 4};
      if (kernel.pushConstantCount) {
        layoutInfo.pushConstantRangeCount = 1;
        layoutInfo.pPushConstantRanges = &push;
      }
      LOOM_VK_RETURN_IF_ERROR("vkCreatePipelineLayout",
                              api.vkCreatePipelineLayout(device, &layoutInfo,
                                                         nullptr, &p.layout));
      VkComputePipelineCreateInfo info{};
      info.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO;
      info.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
      info.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
      info.stage.module = shader_;
      info.stage.pName = kernel.name.c_str();
      info.layout = p.layout;
      VkResult r = api.vkCreateComputePipelines(device, VK_NULL_HANDLE, 1,
                                                &info, nullptr, &p.pipeline);
      if (r != VK_SUCCESS)
        return vk::resultStatus("vkCreateComputePipelines", r)
            .withContext(cat("kernel '", kernel.name, "'"));
    }
    return okStatus();
  }

  // A one-off command buffer for uploads at load time.
  Status runOnce(const std::function<void(VkCommandBuffer)> &record) {
    const vk::VulkanApi &api = context_->api();
    CallContext c;
    Status s = createCommands(c);
    if (s.ok()) {
      VkCommandBufferBeginInfo begin{};
      begin.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO;
      begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
      VkResult r = api.vkBeginCommandBuffer(c.commands, &begin);
      if (r == VK_SUCCESS) {
        record(c.commands);
        r = api.vkEndCommandBuffer(c.commands);
      }
      s = r == VK_SUCCESS ? context_->submitAndWait(c.commands, c.fence)
                          : vk::resultStatus("recording an upload", r);
    }
    destroyCallContext(c);
    return s;
  }

  Status uploadConstants() {
    bool unified = context_->unifiedMemory();
    constants_.resize(program_.constants.size());
    VkDeviceSize total = 0;
    for (size_t i = 0; i < program_.constants.size(); ++i) {
      const ConstantView &c = program_.constants[i];
      LOOM_RETURN_IF_ERROR(context_->createBuffer(c.size, unified,
                                                  &constants_[i]));
      if (unified && c.size)
        std::memcpy(constants_[i].mapped, c.data, c.size);
      total += roundUp(c.size, 16);
    }
    if (unified || total == 0)
      return okStatus();
    Buffer staging;
    LOOM_RETURN_IF_ERROR(context_->createBuffer(total, true, &staging));
    std::vector<VkDeviceSize> offsets;
    VkDeviceSize offset = 0;
    for (const ConstantView &c : program_.constants) {
      offsets.push_back(offset);
      if (c.size)
        std::memcpy(staging.mapped + offset, c.data, c.size);
      offset += roundUp(c.size, 16);
    }
    const vk::VulkanApi &api = context_->api();
    Status s = runOnce([&](VkCommandBuffer cmd) {
      for (size_t i = 0; i < constants_.size(); ++i) {
        if (!program_.constants[i].size)
          continue;
        VkBufferCopy region{offsets[i], 0, program_.constants[i].size};
        api.vkCmdCopyBuffer(cmd, staging.buffer, constants_[i].buffer, 1,
                            &region);
      }
    });
    context_->destroyBuffer(staging);
    return s;
  }

  struct Bound {
    VkBuffer buffer;
    VkDeviceSize offset, range;
  };

  Bound resolve(const BufferSlice &s, const CallContext &c) const {
    const Buffer *b = nullptr;
    switch (s.space) {
    case Space::Input: b = &c.inputs[s.index]; break;
    case Space::Output: b = &c.outputs[s.index]; break;
    case Space::Constant: b = &constants_[s.index]; break;
    case Space::Arena: b = &c.arena; break;
    }
    // Kernels read and write whole 32-bit words: round the range up to one
    // (every buffer is allocated in multiples of 16 bytes).
    VkDeviceSize range = std::min(roundUp(std::max<uint64_t>(s.size, 4), 4),
                                  b->size - s.offset);
    return {b->buffer, s.offset, range};
  }

  Status createCommands(CallContext &c) const {
    const vk::VulkanApi &api = context_->api();
    VkDevice device = context_->device();
    VkCommandPoolCreateInfo poolInfo{};
    poolInfo.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO;
    LOOM_VK_RETURN_IF_ERROR("vkCreateCommandPool",
                            api.vkCreateCommandPool(device, &poolInfo, nullptr,
                                                    &c.commandPool));
    VkCommandBufferAllocateInfo alloc{};
    alloc.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO;
    alloc.commandPool = c.commandPool;
    alloc.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    alloc.commandBufferCount = 1;
    LOOM_VK_RETURN_IF_ERROR(
        "vkAllocateCommandBuffers",
        api.vkAllocateCommandBuffers(device, &alloc, &c.commands));
    VkFenceCreateInfo fenceInfo{};
    fenceInfo.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO;
    LOOM_VK_RETURN_IF_ERROR(
        "vkCreateFence", api.vkCreateFence(device, &fenceInfo, nullptr,
                                           &c.fence));
    return okStatus();
  }

  Status createCallContext(const loom_function_s &fn,
                           std::unique_ptr<CallContext> *out) const {
    // An instance of a dynamic function: the device's limits at its sizes
    // (a module's own functions were checked when it loaded).
    if (fn.instanceSerial)
      LOOM_RETURN_IF_ERROR(checkFunction(fn));
    auto c = std::make_unique<CallContext>();
    Status s = buildCallContext(fn, *c);
    if (!s.ok()) {
      destroyCallContext(*c);
      return s;
    }
    *out = std::move(c);
    return okStatus();
  }

  Status buildCallContext(const loom_function_s &fn, CallContext &c) const {
    const vk::VulkanApi &api = context_->api();
    VkDevice device = context_->device();
    bool unified = context_->unifiedMemory();
    VkDeviceSize staging = 0;
    for (const TensorSignature &t : fn.inputs) {
      c.inputs.emplace_back();
      LOOM_RETURN_IF_ERROR(
          context_->createBuffer(t.byteSize, unified, &c.inputs.back()));
      c.stagingInputs.push_back(staging);
      staging += roundUp(t.byteSize, 16);
    }
    for (const TensorSignature &t : fn.outputs) {
      c.outputs.emplace_back();
      LOOM_RETURN_IF_ERROR(
          context_->createBuffer(t.byteSize, unified, &c.outputs.back()));
      c.stagingOutputs.push_back(staging);
      staging += roundUp(t.byteSize, 16);
    }
    LOOM_RETURN_IF_ERROR(
        context_->createBuffer(roundUp(fn.arenaSize, 64), unified, &c.arena));
    if (!unified)
      LOOM_RETURN_IF_ERROR(context_->createBuffer(staging, true, &c.staging));

    // One descriptor set per dispatch, written once.
    uint32_t dispatches = 0, descriptors = 0;
    for (const Command &cmd : fn.commands)
      if (const auto *d = std::get_if<DispatchCommand>(&cmd)) {
        ++dispatches;
        descriptors += d->bindings.size();
      }
    std::vector<VkDescriptorSet> sets(dispatches);
    if (dispatches) {
      VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
                                std::max<uint32_t>(descriptors, 1)};
      VkDescriptorPoolCreateInfo poolInfo{};
      poolInfo.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO;
      poolInfo.maxSets = dispatches;
      poolInfo.poolSizeCount = 1;
      poolInfo.pPoolSizes = &size;
      LOOM_VK_RETURN_IF_ERROR("vkCreateDescriptorPool",
                              api.vkCreateDescriptorPool(device, &poolInfo,
                                                         nullptr,
                                                         &c.descriptorPool));
      std::vector<VkDescriptorSetLayout> layouts;
      for (const Command &cmd : fn.commands)
        if (const auto *d = std::get_if<DispatchCommand>(&cmd))
          layouts.push_back(pipelines_[d->kernel].setLayout);
      VkDescriptorSetAllocateInfo alloc{};
      alloc.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO;
      alloc.descriptorPool = c.descriptorPool;
      alloc.descriptorSetCount = dispatches;
      alloc.pSetLayouts = layouts.data();
      LOOM_VK_RETURN_IF_ERROR(
          "vkAllocateDescriptorSets",
          api.vkAllocateDescriptorSets(device, &alloc, sets.data()));
      std::vector<VkDescriptorBufferInfo> infos;
      infos.reserve(descriptors);
      std::vector<VkWriteDescriptorSet> writes;
      size_t set = 0;
      for (const Command &cmd : fn.commands) {
        const auto *d = std::get_if<DispatchCommand>(&cmd);
        if (!d)
          continue;
        for (size_t b = 0; b < d->bindings.size(); ++b) {
          Bound bound = resolve(d->bindings[b], c);
          infos.push_back({bound.buffer, bound.offset, bound.range});
          VkWriteDescriptorSet w{};
          w.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
          w.dstSet = sets[set];
          w.dstBinding = b;
          w.descriptorCount = 1;
          w.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
          w.pBufferInfo = &infos.back();
          writes.push_back(w);
        }
        ++set;
      }
      api.vkUpdateDescriptorSets(device, writes.size(), writes.data(), 0,
                                 nullptr);
    }
    LOOM_RETURN_IF_ERROR(createCommands(c));
    return record(fn, c, sets);
  }

  Status record(const loom_function_s &fn, CallContext &c,
                const std::vector<VkDescriptorSet> &sets) const {
    const vk::VulkanApi &api = context_->api();
    VkCommandBuffer cmd = c.commands;
    bool unified = context_->unifiedMemory();
    VkCommandBufferBeginInfo begin{};
    begin.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO;
    LOOM_VK_RETURN_IF_ERROR("vkBeginCommandBuffer",
                            api.vkBeginCommandBuffer(cmd, &begin));
    auto barrier = [&](VkAccessFlags srcAccess, VkPipelineStageFlags srcStage,
                       VkAccessFlags dstAccess, VkPipelineStageFlags dstStage) {
      VkMemoryBarrier b{};
      b.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER;
      b.srcAccessMask = srcAccess;
      b.dstAccessMask = dstAccess;
      api.vkCmdPipelineBarrier(cmd, srcStage, dstStage, 0, 1, &b, 0, nullptr,
                               0, nullptr);
    };
    constexpr VkPipelineStageFlags kWork =
        VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT;
    constexpr VkAccessFlags kWrites =
        VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
    constexpr VkAccessFlags kAccesses =
        kWrites | VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_TRANSFER_READ_BIT;

    if (!unified && !fn.inputs.empty()) {
      for (size_t i = 0; i < fn.inputs.size(); ++i) {
        if (!fn.inputs[i].byteSize)
          continue;
        VkBufferCopy region{c.stagingInputs[i], 0, fn.inputs[i].byteSize};
        api.vkCmdCopyBuffer(cmd, c.staging.buffer, c.inputs[i].buffer, 1,
                            &region);
      }
      barrier(VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT,
              kAccesses, kWork);
    }

    HazardTracker hazards;
    size_t set = 0;
    for (const Command &command : fn.commands) {
      std::vector<Access> reads, writes;
      auto access = [&](const BufferSlice &s, bool write) {
        Bound b = resolve(s, c);
        Access a{b.buffer, b.offset, b.offset + std::max<uint64_t>(s.size, 1)};
        reads.push_back(a);
        if (write)
          writes.push_back(a);
      };
      if (const auto *d = std::get_if<DispatchCommand>(&command)) {
        // Inputs and constants are only read; kernels may read and write
        // any other binding.
        for (const BufferSlice &s : d->bindings)
          access(s, s.space != Space::Input && s.space != Space::Constant);
      } else if (const auto *cp = std::get_if<CopyCommand>(&command)) {
        access(cp->src, false);
        access(cp->dst, true);
      } else if (const auto *f = std::get_if<FillCommand>(&command)) {
        access(f->dst, true);
      }
      if (hazards.needsBarrier(reads, writes)) {
        barrier(kWrites, kWork, kAccesses, kWork);
        hazards.clear();
      }
      hazards.add(reads, writes);
      if (const auto *d = std::get_if<DispatchCommand>(&command)) {
        const Pipeline &p = pipelines_[d->kernel];
        api.vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, p.pipeline);
        api.vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE,
                                    p.layout, 0, 1, &sets[set++], 0, nullptr);
        if (!d->pushConstants.empty())
          api.vkCmdPushConstants(cmd, p.layout, VK_SHADER_STAGE_COMPUTE_BIT, 0,
                                 d->pushConstants.size() * 4,
                                 d->pushConstants.data());
        api.vkCmdDispatch(cmd, d->workgroupCount[0], d->workgroupCount[1],
                          d->workgroupCount[2]);
      } else if (const auto *cp = std::get_if<CopyCommand>(&command)) {
        if (cp->src.size) {
          Bound src = resolve(cp->src, c), dst = resolve(cp->dst, c);
          VkBufferCopy region{src.offset, dst.offset, cp->src.size};
          api.vkCmdCopyBuffer(cmd, src.buffer, dst.buffer, 1, &region);
        }
      } else if (const auto *f = std::get_if<FillCommand>(&command)) {
        if (f->dst.size) {
          Bound dst = resolve(f->dst, c);
          api.vkCmdFillBuffer(cmd, dst.buffer, dst.offset, f->dst.size,
                              f->pattern);
        }
      }
    }

    if (unified) {
      barrier(kWrites, kWork, VK_ACCESS_HOST_READ_BIT,
              VK_PIPELINE_STAGE_HOST_BIT);
    } else {
      barrier(kWrites, kWork, VK_ACCESS_TRANSFER_READ_BIT,
              VK_PIPELINE_STAGE_TRANSFER_BIT);
      for (size_t i = 0; i < fn.outputs.size(); ++i) {
        if (!fn.outputs[i].byteSize)
          continue;
        VkBufferCopy region{0, c.stagingOutputs[i], fn.outputs[i].byteSize};
        api.vkCmdCopyBuffer(cmd, c.outputs[i].buffer, c.staging.buffer, 1,
                            &region);
      }
      barrier(VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT,
              VK_ACCESS_HOST_READ_BIT, VK_PIPELINE_STAGE_HOST_BIT);
    }
    LOOM_VK_RETURN_IF_ERROR("vkEndCommandBuffer", api.vkEndCommandBuffer(cmd));
    return okStatus();
  }

  void destroyCallContext(CallContext &c) const {
    const vk::VulkanApi &api = context_->api();
    VkDevice device = context_->device();
    if (c.fence)
      api.vkDestroyFence(device, c.fence, nullptr);
    if (c.commandPool)
      api.vkDestroyCommandPool(device, c.commandPool, nullptr);
    if (c.descriptorPool)
      api.vkDestroyDescriptorPool(device, c.descriptorPool, nullptr);
    for (Buffer &b : c.inputs)
      context_->destroyBuffer(b);
    for (Buffer &b : c.outputs)
      context_->destroyBuffer(b);
    context_->destroyBuffer(c.arena);
    context_->destroyBuffer(c.staging);
    c = CallContext();
  }

  // Call contexts are pooled per function: a module's function, or an
  // instance of a dynamic one (keyed by its serial too, since an evicted
  // instance's address may come back). Idle contexts of the least recently
  // used instances beyond kIdleInstances are destroyed.
  using Key = std::pair<const loom_function_s *, uint64_t>;
  static constexpr size_t kIdleInstances = 32;

  Status acquire(const loom_function_s &fn,
                 std::unique_ptr<CallContext> *out) const {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = idle_.find(Key(&fn, fn.instanceSerial));
      if (it != idle_.end() && !it->second.empty()) {
        *out = std::move(it->second.back());
        it->second.pop_back();
        return okStatus();
      }
    }
    return createCallContext(fn, out)
        .withContext(cat("preparing function '", fn.name, "' on ",
                         context_->description()));
  }

  void release(const loom_function_s &fn,
               std::unique_ptr<CallContext> call) const {
    std::lock_guard<std::mutex> lock(mutex_);
    Key key(&fn, fn.instanceSerial);
    idle_[key].push_back(std::move(call));
    if (!key.second)
      return;
    recentInstances_.erase(std::remove(recentInstances_.begin(),
                                       recentInstances_.end(), key),
                           recentInstances_.end());
    recentInstances_.push_back(key);
    while (recentInstances_.size() > kIdleInstances) {
      auto old = idle_.find(recentInstances_.front());
      recentInstances_.pop_front();
      if (old == idle_.end())
        continue;
      for (auto &c : old->second)
        destroyCallContext(*c);
      idle_.erase(old);
    }
  }

  std::shared_ptr<VulkanContext> context_;
  const Program &program_;
  VkShaderModule shader_ = VK_NULL_HANDLE;
  std::vector<Pipeline> pipelines_;
  std::vector<Buffer> constants_;
  mutable std::mutex mutex_;
  mutable std::map<Key, std::vector<std::unique_ptr<CallContext>>> idle_;
  mutable std::deque<Key> recentInstances_; // least recently released first
};

class VulkanDevice final : public Device {
public:
  explicit VulkanDevice(std::shared_ptr<VulkanContext> context)
      : context_(std::move(context)) {}
  const char *name() const override { return "vulkan"; }
  int threadCount() const override { return 1; }
  Status prepare(const Program &program,
                 std::unique_ptr<Executable> *out) override {
    auto executable = std::make_unique<VulkanExecutable>(context_, program);
    LOOM_RETURN_IF_ERROR(executable->prepare().withContext(
        cat("Vulkan device ", context_->description())));
    *out = std::move(executable);
    return okStatus();
  }

private:
  std::shared_ptr<VulkanContext> context_;
};

} // namespace

Status createVulkanDevice(int index, std::unique_ptr<Device> *out) {
  std::shared_ptr<VulkanContext> context;
  LOOM_RETURN_IF_ERROR(VulkanContext::create(index, &context));
  *out = std::make_unique<VulkanDevice>(std::move(context));
  return okStatus();
}

} // namespace loom::rt
