// RUN: loom-opt %s --loom-to-linalg --loom-fuse --loom-outline-dispatches --loom-cpu-vectorize -split-input-file | FileCheck %s

// The register-blocked matmul: 8x32 tiles of C stay in registers (the
// vector.transfer_read/write of C are hoisted out of the k loop) and each k
// step is one 8x1 * 1x32 vector.contract.
// CHECK-LABEL: func.func @main_dispatch_0
// CHECK: scf.for %{{.*}} = %c0 to %c64 step %c8
// CHECK:   scf.for %{{.*}} = %c0 to %c256 step %c32
// CHECK:     %[[C:.*]] = vector.transfer_read {{.*}} : tensor<8x32xf32>, vector<8x32xf32>
// CHECK:     %[[ACC:.*]] = scf.for %{{.*}} = %c0 to %c128 step %c1 iter_args(%[[A:.*]] = %[[C]]) -> (vector<8x32xf32>)
// CHECK:       vector.contract {{.*}} : vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32>
// CHECK:     vector.transfer_write %[[ACC]]
func.func @main(%a: tensor<64x128xf32>, %b: tensor<128x256xf32>) -> tensor<64x256xf32> {
  %0 = loom.matmul %a, %b : (tensor<64x128xf32>, tensor<128x256xf32>) -> tensor<64x256xf32>
  return %0 : tensor<64x256xf32>
}

// -----

// Elementwise ops: one vector along the innermost dimension.
// CHECK-LABEL: func.func @main_dispatch_0
// CHECK: vector.transfer_read {{.*}} vector<1x16xf32>
// CHECK: math.tanh {{.*}} : vector<1x16xf32>
func.func @main(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %0 = loom.tanh %x : tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// -----

// Vector tiles divide their loop, so no tile needs a mask: 200 = 5 x 40.
// CHECK-LABEL: func.func @main_dispatch_0
// CHECK: scf.for %{{.*}} = %c0 to %c200 step %c40
// CHECK: math.exp {{.*}} : vector<1x40xf32>
// CHECK-NOT: vector.mask
func.func @main(%x: tensor<2x200xf32>) -> tensor<2x200xf32> {
  %0 = loom.exp %x : tensor<2x200xf32>
  return %0 : tensor<2x200xf32>
}

// -----

// A convolution is im2col + matmul: the patch copy reads strided 1-D
// windows of the padded input (vectorized), the matmul is register-blocked.
// The zero padding is a vectorized fill of the padded tile (rows of 10),
// then a copy of the input into its interior.
// CHECK-LABEL: func.func @main_dispatch_0
// CHECK-NOT: scalar_ops
// CHECK-NOT: tensor.pad
// CHECK: vector.transfer_write %{{.*}} : vector<1x1x1x10xf32>, tensor<1x1x1x10xf32>
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 0, 1, 1] [1, 3, 8, 8] [1, 1, 1, 1] : tensor<1x3x8x8xf32> into tensor<1x3x10x10xf32>
// CHECK-LABEL: func.func @main_dispatch_1
// CHECK-NOT: scalar_ops
// CHECK: tensor.extract_slice %{{.*}}[0, 0, 0, 0] [1, 1, 1, 8] [1, 1, 1, 1] : tensor<1x1x1x8xf32> to tensor<8xf32>
// CHECK: vector.transfer_read {{.*}} : tensor<8xf32>, vector<1x1x1x1x1x8xf32>
// CHECK-LABEL: func.func @main_dispatch_2
// CHECK-NOT: scalar_ops
// CHECK: vector.contract
func.func @main(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32> {
  %0 = loom.conv %x, %w strides = [1, 1] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

// A reduction along the innermost loop is split: vector registers
// accumulate 128 partial sums across the row (vertical adds), then one
// horizontal reduction per row.
// CHECK-LABEL: func.func @main_dispatch_0
// CHECK-NOT: scalar_ops
// CHECK: scf.for {{.*}} -> (vector<1x128xf32>)
// CHECK:   arith.addf %{{.*}}, %{{.*}} : vector<1x128xf32>
// CHECK: vector.multi_reduction <add>, %{{.*}}, %{{.*}} [1] : vector<1x128xf32> to vector<1xf32>
func.func @main(%x: tensor<4x512xf32>) -> tensor<4xf32> {
  %0 = loom.reduce_sum %x [1] : tensor<4x512xf32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// One matrix applied to every slice of a tensor (numpy broadcasting, as
// the tensor-network lowering emits for Tucker and TT layers): the batch
// loop of the right operand is walked one slice at a time and each slice is
// the register-blocked matmul, 8x1 * 1x32 contractions, not a broadcast
// product and a horizontal reduction.
// CHECK-LABEL: func.func @main_dispatch_0
// CHECK: %[[ACC:.*]] = scf.for %{{.*}} = %c0 to %c16 step %c1 iter_args(%{{.*}}) -> (vector<1x8x32xf32>)
// CHECK:   vector.contract {{.*}} : vector<8x1xf32>, vector<1x1x32xf32> into vector<1x8x32xf32>
// CHECK-NOT: vector.multi_reduction
// CHECK-NOT: vector.reduction
func.func @main(%a: tensor<64x16xf32>, %x: tensor<8x16x256xf32>) -> tensor<8x64x256xf32> {
  %0 = loom.matmul %a, %x : (tensor<64x16xf32>, tensor<8x16x256xf32>) -> tensor<8x64x256xf32>
  return %0 : tensor<8x64x256xf32>
}

// -----

// A matrix-vector product (batch 1): the register tile is one row by 256
// columns, 16 zmm accumulators (independent FMA chains, long runs of each
// row of B), instead of 1x32 with two.
// CHECK-LABEL: func.func @main_dispatch_0
// CHECK-NOT: scalar_ops
// CHECK: scf.for {{.*}} step %c256
// CHECK: vector.contract {{.*}} : vector<1x1xf32>, vector<1x256xf32> into vector<1x256xf32>
func.func @main(%x: tensor<1x784xf32>, %w: tensor<784x1024xf32>) -> tensor<1x1024xf32> {
  %0 = loom.matmul %x, %w : (tensor<1x784xf32>, tensor<784x1024xf32>) -> tensor<1x1024xf32>
  return %0 : tensor<1x1024xf32>
}

// -----

// A transpose of rank 13 tiles into a nest deeper than 8 loops, each
// carrying the tensor: the outer loops are coalesced into one loop over the
// linearized index (one-shot bufferization's analysis takes time
// exponential in the depth of such a nest); the 4 innermost stay.
// CHECK-LABEL: func.func @main_dispatch_0
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %c384 step
// CHECK-NEXT: affine.delinearize_index %[[I]] into (3, 2, 2, 2, 2, 2, 2, 2)
// CHECK-NEXT: scf.for
// CHECK-NEXT: scf.for
// CHECK-NEXT: scf.for
// CHECK-NEXT: scf.for
// CHECK-NEXT: tensor.extract_slice
func.func @main(%x: tensor<2x2x2x2x2x2x2x2x2x2x2x2x3xf32>) -> tensor<3x2x2x2x2x2x2x2x2x2x2x2x2xf32> {
  %0 = loom.transpose %x [12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0] : tensor<2x2x2x2x2x2x2x2x2x2x2x2x3xf32> -> tensor<3x2x2x2x2x2x2x2x2x2x2x2x2xf32>
  return %0 : tensor<3x2x2x2x2x2x2x2x2x2x2x2x2xf32>
}
