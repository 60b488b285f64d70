// GPU kernels over a dynamic batch (issue 22): the batch loop gets static
// workgroup tiles of 32 rows whose last one is partial, the grid is a map
// over the kernel's push constants that the runtime evaluates at each
// dispatch, the invocations of a tile loop up to the tile's rows (the
// bounds check), and the tile's temporaries take their full static size.
// RUN: loom-opt %s --loom-to-linalg --loom-fuse --loom-outline-dispatches --loom-gpu-distribute --loom-gpu-bufferize --loom-gpu-map-forall | FileCheck %s
// On SPIR-V: a dynamic binding is a runtime array, the push constants one
// PushConstant block of the kernel, the entry point takes no arguments.
// RUN: loom-opt %s --loom-vulkan-pipeline | FileCheck %s --check-prefix=SPIRV

// CHECK-DAG: #[[GRID:.*]] = affine_map<()[s0] -> (s0 ceildiv 32, 1, 1)>
// CHECK-DAG: #[[ROWS:.*]] = affine_map<(d0)[s0] -> (-d0 + s0, 32)>
// CHECK-LABEL: func.func @main_dispatch_0
// CHECK-SAME: (%[[X:.*]]: memref<f32>, %{{.*}}: memref<4x3xf32>, %{{.*}}: memref<3xf32>, %[[Y:.*]]: memref<f32>, %[[BATCH:.*]]: index, %[[WX:.*]]: index, %{{.*}}: index, %{{.*}}: index)
// CHECK-SAME: strategy = simt
// CHECK-SAME: loom.workgroup_count_map = #[[GRID]]
// CHECK-DAG: %[[TID:.*]] = gpu.thread_id x
// CHECK-DAG: memref.reinterpret_cast %[[X]] to offset: [0], sizes: [%[[BATCH]], 4], strides: [4, 1]
// CHECK-DAG: memref.reinterpret_cast %[[Y]] to offset: [0], sizes: [%[[BATCH]], 3], strides: [3, 1]
// CHECK: %[[ROW0:.*]] = arith.muli %[[WX]], %c32
// CHECK: %[[N:.*]] = affine.min #[[ROWS]](%{{.*}})[%[[BATCH]]]
// CHECK: %[[TILE:.*]] = memref.alloc() {{.*}} : memref<32x3xf32, #gpu.address_space<workgroup>>
// CHECK: memref.subview %[[TILE]][0, 0] [%[[N]], 3] [1, 1]
// CHECK: %[[COUNT:.*]] = arith.muli %{{.*}}, %c3
// CHECK: scf.for %{{.*}} = %[[TID]] to %[[COUNT]] step %c96
// CHECK: gpu.barrier
// CHECK-NOT: scf.forall
// CHECK: return

// SPIRV-DAG: spirv.GlobalVariable @__push_constants_main_dispatch_0__ : !spirv.ptr<!spirv.struct<(!spirv.array<1 x i32, stride=4> [0])>, PushConstant>
// SPIRV-DAG: spirv.GlobalVariable @main_dispatch_0_arg_0 bind(0, 0) : !spirv.ptr<!spirv.struct<(!spirv.rtarray<f32, stride=4> [0])>, StorageBuffer>
// SPIRV-DAG: spirv.GlobalVariable @main_dispatch_0_arg_1 bind(0, 1) : !spirv.ptr<!spirv.struct<(!spirv.array<12 x f32, stride=4> [0])>, StorageBuffer>
// SPIRV-DAG: spirv.GlobalVariable @main_dispatch_0_arg_3 bind(0, 3) : !spirv.ptr<!spirv.struct<(!spirv.rtarray<f32, stride=4> [0])>, StorageBuffer>
// SPIRV-DAG: spirv.GlobalVariable @{{.*}} : !spirv.ptr<!spirv.struct<(!spirv.array<96 x f32>)>, Workgroup>
// SPIRV-NOT: bind(0, 4)
// SPIRV: spirv.func @main_dispatch_0() "None"
// SPIRV: %[[PC:.*]] = spirv.mlir.addressof @__push_constants_main_dispatch_0__
// SPIRV: %[[P:.*]] = spirv.AccessChain %[[PC]][%{{.*}}, %{{.*}}] : {{.*}} -> !spirv.ptr<i32, PushConstant>
// SPIRV: spirv.Load "PushConstant" %[[P]] : i32
// SPIRV: spirv.EntryPoint "GLCompute" @main_dispatch_0
// SPIRV: spirv.ExecutionMode @main_dispatch_0 "LocalSize", 96, 1, 1

func.func @main(%x: tensor<?x4xf32> {loom.name = "x", loom.dim_names = ["batch", ""]})
    -> tensor<?x3xf32> {
  %w = loom.constant dense<[[0.5, -0.25, 0.125, 1.0], [0.25, 0.5, -0.5, 0.0], [-1.0, 0.0, 0.5, 0.25]]> : tensor<3x4xf32>
  %b = loom.constant dense<[0.1, -0.2, 0.3]> : tensor<3xf32>
  %h = loom.linear %x, %w, %b : (tensor<?x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  %s = loom.softmax %h axis = -1 : tensor<?x3xf32>
  return %s : tensor<?x3xf32>
}
