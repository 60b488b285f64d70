// --loom-spirv-push-constants: the scalar arguments of an entry point (its
// push constants, after its buffer bindings) are read from a PushConstant
// block of the kernel's own, 32-bit words in order, and leave the
// signature; the bindings keep theirs. Kernels without scalars are left
// alone; a push constant that is not a 32-bit integer is refused.
// RUN: loom-opt %s -split-input-file -verify-diagnostics --loom-spirv-push-constants | FileCheck %s

// CHECK-LABEL: spirv.module @__spv__kernels
// CHECK-DAG: spirv.GlobalVariable @__push_constants_k2__ : !spirv.ptr<!spirv.struct<(!spirv.array<2 x i32, stride=4> [0])>, PushConstant>
// CHECK-DAG: spirv.GlobalVariable @__push_constants_k1__ : !spirv.ptr<!spirv.struct<(!spirv.array<1 x i32, stride=4> [0])>, PushConstant>
// CHECK: spirv.func @k2(%[[BUF:.*]]: !spirv.ptr<!spirv.struct<(!spirv.rtarray<f32, stride=4> [0])>, StorageBuffer> {spirv.interface_var_abi = #spirv.interface_var_abi<(0, 0)>}) "None"
// CHECK: %[[ADDR:.*]] = spirv.mlir.addressof @__push_constants_k2__
// CHECK: %[[ZERO:.*]] = spirv.Constant 0 : i32
// CHECK: %[[ZERO2:.*]] = spirv.Constant 0 : i32
// CHECK: %[[P0:.*]] = spirv.AccessChain %[[ADDR]][%[[ZERO]], %[[ZERO2]]] : {{.*}} -> !spirv.ptr<i32, PushConstant>
// CHECK: %[[N:.*]] = spirv.Load "PushConstant" %[[P0]] : i32
// CHECK: %[[ONE:.*]] = spirv.Constant 1 : i32
// CHECK: %[[P1:.*]] = spirv.AccessChain %[[ADDR]][%[[ZERO]], %[[ONE]]]
// CHECK: %[[M:.*]] = spirv.Load "PushConstant" %[[P1]] : i32
// CHECK: spirv.IAdd %[[N]], %[[M]] : i32
// CHECK: spirv.func @k1() "None"
// CHECK: spirv.mlir.addressof @__push_constants_k1__
// CHECK: spirv.func @k0(%{{.*}}: !spirv.ptr<{{.*}}>, StorageBuffer> {{.*}}) "None"
// CHECK-NOT: PushConstant
module attributes {gpu.container_module} {
  spirv.module @__spv__kernels Logical GLSL450 requires #spirv.vce<v1.0, [Shader], [SPV_KHR_storage_buffer_storage_class]> {
    spirv.func @k2(%buf: !spirv.ptr<!spirv.struct<(!spirv.rtarray<f32, stride=4> [0])>, StorageBuffer> {spirv.interface_var_abi = #spirv.interface_var_abi<(0, 0)>},
                   %n: i32 {spirv.interface_var_abi = #spirv.interface_var_abi<(0, 1), StorageBuffer>},
                   %m: i32 {spirv.interface_var_abi = #spirv.interface_var_abi<(0, 2), StorageBuffer>}) "None"
        attributes {spirv.entry_point_abi = #spirv.entry_point_abi<workgroup_size = [64, 1, 1]>} {
      %s = spirv.IAdd %n, %m : i32
      spirv.Return
    }
    spirv.func @k1(%n: i32 {spirv.interface_var_abi = #spirv.interface_var_abi<(0, 0), StorageBuffer>}) "None"
        attributes {spirv.entry_point_abi = #spirv.entry_point_abi<workgroup_size = [64, 1, 1]>} {
      %s = spirv.IAdd %n, %n : i32
      spirv.Return
    }
    spirv.func @k0(%buf: !spirv.ptr<!spirv.struct<(!spirv.rtarray<f32, stride=4> [0])>, StorageBuffer> {spirv.interface_var_abi = #spirv.interface_var_abi<(0, 0)>}) "None"
        attributes {spirv.entry_point_abi = #spirv.entry_point_abi<workgroup_size = [64, 1, 1]>} {
      spirv.Return
    }
  }
}

// -----

module attributes {gpu.container_module} {
  spirv.module @__spv__kernels Logical GLSL450 requires #spirv.vce<v1.0, [Shader, Int64], [SPV_KHR_storage_buffer_storage_class]> {
    // expected-error @+1 {{kernel 'wide' argument #0 is 'i64'; push constants are 32-bit integers}}
    spirv.func @wide(%n: i64 {spirv.interface_var_abi = #spirv.interface_var_abi<(0, 0), StorageBuffer>}) "None"
        attributes {spirv.entry_point_abi = #spirv.entry_point_abi<workgroup_size = [64, 1, 1]>} {
      spirv.Return
    }
  }
}
