// RUN: loom-opt %s --loom-to-linalg --loom-fuse --loom-outline-dispatches --loom-cpu-bufferize | FileCheck %s

// Results are computed in place in their output bindings: no allocation, no
// copy.
// CHECK-LABEL: func.func @main_dispatch_0
// CHECK-SAME: (%[[IN:.*]]: memref<4x8xf32>, %[[OUT:.*]]: memref<4xf32>,
// CHECK-NOT: memref.alloc
// CHECK-NOT: copy
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%[[OUT]] : memref<4xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[IN]] : memref<4x8xf32>) outs(%[[OUT]] : memref<4xf32>)
// CHECK: return
func.func @main(%x: tensor<4x8xf32>) -> tensor<4xf32> {
  %0 = loom.reduce_sum %x [1] : tensor<4x8xf32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
