// --loom-cpu-vectorize sizes its register tiles by the target's vector
// registers (the CPU target sets them from the CPU: x86-64-v3, the default,
// has AVX2's 16 x 256 bits): a matmul keeps 6x16 tiles of C (12 ymm
// accumulators, leaving two for a row of B, one for A's broadcast and one
// spare) instead of AVX-512's 8x32; 64 rows are ten 6-row tiles and a
// peeled 4-row one; a matrix-vector product widens to 1x64; elementwise
// ops take 4 vectors (32 lanes), reductions 8 (64 partial sums).
// RUN: loom-opt %s --loom-to-linalg --loom-fuse --loom-outline-dispatches --loom-cpu-vectorize="vector-bits=256 vector-registers=16" -split-input-file | FileCheck %s
// RUN: not loom-opt %s --loom-to-linalg --loom-fuse --loom-outline-dispatches --loom-cpu-vectorize="vector-bits=100" -split-input-file 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: error: --loom-cpu-vectorize: vector-bits must be a multiple of 32 of at least 128 and vector-registers at least 8

// CHECK-LABEL: func.func @main_dispatch_0
// CHECK-NOT: vector.mask
// CHECK: scf.for %{{.*}} = %c0 to %c60 step %c6
// CHECK:   scf.for %{{.*}} = %c0 to %c256 step %c16
// CHECK:     %[[C:.*]] = vector.transfer_read {{.*}} : tensor<6x16xf32>, vector<6x16xf32>
// CHECK:     scf.for %{{.*}} = %c0 to %c128 step %c1 iter_args(%{{.*}} = %[[C]]) -> (vector<6x16xf32>)
// CHECK:       vector.contract {{.*}} : vector<6x1xf32>, vector<1x16xf32> into vector<6x16xf32>
// The peeled rows 60..63:
// CHECK: scf.for %{{.*}} = %c0 to %c256 step %c16
// CHECK:   vector.contract {{.*}} : vector<4x1xf32>, vector<1x16xf32> into vector<4x16xf32>
// CHECK-NOT: vector.mask
func.func @main(%a: tensor<64x128xf32>, %b: tensor<128x256xf32>) -> tensor<64x256xf32> {
  %0 = loom.matmul %a, %b : (tensor<64x128xf32>, tensor<128x256xf32>) -> tensor<64x256xf32>
  return %0 : tensor<64x256xf32>
}

// -----

// CHECK-LABEL: func.func @main_dispatch_0
// CHECK: vector.contract {{.*}} : vector<1x1xf32>, vector<1x64xf32> into vector<1x64xf32>
func.func @main(%a: tensor<1x128xf32>, %b: tensor<128x256xf32>) -> tensor<1x256xf32> {
  %0 = loom.matmul %a, %b : (tensor<1x128xf32>, tensor<128x256xf32>) -> tensor<1x256xf32>
  return %0 : tensor<1x256xf32>
}

// -----

// CHECK-LABEL: func.func @main_dispatch_0
// CHECK: math.tanh {{.*}} : vector<1x32xf32>
func.func @main(%x: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %0 = loom.tanh %x : tensor<4x64xf32>
  return %0 : tensor<4x64xf32>
}

// -----

// CHECK-LABEL: func.func @main_dispatch_0
// CHECK: arith.addf {{.*}} : vector<1x64xf32>
func.func @main(%x: tensor<4x1024xf32>) -> tensor<4xf32> {
  %0 = loom.reduce_sum %x [1] : tensor<4x1024xf32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// 49 columns (a 7x7 image through im2col) are not a multiple of the tile:
// the tile stays 6x16 and the last, partial column tile is peeled off and
// vectorized at its own size (6x1), without masks; then the peeled rows.
// CHECK-LABEL: func.func @main_dispatch_0
// CHECK-NOT: vector.mask
// CHECK: scf.for %{{.*}} = %c0 to %c48 step %c16
// CHECK: vector.contract {{.*}} : vector<6x1xf32>, vector<1x16xf32> into vector<6x16xf32>
// CHECK: vector.contract {{.*}} : vector<6x1xf32>, vector<1x1xf32> into vector<6x1xf32>
// CHECK: vector.contract {{.*}} : vector<4x1xf32>, vector<1x16xf32> into vector<4x16xf32>
// CHECK: vector.contract {{.*}} : vector<4x1xf32>, vector<1x1xf32> into vector<4x1xf32>
// CHECK-NOT: vector.mask
func.func @main(%a: tensor<64x128xf32>, %b: tensor<128x49xf32>) -> tensor<64x49xf32> {
  %0 = loom.matmul %a, %b : (tensor<64x128xf32>, tensor<128x49xf32>) -> tensor<64x49xf32>
  return %0 : tensor<64x49xf32>
}

// -----

// A depthwise convolution runs along output rows: a 32-wide tile of a row
// (4 ymm accumulators) stays in registers across the 3x3 taps, carried by
// the tap loops, and the row's last 16 outputs are a peeled tile; no
// scalar fallback.
// CHECK-LABEL: func.func @main_dispatch_1
// CHECK-SAME: loom.kernel = #loom.kernel<>
// CHECK: scf.for %{{.*}} = %c0 to %c96 step %c32
// CHECK:   %[[ACC:.*]] = vector.transfer_read {{.*}} : tensor<1x1x32xf32>, vector<1x1x32xf32>
// CHECK:   scf.for %{{.*}} = %c0 to %c3 step %c1 iter_args(%{{.*}} = %[[ACC]]) -> (vector<1x1x32xf32>)
// CHECK:     scf.for %{{.*}} = %c0 to %c3 step %c1 iter_args(%{{.*}}) -> (vector<1x1x32xf32>)
// CHECK:       vector.fma {{.*}} : vector<1x1x32xf32>
// CHECK: scf.for %{{.*}} = %c0 to %c3 step %c1 iter_args(%{{.*}}) -> (vector<1x1x16xf32>)
func.func @main(%x: tensor<1x32x112x112xf32>, %w: tensor<32x1x3x3xf32>) -> tensor<1x32x112x112xf32> {
  %0 = loom.conv %x, %w strides = [1, 1] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 32 : (tensor<1x32x112x112xf32>, tensor<32x1x3x3xf32>) -> tensor<1x32x112x112xf32>
  return %0 : tensor<1x32x112x112xf32>
}

// -----

// A 3x3 stride-2 max pool, along output rows too: a 32-wide tile of a row
// (the window read as a stride-2 slice) stays in registers across the
// taps, and the row's last 24 outputs are a peeled tile.
// CHECK-LABEL: func.func @main_dispatch_1
// CHECK-SAME: loom.kernel = #loom.kernel<>
// CHECK: %[[ACC:.*]] = vector.transfer_read {{.*}} : tensor<1x1x1x32xf32>, vector<1x1x1x32xf32>
// CHECK: scf.for %{{.*}} = %c0 to %c3 step %c1 iter_args(%{{.*}} = %[[ACC]]) -> (vector<1x1x1x32xf32>)
// CHECK:   scf.for %{{.*}} = %c0 to %c3 step %c1 iter_args(%{{.*}}) -> (vector<1x1x1x32xf32>)
// CHECK:     tensor.extract_slice {{.*}} [1, 1, 1, 32] [1, 1, 1, 2] : tensor<1x1x1x63xf32> to tensor<32xf32>
// CHECK:     arith.maximumf {{.*}} : vector<1x1x1x32xf32>
// CHECK: scf.for %{{.*}} = %c0 to %c3 step %c1 iter_args(%{{.*}}) -> (vector<1x1x1x24xf32>)
func.func @main(%x: tensor<1x8x112x112xf32>) -> tensor<1x8x56x56xf32> {
  %0 = loom.max_pool %x kernel = [3, 3] strides = [2, 2] padding = [1, 1, 1, 1] : tensor<1x8x112x112xf32> -> tensor<1x8x56x56xf32>
  return %0 : tensor<1x8x56x56xf32>
}

// -----

// A concatenation (DenseNet, Inception, ShuffleNet) is one copy per input
// into its slice of the result, not a scalar loop choosing the input of
// every element: no tensor.concat is left and the kernel has no scalar
// fallback.
// CHECK-LABEL: func.func @main_dispatch_0
// CHECK-SAME: loom.kernel = #loom.kernel<>
// CHECK-NOT: tensor.concat
// CHECK: tensor.insert_slice {{.*}}[0, 0, 0, 0] [1, 8, 14, 14] [1, 1, 1, 1] : tensor<1x8x14x14xf32> into tensor<1x24x14x14xf32>
// CHECK: tensor.insert_slice {{.*}}[0, 8, 0, 0] [1, 16, 14, 14] [1, 1, 1, 1] : tensor<1x16x14x14xf32> into tensor<1x24x14x14xf32>
// CHECK-NOT: tensor.concat
func.func @main(%a: tensor<1x8x14x14xf32>, %b: tensor<1x16x14x14xf32>) -> tensor<1x24x14x14xf32> {
  %0 = loom.concat %a, %b axis = 1 : (tensor<1x8x14x14xf32>, tensor<1x16x14x14xf32>) -> tensor<1x24x14x14xf32>
  return %0 : tensor<1x24x14x14xf32>
}
