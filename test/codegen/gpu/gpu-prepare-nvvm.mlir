// --loom-gpu-prepare-nvvm: workgroup memory becomes the kernels' workgroup
// attributions (CUDA shared memory), and math without an NVPTX instruction
// becomes polynomials (the PTX needs no libdevice).
// RUN: loom-opt %s --loom-to-linalg --loom-fuse --loom-outline-dispatches --loom-gpu-distribute --loom-gpu-bufferize --loom-gpu-map-forall --loom-gpu-create-kernels --loom-gpu-prepare-nvvm | FileCheck %s

// CHECK: gpu.func @main_dispatch_0(%{{.*}}: memref<4x4096xf32>, %{{.*}}: memref<4xf32>) workgroup(%{{.*}} : memref<1x128xf32, #gpu.address_space<workgroup>>
// CHECK-NOT: memref.alloc()
// CHECK: gpu.func @main_dispatch_1
// CHECK-NOT: math.tanh
// CHECK: gpu.return
func.func @main(%v: tensor<4x4096xf32>, %x: tensor<1024xf32>) -> (tensor<4xf32>, tensor<1024xf32>) {
  %0 = loom.reduce_sum %v [1] : tensor<4x4096xf32> -> tensor<4xf32>
  %1 = loom.tanh %x : tensor<1024xf32>
  return %0, %1 : tensor<4xf32>, tensor<1024xf32>
}
