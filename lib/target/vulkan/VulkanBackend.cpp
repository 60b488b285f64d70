//===- VulkanBackend.cpp - the Vulkan (SPIR-V) target backend -------------===//
//
// Kernels distributed onto workgroups and invocations within the limits of
// the Vulkan target environment, lowered to one SPIR-V module with a
// GLCompute entry point per kernel.
//
//===----------------------------------------------------------------------===//
#include "VulkanTarget.h"

#include "../GpuEmission.h"

#include "loom/module/ModuleWriter.h"
#include "loom/module/Schedule.h"
#include "loom/passes/VulkanTargetEnv.h"
#include "loom/target/TargetBackend.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"

#include <algorithm>

using namespace mlir;

namespace loom {

namespace {

GpuPipelineOptions limitsOf(const VulkanTargetEnv &env) {
  GpuPipelineOptions gpu;
  gpu.maxWorkgroupSize =
      std::min(env.maxWorkgroupInvocations, env.maxWorkgroupSize[0]);
  gpu.maxSharedMemory = env.maxSharedMemoryBytes;
  gpu.subgroupSize = env.subgroupSize;
  return gpu;
}

class VulkanBackend : public TargetBackend {
public:
  VulkanBackend() {
    optionInfo = {
        {"vulkan-target-env",
         "Vulkan target environment: vulkan1.0..vulkan1.3, then "
         "+CAPABILITY (Int64, Float16, StorageBuffer16BitAccess...) and "
         "limits (max-workgroup-invocations=N, max-shared-memory=BYTES...) "
         "the device has",
         VulkanTargetEnv().str()},
    };
  }

  StringRef name() const override { return "vulkan"; }
  ArrayRef<TargetOptionInfo> options() const override { return optionInfo; }
  // Dynamic dimensions (a batch known per call): kernels take their sizes
  // as push constants and their grids are computed at dispatch.
  bool supportsDynamicShapes() const override { return true; }
  bool canEmit(Emission emit) const override {
    return emit == Emission::Module || emit == Emission::MLIR ||
           emit == Emission::SPIRV;
  }

  bool configure(const TargetConfig &config, std::string &error) override {
    emit = config.emit;
    auto text = config.options.find("vulkan-target-env");
    if (text != config.options.end() &&
        !parseVulkanTargetEnv(text->second, env, error)) {
      error = "--vulkan-target-env: " + error;
      return false;
    }
    return true;
  }

  void buildKernelPipeline(OpPassManager &pm,
                           const PipelineOptions &frontend) const override {
    buildLoomGpuKernelPipeline(pm, frontend, limitsOf(env));
  }

  LogicalResult lowerKernels(ModuleOp module,
                             const ModuleSchedule &) override {
    if (emit == Emission::MLIR)
      return createGpuKernelsForInspection(module);
    PassManager pm(module.getContext());
    buildLoomVulkanLoweringPipeline(pm, env.str());
    return pm.run(module);
  }

  LogicalResult serialize(ModuleOp module, const ModuleSchedule &schedule,
                          std::string &output) override {
    if (emit == Emission::MLIR) {
      output = printGpuModules(module);
      return success();
    }
    VulkanArtifacts artifacts;
    if (failed(buildVulkanArtifacts(module, artifacts)))
      return failure();
    if (emit == Emission::SPIRV) {
      output = std::move(artifacts.spirv);
      return success();
    }
    output = writeModuleFile(schedule, {"spirv", artifacts.spirv},
                             {"vulkan", "", artifacts.spirvVersion,
                              artifacts.capabilities});
    return success();
  }

  void registerPipelines() const override {
    PassPipelineRegistration<>(
        "loom-vulkan-pipeline",
        "From the loom dialect to one spirv.module of kernels for the "
        "default Vulkan target environment (host functions keep loom.launch "
        "ops)",
        [](OpPassManager &pm) {
          VulkanTargetEnv env;
          buildLoomGpuKernelPipeline(pm, PipelineOptions(), limitsOf(env));
          buildLoomVulkanLoweringPipeline(pm, env.str());
        });
  }

private:
  std::vector<TargetOptionInfo> optionInfo;
  VulkanTargetEnv env;
  Emission emit = Emission::Module;
};

} // namespace

void registerVulkanTargetBackend() {
  registerTargetBackend("vulkan",
                        [] { return std::make_unique<VulkanBackend>(); });
}

} // namespace loom
