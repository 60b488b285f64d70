// RUN: loom-opt %s --loom-outline-dispatches | FileCheck %s

// A region whose result is collapsed from a static shape (a matmul on
// packed weights computes M x N/128 x 128) writes it through an
// expand_shape view of the destination: no temporary and no copy. The same
// value yielded twice is written to both destinations.
// CHECK: func.func @main_dispatch_0(%[[IN:.*]]: memref<2x256xf32>, %[[OUT:.*]]: memref<2x256xf32>, %[[OUT2:.*]]: memref<2x256xf32>, %{{.*}}: index, %{{.*}}: index, %{{.*}}: index)
// CHECK-NOT: tensor.collapse_shape
// CHECK: %[[R:.*]] = linalg.generic
// CHECK-NOT: tensor.collapse_shape
// CHECK: %[[VIEW:.*]] = memref.expand_shape %[[OUT]] {{\[\[}}0], [1, 2]] output_shape [2, 2, 128] : memref<2x256xf32> into memref<2x2x128xf32>
// CHECK: bufferization.materialize_in_destination %[[R]] in restrict writable %[[VIEW]] : (tensor<2x2x128xf32>, memref<2x2x128xf32>) -> ()
// CHECK: %[[VIEW2:.*]] = memref.expand_shape %[[OUT2]] {{\[\[}}0], [1, 2]] output_shape [2, 2, 128] : memref<2x256xf32> into memref<2x2x128xf32>
// CHECK: bufferization.materialize_in_destination %[[R]] in restrict writable %[[VIEW2]]
// CHECK-NEXT: return
func.func @main(%x: tensor<2x256xf32>) -> (tensor<2x256xf32>, tensor<2x256xf32>) {
  %0:2 = loom.dispatch(%x) : (tensor<2x256xf32>) -> (tensor<2x256xf32>, tensor<2x256xf32>) {
  ^bb0(%a: tensor<2x256xf32>):
    %e = tensor.expand_shape %a [[0], [1, 2]] output_shape [2, 2, 128] : tensor<2x256xf32> into tensor<2x2x128xf32>
    %i = tensor.empty() : tensor<2x2x128xf32>
    %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%e : tensor<2x2x128xf32>) outs(%i : tensor<2x2x128xf32>) {
    ^bb0(%v: f32, %o: f32):
      %n = arith.negf %v : f32
      linalg.yield %n : f32
    } -> tensor<2x2x128xf32>
    %c = tensor.collapse_shape %r [[0], [1, 2]] : tensor<2x2x128xf32> into tensor<2x256xf32>
    loom.yield %c, %c : tensor<2x256xf32>, tensor<2x256xf32>
  }
  return %0#0, %0#1 : tensor<2x256xf32>, tensor<2x256xf32>
}
