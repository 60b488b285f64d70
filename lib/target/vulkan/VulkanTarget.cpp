//===- VulkanTarget.cpp - spirv.module -> SPIR-V binary -------------------===//
#include "VulkanTarget.h"

#include "mlir/Dialect/SPIRV/IR/SPIRVAttributes.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVOps.h"
#include "mlir/Target/SPIRV/Serialization.h"

using namespace mlir;

namespace loom {

LogicalResult buildVulkanArtifacts(ModuleOp top, VulkanArtifacts &artifacts) {
  SmallVector<spirv::ModuleOp> modules;
  top.walk([&](spirv::ModuleOp m) { modules.push_back(m); });
  if (modules.empty()) {
    // A model without kernels: an empty library.
    artifacts = VulkanArtifacts();
    return success();
  }
  if (modules.size() != 1)
    return top.emitError() << "expected one spirv.module of kernels, found "
                           << modules.size();
  spirv::ModuleOp module = modules.front();
  SmallVector<uint32_t> words;
  spirv::SerializationOptions options;
  options.emitSymbolName = true;
  if (failed(spirv::serialize(module, words, options)))
    return failure();
  artifacts.spirv.assign(reinterpret_cast<const char *>(words.data()),
                         words.size() * sizeof(uint32_t));
  artifacts.capabilities.clear();
  artifacts.spirvVersion.clear();
  if (std::optional<spirv::VerCapExtAttr> vce = module.getVceTriple()) {
    artifacts.spirvVersion =
        "spirv1." + std::to_string(static_cast<uint32_t>(vce->getVersion()) -
                                   static_cast<uint32_t>(spirv::Version::V_1_0));
    for (spirv::Capability cap : vce->getCapabilities()) {
      if (!artifacts.capabilities.empty())
        artifacts.capabilities += ",";
      artifacts.capabilities += spirv::stringifyCapability(cap).str();
    }
  }
  return success();
}

} // namespace loom
