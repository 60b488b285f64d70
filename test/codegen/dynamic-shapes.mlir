// Dynamic dimensions through the CPU pipeline (issue 22): one tensor.dim per
// symbol (x and m share "batch"), dispatches that carry the sizes, kernels
// whose dynamic bindings are views over push constants, and a grid computed
// from them.
// RUN: loom-opt %s --loom-to-linalg | FileCheck %s --check-prefix=LINALG
// RUN: loom-opt %s --loom-to-linalg --loom-fuse | FileCheck %s --check-prefix=FUSE
// RUN: loom-opt %s --loom-to-linalg --loom-fuse --loom-outline-dispatches --loom-cpu-distribute --cse --loom-cpu-bufferize --loom-map-workgroups | FileCheck %s --check-prefix=KERNEL

// LINALG-LABEL: func.func @main(
// LINALG:         %[[DIM:.*]] = tensor.dim %arg0, %c0 : tensor<?x16xf32>
// LINALG-NOT:     tensor.dim
// LINALG:         tensor.empty(%[[DIM]]) : tensor<?x32xf32>
// LINALG-NOT:     tensor.dim

// FUSE-LABEL: func.func @main(
// FUSE:         %[[DIM:.*]] = tensor.dim %arg0, %c0 : tensor<?x16xf32>
// FUSE:         loom.dispatch(%arg0, %[[DIM]], %arg1) result_dims(%[[DIM]]) : (tensor<?x16xf32>, index, tensor<?x32xf32>) -> tensor<?x32xf32>
// FUSE-NEXT:    ^bb0(%{{.*}}: tensor<?x16xf32>, %[[N:.*]]: index, %{{.*}}: tensor<?x32xf32>):
// FUSE:           tensor.empty(%[[N]]) : tensor<?x32xf32>

// KERNEL: #[[GRID:.*]] = affine_map<()[s0] -> (s0 ceildiv 64, 1, 1)>
// KERNEL-LABEL: func.func @main(
// KERNEL:         %[[DIM:.*]] = tensor.dim %arg0, %c0 : tensor<?x16xf32>
// KERNEL:         loom.launch @kernels::@main_dispatch_0(%arg0, %arg1, %[[DIM]]) result_dims(%[[DIM]]) : (tensor<?x16xf32>, tensor<?x32xf32>, index) -> tensor<?x32xf32>
// KERNEL:       func.func @main_dispatch_0(%[[X:.*]]: memref<f32>, %{{.*}}: memref<f32>, %{{.*}}: memref<f32>, %[[B:.*]]: index, %{{.*}}: index, %{{.*}}: index, %{{.*}}: index)
// KERNEL-SAME:    loom.workgroup_count_map = #[[GRID]]
// KERNEL:         memref.reinterpret_cast %[[X]] to offset: [0], sizes: [%[[B]], 16], strides: [16, 1] : memref<f32> to memref<?x16xf32>
func.func @main(%x: tensor<?x16xf32> {loom.dim_names = ["batch", ""]},
                %m: tensor<?x32xf32> {loom.dim_names = ["batch", ""]}) -> tensor<?x32xf32> {
  %w = loom.constant dense<0.5> : tensor<32x16xf32>
  %b = loom.constant dense<0.25> : tensor<32xf32>
  %h = loom.linear %x, %w, %b : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<32xf32>) -> tensor<?x32xf32>
  %a = loom.add %h, %m : (tensor<?x32xf32>, tensor<?x32xf32>) -> tensor<?x32xf32>
  %r = loom.relu %a : tensor<?x32xf32>
  return %r : tensor<?x32xf32>
}
