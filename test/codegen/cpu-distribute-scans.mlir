// RUN: loom-opt %s --loom-to-linalg --loom-fuse --loom-outline-dispatches --loom-cpu-distribute --loom-cpu-distribute-scans=max-workgroups=2 -split-input-file | FileCheck %s
// RUN: loom-opt %s --loom-to-linalg --loom-fuse --loom-outline-dispatches --loom-cpu-distribute --loom-cpu-distribute-scans -split-input-file | FileCheck %s --check-prefix=FOUR
// RUN: loom-opt %s --loom-to-linalg --loom-fuse --loom-outline-dispatches --loom-cpu-distribute --loom-cpu-distribute-scans=max-workgroups=2 --cse --loom-cpu-bufferize --loom-map-workgroups -split-input-file | FileCheck %s --check-prefix=MAP

// An Elman RNN over 8 batch rows: on 2 threads, two workgroups of 4 rows,
// each running all 5 steps. Every op of a step computes the block's rows
// only, the input projection and its zero fill included; the state lives
// in the block's rows of the kernel's first result, and each step's state
// goes to the block's rows of the stacked output.
// CHECK-LABEL: func.func @main_dispatch_0
// CHECK: scf.forall (%[[W:.*]]) in (2) shared_outs(%[[HT:.*]] = %{{.*}}, %[[HS:.*]] = %{{.*}}) -> (tensor<8x16xf32>, tensor<5x8x16xf32>)
// CHECK:   %[[OFF:.*]] = affine.apply #{{.*}}(%[[W]])
// CHECK:   %[[H0:.*]] = tensor.extract_slice %{{.*}}[%[[OFF]], 0] [4, 16] [1, 1]
// CHECK:   %[[INIT:.*]] = tensor.insert_slice %[[H0]] into %[[HT]][%[[OFF]], 0] [4, 16] [1, 1]
// CHECK:   scf.for %[[T:.*]] = {{.*}} iter_args(%[[H:.*]] = %[[INIT]], %[[S:.*]] = %[[HS]])
// CHECK:     linalg.fill {{.*}} -> tensor<4x16xf32>
// CHECK:     linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<4x32xf32>, tensor<32x16xf32>)
// CHECK:     %[[HROWS:.*]] = tensor.extract_slice %[[H]][%[[OFF]], 0] [4, 16] [1, 1]
// CHECK:     linalg.matmul ins(%[[HROWS]], %{{.*}} : tensor<4x16xf32>, tensor<16x16xf32>)
// CHECK:     %[[NEW:.*]] = linalg.generic
// CHECK:     } -> tensor<4x16xf32>
// CHECK:     %[[COPY:.*]] = linalg.copy ins(%[[NEW]] : tensor<4x16xf32>) outs(%[[HROWS]] : tensor<4x16xf32>)
// CHECK:     tensor.insert_slice %[[COPY]] into %[[H]][%[[OFF]], 0] [4, 16] [1, 1]
// CHECK:     tensor.insert_slice %[[NEW]] into %[[S]][%[[T]], %[[OFF]], 0] [1, 4, 16] [1, 1, 1]
// CHECK:   scf.forall.in_parallel
// CHECK:     tensor.parallel_insert_slice %{{.*}} into %[[HT]][%[[OFF]], 0] [4, 16] [1, 1]
// CHECK:     tensor.parallel_insert_slice %{{.*}} into %[[HS]][0, %[[OFF]], 0] [5, 4, 16] [1, 1, 1]

// With up to 4 threads (the default): four blocks of 2 rows.
// FOUR-LABEL: func.func @main_dispatch_0
// FOUR: scf.forall (%{{.*}}) in (4)
// FOUR: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<2x16xf32>, tensor<16x16xf32>)

// Workgroups of the kernel; the state is updated in place in the result's
// rows (no copy of the whole state per workgroup).
// MAP-LABEL: func.func @main_dispatch_0
// MAP-SAME: loom.kernel = #loom.kernel<workgroup_count = [2, 1, 1]>
// MAP-NOT: memref.alloc() {{.*}} : memref<8x16xf32>
// MAP: scf.for
// MAP: linalg.matmul ins(%{{.*}}, %{{.*}} : memref<4x16xf32, strided<[16, 1], offset: ?>>, memref<16x16xf32>)
func.func @main(%h0: tensor<8x16xf32>, %xs: tensor<5x8x32xf32>, %w: tensor<32x16xf32>, %u: tensor<16x16xf32>) -> (tensor<8x16xf32>, tensor<5x8x16xf32>) {
  %hT, %hs = loom.scan init(%h0 : tensor<8x16xf32>) over(%xs : tensor<5x8x32xf32>) {
  ^bb0(%h: tensor<8x16xf32>, %x: tensor<8x32xf32>):
    %a = loom.matmul %x, %w : (tensor<8x32xf32>, tensor<32x16xf32>) -> tensor<8x16xf32>
    %b = loom.matmul %h, %u : (tensor<8x16xf32>, tensor<16x16xf32>) -> tensor<8x16xf32>
    %s = loom.add %a, %b : (tensor<8x16xf32>, tensor<8x16xf32>) -> tensor<8x16xf32>
    %t = loom.tanh %s : tensor<8x16xf32>
    loom.yield %t, %t : tensor<8x16xf32>, tensor<8x16xf32>
  } -> tensor<8x16xf32>, tensor<5x8x16xf32>
  return %hT, %hs : tensor<8x16xf32>, tensor<5x8x16xf32>
}

// -----

// A step that mixes rows (the state's rows are summed by a product with a
// row-mixing matrix) keeps the loop as one workgroup.
// CHECK-LABEL: func.func @main_dispatch_0
// CHECK-NOT: scf.forall
// CHECK: scf.for
// FOUR-LABEL: func.func @main_dispatch_0
// FOUR-NOT: scf.forall
// MAP-LABEL: func.func @main_dispatch_0
// MAP-SAME: loom.kernel = #loom.kernel<workgroup_count = [1, 1, 1]>
func.func @main(%h0: tensor<8x16xf32>, %xs: tensor<5x8x16xf32>, %m: tensor<8x8xf32>) -> tensor<8x16xf32> {
  %hT, %hs = loom.scan init(%h0 : tensor<8x16xf32>) over(%xs : tensor<5x8x16xf32>) {
  ^bb0(%h: tensor<8x16xf32>, %x: tensor<8x16xf32>):
    %a = loom.matmul %m, %h : (tensor<8x8xf32>, tensor<8x16xf32>) -> tensor<8x16xf32>
    %s = loom.add %a, %x : (tensor<8x16xf32>, tensor<8x16xf32>) -> tensor<8x16xf32>
    loom.yield %s, %s : tensor<8x16xf32>, tensor<8x16xf32>
  } -> tensor<8x16xf32>, tensor<5x8x16xf32>
  return %hT : tensor<8x16xf32>
}

// -----

// Three rows cannot make blocks of at least 2: one workgroup.
// CHECK-LABEL: func.func @main_dispatch_0
// CHECK-NOT: scf.forall
// FOUR-LABEL: func.func @main_dispatch_0
// FOUR-NOT: scf.forall
// MAP-LABEL: func.func @main_dispatch_0
// MAP-SAME: loom.kernel = #loom.kernel<workgroup_count = [1, 1, 1]>
func.func @main(%h0: tensor<3x16xf32>, %xs: tensor<5x3x16xf32>, %u: tensor<16x16xf32>) -> tensor<3x16xf32> {
  %hT, %hs = loom.scan init(%h0 : tensor<3x16xf32>) over(%xs : tensor<5x3x16xf32>) {
  ^bb0(%h: tensor<3x16xf32>, %x: tensor<3x16xf32>):
    %a = loom.matmul %h, %u : (tensor<3x16xf32>, tensor<16x16xf32>) -> tensor<3x16xf32>
    %s = loom.add %a, %x : (tensor<3x16xf32>, tensor<3x16xf32>) -> tensor<3x16xf32>
    loom.yield %s, %s : tensor<3x16xf32>, tensor<3x16xf32>
  } -> tensor<3x16xf32>, tensor<5x3x16xf32>
  return %hT : tensor<3x16xf32>
}
