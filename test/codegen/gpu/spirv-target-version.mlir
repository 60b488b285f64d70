// --loom-spirv-target-version: a spirv.module declares at least the SPIR-V
// version of the target environment of the gpu.module it came from (from
// 1.4 on the entry points list every global they use).
// RUN: loom-opt %s -split-input-file --loom-spirv-target-version | FileCheck %s

// CHECK: spirv.module @__spv__kernels Logical GLSL450 requires #spirv.vce<v1.6, [Shader], [SPV_KHR_storage_buffer_storage_class]>
module attributes {gpu.container_module} {
  gpu.module @kernels attributes {spirv.target_env = #spirv.target_env<#spirv.vce<v1.6, [Shader], [SPV_KHR_storage_buffer_storage_class]>, api=Vulkan, #spirv.resource_limits<>>} {
  }
  spirv.module @__spv__kernels Logical GLSL450 requires #spirv.vce<v1.0, [Shader], [SPV_KHR_storage_buffer_storage_class]> {
  }
}

// -----

// Below 1.4 the version spirv-update-vce chose stays.
// CHECK: spirv.module @__spv__kernels Logical GLSL450 requires #spirv.vce<v1.0, [Shader], [SPV_KHR_storage_buffer_storage_class]>
module attributes {gpu.container_module} {
  gpu.module @kernels attributes {spirv.target_env = #spirv.target_env<#spirv.vce<v1.3, [Shader], [SPV_KHR_storage_buffer_storage_class]>, api=Vulkan, #spirv.resource_limits<>>} {
  }
  spirv.module @__spv__kernels Logical GLSL450 requires #spirv.vce<v1.0, [Shader], [SPV_KHR_storage_buffer_storage_class]> {
  }
}
