//===- VulkanTargetEnv.h - what a Vulkan device offers ---------*- C++ -*-===//
//
// The target environment the SPIR-V kernels are generated for: the Vulkan
// version, the device's optional SPIR-V capabilities and its limits. Read
// by the SPIR-V lowering (--loom-gpu-prepare-spirv) and by the Vulkan
// backend (lib/target/vulkan), which takes its text from
// loom-compile --vulkan-target-env=.
//
// Target environment text, comma separated (empty: every default):
//
//   vulkan1.0 | vulkan1.1 | vulkan1.2 | vulkan1.3   Vulkan version (SPIR-V
//                                      1.0, 1.3, 1.5, 1.6); default vulkan1.1
//   +CAPABILITY                        a SPIR-V capability the device has:
//                                      Int8 Int16 Int64 Float16 Float64
//                                      StorageBuffer8BitAccess
//                                      StorageBuffer16BitAccess
//   max-workgroup-invocations=N        default 128 (the Vulkan minimum)
//   max-workgroup-size=XxYxZ           default 128x128x64
//   max-shared-memory=BYTES            default 16384
//   subgroup-size=N                    default 32
//
// The default, "vulkan1.1", runs on every Vulkan 1.1 device: f32, i32 and
// i1 tensors (i1 and i8 are stored as bytes and written with 32-bit
// atomics). f16 needs +Float16,+StorageBuffer16BitAccess; i64 needs +Int64;
// f64 needs +Float64; bf16 is emulated with 16-bit integers and needs
// +Int16,+StorageBuffer16BitAccess.
//
//===----------------------------------------------------------------------===//
#ifndef LOOM_PASSES_VULKANTARGETENV_H
#define LOOM_PASSES_VULKANTARGETENV_H

#include "mlir/IR/BuiltinOps.h"

#include <array>
#include <string>
#include <vector>

namespace mlir::spirv {
class TargetEnvAttr;
} // namespace mlir::spirv

namespace loom {

struct VulkanTargetEnv {
  int vulkanMinor = 1;                   // Vulkan 1.x
  std::vector<std::string> capabilities; // beyond Shader, SPIR-V spelling
  int64_t maxWorkgroupInvocations = 128;
  std::array<int64_t, 3> maxWorkgroupSize = {128, 128, 64};
  int64_t maxSharedMemoryBytes = 16384;
  int64_t subgroupSize = 32;

  /// SPIR-V minor version (1.x) of this Vulkan version.
  int spirvMinor() const;
  bool has(llvm::StringRef capability) const;
  /// The environment as text that `parseVulkanTargetEnv` reads back.
  std::string str() const;
};

/// Parses target environment text (see above; "" gives the defaults). On
/// failure returns false and sets `error` to a message naming the bad item.
bool parseVulkanTargetEnv(llvm::StringRef text, VulkanTargetEnv &env,
                          std::string &error);

/// The `#spirv.target_env` attribute of `env`.
mlir::spirv::TargetEnvAttr getSpirvTargetEnvAttr(mlir::MLIRContext *ctx,
                                                 const VulkanTargetEnv &env);

} // namespace loom

#endif // LOOM_PASSES_VULKANTARGETENV_H
