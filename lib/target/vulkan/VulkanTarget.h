//===- VulkanTarget.h - spirv.module -> SPIR-V binary -----------*- C++ -*-===//
#ifndef LOOM_TARGET_VULKAN_VULKANTARGET_H
#define LOOM_TARGET_VULKAN_VULKANTARGET_H

#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace loom {

/// What the Vulkan target produced for one module.
struct VulkanArtifacts {
  std::string spirv;        // one SPIR-V module, one entry point per kernel
  std::string capabilities; // the capabilities it declares, comma separated
  std::string spirvVersion; // "spirv1.3"
};

/// Serializes the `spirv.module` the Vulkan lowering left in `top`.
mlir::LogicalResult buildVulkanArtifacts(mlir::ModuleOp top,
                                         VulkanArtifacts &artifacts);

} // namespace loom

#endif // LOOM_TARGET_VULKAN_VULKANTARGET_H
