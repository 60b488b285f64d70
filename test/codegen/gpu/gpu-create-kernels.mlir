// --loom-gpu-create-kernels: the kernels become gpu.func kernels of
// `gpu.module @kernels` with the same bindings; the workgroup id arguments
// become gpu.block_id, the workgroup size known_block_size, the contract
// stays, and static temporaries are allocated once at entry (private
// memory with memref.alloca). Host functions keep their loom.launch ops.
// RUN: loom-opt %S/Inputs/matmul-relu-rowsum.mlir --loom-to-linalg --loom-fuse --loom-outline-dispatches --loom-gpu-distribute --loom-gpu-bufferize --loom-gpu-map-forall --loom-gpu-create-kernels | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK: loom.launch @kernels::@main_dispatch_0
// CHECK: gpu.module @kernels {
// CHECK: gpu.func @main_dispatch_0(%{{.*}}: memref<64x128xf32>, %{{.*}}: memref<128x256xf32>, %{{.*}}: memref<64x256xf32>) kernel attributes {known_block_size = array<i32: 128, 1, 1>, loom.kernel = #loom.kernel<workgroup_count = [8, 2, 1], workgroup_size = [128, 1, 1], strategy = shared_memory_contraction>}
// CHECK-NEXT: memref.alloca() : memref<1x1xf32, #gpu.address_space<private>>
// CHECK-NEXT: memref.alloc() {{.*}} : memref<32x32xf32, #gpu.address_space<workgroup>>
// CHECK: gpu.block_id x
// CHECK: gpu.return
// CHECK: gpu.func @main_dispatch_1(%{{.*}}: memref<4x4096xf32>, %{{.*}}: memref<4xf32>) kernel
// CHECK-NOT: func.func @main_dispatch
