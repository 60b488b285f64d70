// RUN: loom-opt %s --loom-to-linalg --loom-fuse --loom-outline-dispatches --loom-cpu-distribute -split-input-file | FileCheck %s
// RUN: loom-opt %s --loom-to-linalg --loom-fuse --loom-outline-dispatches --loom-cpu-distribute --loom-cpu-bufferize --loom-map-workgroups -split-input-file | FileCheck %s --check-prefix=MAP

// The matmul is split into 64 square-ish workgroups of 32x64 (both
// operands reused from cache), and its zero fill is fused into each tile.
// CHECK-LABEL: func.func @main_dispatch_0
// CHECK: scf.forall (%[[I:.*]], %[[J:.*]]) = (0, 0) to (256, 512) step (32, 64) shared_outs(%[[O:.*]] = %{{.*}}) -> (tensor<256x512xf32>)
// CHECK:   linalg.fill {{.*}} -> tensor<32x64xf32>
// CHECK:   linalg.matmul {{.*}} -> tensor<32x64xf32>
// CHECK:   scf.forall.in_parallel

// A small elementwise op runs as one workgroup.
// CHECK-LABEL: func.func @main_dispatch_1
// CHECK-NOT: scf.forall

// MAP-LABEL: func.func @main_dispatch_0
// MAP-SAME: %[[WX:[a-z0-9]+]]: index, %[[WY:[a-z0-9]+]]: index, %{{.*}}: index) attributes {loom.kernel = #loom.kernel<workgroup_count = [8, 8, 1]>}
// MAP-NOT: scf.forall
// MAP-DAG: arith.muli %[[WY]], %c32
// MAP-DAG: arith.muli %[[WX]], %c64
// MAP: linalg.matmul {{.*}} outs(%{{.*}} : memref<32x64xf32, strided<[512, 1], offset: ?>>)
// MAP-LABEL: func.func @main_dispatch_1
// MAP-SAME: loom.kernel = #loom.kernel<workgroup_count = [1, 1, 1]>
func.func @main(%x: tensor<256x384xf32>, %w: tensor<384x512xf32>, %s: tensor<4xf32>) -> (tensor<256x512xf32>, tensor<4xf32>) {
  %0 = loom.matmul %x, %w : (tensor<256x384xf32>, tensor<384x512xf32>) -> tensor<256x512xf32>
  %1 = loom.exp %s : tensor<4xf32>
  return %0, %1 : tensor<256x512xf32>, tensor<4xf32>
}

// -----

// A matmul's kernel is rooted at its epilogue (bias + relu), but it is split
// as the matmul would be: a 1x784 * 784x1024 product (matrix-vector, 0.8
// MFLOP) runs as 8 workgroups of 128 columns, not as one workgroup sized on
// the 1024-element epilogue. (A matrix-vector workgroup keeps at least 128
// columns: each step along K reads 512 contiguous bytes of a row of B.)
// CHECK-LABEL: func.func @main_dispatch_0
// CHECK: scf.forall (%{{.*}}) = (0) to (1024) step (128)
// CHECK:   linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<1x784xf32>, tensor<784x128xf32>) outs(%{{.*}} : tensor<1x128xf32>)
// CHECK:   linalg.generic
// CHECK:     arith.maximumf
// CHECK:   scf.forall.in_parallel
func.func @main(%x: tensor<1x784xf32>, %w: tensor<784x1024xf32>, %b: tensor<1024xf32>) -> tensor<1x1024xf32> {
  %0 = loom.matmul %x, %w : (tensor<1x784xf32>, tensor<784x1024xf32>) -> tensor<1x1024xf32>
  %1 = loom.add %0, %b : (tensor<1x1024xf32>, tensor<1024xf32>) -> tensor<1x1024xf32>
  %2 = loom.relu %1 : tensor<1x1024xf32>
  return %2 : tensor<1x1024xf32>
}
