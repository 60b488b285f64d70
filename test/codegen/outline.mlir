// RUN: loom-opt %s --loom-to-linalg --loom-fuse --loom-outline-dispatches | FileCheck %s

// Two matmuls are two regions, outlined as two kernels of `module @kernels`.
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:.*]]: tensor<4x8xf32>, %[[W:.*]]: tensor<8x8xf32>)
// CHECK: %[[A:.*]] = loom.launch @kernels::@main_dispatch_0(%[[X]], %[[W]]) : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
// CHECK: %[[B:.*]] = loom.launch @kernels::@main_dispatch_1(%[[A]], %[[W]]) : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
// CHECK: return %[[B]]
// CHECK: module @kernels {
// CHECK: func.func @main_dispatch_0(%[[IN:.*]]: memref<4x8xf32>, %[[IN2:.*]]: memref<8x8xf32>, %[[OUT:.*]]: memref<4x8xf32>, %{{.*}}: index, %{{.*}}: index, %{{.*}}: index) attributes {loom.kernel = #loom.kernel<>}
// CHECK:   %[[T:.*]] = bufferization.to_tensor %[[IN]] restrict : memref<4x8xf32> to tensor<4x8xf32>
// CHECK:   %[[R:.*]] = linalg.matmul ins(%[[T]], %{{.*}} : tensor<4x8xf32>, tensor<8x8xf32>)
// CHECK:   bufferization.materialize_in_destination %[[R]] in restrict writable %[[OUT]] : (tensor<4x8xf32>, memref<4x8xf32>) -> ()
// CHECK: func.func @main_dispatch_1(%{{.*}}: memref<4x8xf32>, %{{.*}}: memref<8x8xf32>, %{{.*}}: memref<4x8xf32>, %{{.*}}: index, %{{.*}}: index, %{{.*}}: index) attributes {loom.kernel = #loom.kernel<>}
func.func @main(%x: tensor<4x8xf32>, %w: tensor<8x8xf32>) -> tensor<4x8xf32> {
  %0 = loom.matmul %x, %w : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  %1 = loom.matmul %0, %w : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  return %1 : tensor<4x8xf32>
}
