//===- VulkanTargetEnv.cpp - the SPIR-V target environment ----------------===//
#include "loom/passes/VulkanTargetEnv.h"

#include "mlir/Dialect/SPIRV/IR/SPIRVAttributes.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVEnums.h"
#include "mlir/Dialect/SPIRV/IR/TargetAndABI.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;

namespace loom {

int VulkanTargetEnv::spirvMinor() const {
  static const int minor[] = {0, 3, 5, 6};
  return minor[vulkanMinor];
}

bool VulkanTargetEnv::has(StringRef capability) const {
  return llvm::is_contained(capabilities, capability);
}

std::string VulkanTargetEnv::str() const {
  std::string s = "vulkan1." + std::to_string(vulkanMinor);
  for (const std::string &c : capabilities)
    s += ",+" + c;
  VulkanTargetEnv defaults;
  if (maxWorkgroupInvocations != defaults.maxWorkgroupInvocations)
    s += ",max-workgroup-invocations=" + std::to_string(maxWorkgroupInvocations);
  if (maxWorkgroupSize != defaults.maxWorkgroupSize)
    s += ",max-workgroup-size=" + std::to_string(maxWorkgroupSize[0]) + "x" +
         std::to_string(maxWorkgroupSize[1]) + "x" +
         std::to_string(maxWorkgroupSize[2]);
  if (maxSharedMemoryBytes != defaults.maxSharedMemoryBytes)
    s += ",max-shared-memory=" + std::to_string(maxSharedMemoryBytes);
  if (subgroupSize != defaults.subgroupSize)
    s += ",subgroup-size=" + std::to_string(subgroupSize);
  return s;
}

namespace {

bool parsePositive(StringRef text, int64_t &value) {
  return !text.getAsInteger(10, value) && value > 0 && value <= (1 << 30);
}

} // namespace

bool parseVulkanTargetEnv(StringRef text, VulkanTargetEnv &env,
                          std::string &error) {
  env = VulkanTargetEnv();
  SmallVector<StringRef> items;
  text.split(items, ',', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  for (auto [i, rawItem] : llvm::enumerate(items)) {
    StringRef item = rawItem.trim();
    if (item.consume_front("vulkan1.")) {
      int minor;
      if (i != 0 || item.getAsInteger(10, minor) || minor < 0 || minor > 3) {
        error = "'" + rawItem.str() +
                "': the Vulkan version (vulkan1.0 to vulkan1.3) comes first";
        return false;
      }
      env.vulkanMinor = minor;
      continue;
    }
    if (item.consume_front("+")) {
      std::optional<spirv::Capability> cap = spirv::symbolizeCapability(item);
      if (!cap) {
        error = "unknown SPIR-V capability '" + item.str() +
                "' (e.g. Int64, Float16, StorageBuffer16BitAccess)";
        return false;
      }
      if (*cap != spirv::Capability::Shader && !env.has(item))
        env.capabilities.push_back(item.str());
      continue;
    }
    auto [key, value] = item.split('=');
    int64_t n = 0;
    if (key == "max-workgroup-invocations" && parsePositive(value, n)) {
      env.maxWorkgroupInvocations = n;
      continue;
    }
    if (key == "max-shared-memory" && !value.getAsInteger(10, n) && n >= 0) {
      env.maxSharedMemoryBytes = n;
      continue;
    }
    if (key == "subgroup-size" && parsePositive(value, n)) {
      env.subgroupSize = n;
      continue;
    }
    if (key == "max-workgroup-size") {
      SmallVector<StringRef> dims;
      value.split(dims, 'x');
      bool ok = dims.size() == 3;
      for (unsigned d = 0; ok && d < 3; ++d)
        ok = parsePositive(dims[d], env.maxWorkgroupSize[d]);
      if (ok)
        continue;
    }
    error = "bad target environment item '" + item.str() +
            "' (expected vulkan1.N, +Capability, max-workgroup-invocations=N, "
            "max-workgroup-size=XxYxZ, max-shared-memory=BYTES or "
            "subgroup-size=N)";
    return false;
  }
  return true;
}

spirv::TargetEnvAttr getSpirvTargetEnvAttr(MLIRContext *ctx,
                                           const VulkanTargetEnv &env) {
  SmallVector<spirv::Capability> caps = {spirv::Capability::Shader};
  for (const std::string &c : env.capabilities)
    caps.push_back(*spirv::symbolizeCapability(c));
  SmallVector<spirv::Extension> exts = {
      spirv::Extension::SPV_KHR_storage_buffer_storage_class};
  if (env.has("StorageBuffer16BitAccess"))
    exts.push_back(spirv::Extension::SPV_KHR_16bit_storage);
  if (env.has("StorageBuffer8BitAccess"))
    exts.push_back(spirv::Extension::SPV_KHR_8bit_storage);
  auto version = static_cast<spirv::Version>(
      static_cast<uint32_t>(spirv::Version::V_1_0) + env.spirvMinor());
  auto triple = spirv::VerCapExtAttr::get(version, caps, exts, ctx);
  Builder b(ctx);
  auto limits = spirv::ResourceLimitsAttr::get(
      ctx, env.maxSharedMemoryBytes, env.maxWorkgroupInvocations,
      b.getI32ArrayAttr({(int32_t)env.maxWorkgroupSize[0],
                         (int32_t)env.maxWorkgroupSize[1],
                         (int32_t)env.maxWorkgroupSize[2]}),
      env.subgroupSize, std::nullopt, std::nullopt, ArrayAttr(), ArrayAttr());
  return spirv::TargetEnvAttr::get(triple, limits, spirv::ClientAPI::Vulkan);
}

} // namespace loom
