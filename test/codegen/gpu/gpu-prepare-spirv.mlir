// --loom-gpu-prepare-spirv: the target environment and each kernel's
// entry-point ABI attached, GPU address spaces as Vulkan storage classes,
// and every type checked against the environment's capabilities.
// RUN: loom-opt %S/Inputs/matmul-relu-rowsum.mlir --loom-to-linalg --loom-fuse --loom-outline-dispatches --loom-gpu-distribute --loom-gpu-bufferize --loom-gpu-map-forall --loom-gpu-create-kernels --loom-gpu-prepare-spirv=target-env=vulkan1.3 | FileCheck %s
// RUN: not loom-opt %S/Inputs/add-i64.mlir --loom-to-linalg --loom-fuse --loom-outline-dispatches --loom-gpu-distribute --loom-gpu-bufferize --loom-gpu-map-forall --loom-gpu-create-kernels --loom-gpu-prepare-spirv 2>&1 | FileCheck %s --check-prefix=INT64
// RUN: loom-opt %S/Inputs/add-i64.mlir --loom-to-linalg --loom-fuse --loom-outline-dispatches --loom-gpu-distribute --loom-gpu-bufferize --loom-gpu-map-forall --loom-gpu-create-kernels --loom-gpu-prepare-spirv=target-env=vulkan1.1,+Int64 | FileCheck %s --check-prefix=HASINT64
// RUN: not loom-opt %S/Inputs/add-i64.mlir --loom-gpu-prepare-spirv=target-env=vulkan7 2>&1 | FileCheck %s --check-prefix=ENV

// CHECK: gpu.module @kernels attributes {spirv.target_env = #spirv.target_env<#spirv.vce<v1.6, [Shader], [SPV_KHR_storage_buffer_storage_class]>, api=Vulkan
// CHECK: gpu.func @main_dispatch_0
// CHECK-SAME: spirv.entry_point_abi = #spirv.entry_point_abi<workgroup_size = [128, 1, 1]>
// CHECK: memref.alloca() : memref<1x1xf32, #spirv.storage_class<Function>>
// CHECK: memref.alloc() {{.*}} : memref<32x32xf32, #spirv.storage_class<Workgroup>>
// CHECK-NOT: #gpu.address_space

// INT64: add-i64.mlir:3:8: error: '{{.*}}' uses i64 values, which need the SPIR-V capability Int64; the Vulkan target environment 'vulkan1.1' lacks it (add +Int64 to --vulkan-target-env if the device has it)
// HASINT64: spirv.target_env = #spirv.target_env<#spirv.vce<v1.3, [Shader, Int64]
// ENV: error: invalid Vulkan target environment: bad target environment item 'vulkan7'
