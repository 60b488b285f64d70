// RUN: loom-opt %s --loom-to-linalg --canonicalize --loom-fuse -split-input-file | FileCheck %s

// The Q and K thirds of a projection, viewed as 4 heads of 8 and
// transposed: the reshape becomes a view of the whole projection and each
// slice is read in place by its transpose's region. Three kernels, no
// slice copied out by a kernel of its own.
// CHECK-LABEL: func.func @heads_from_slices
// CHECK: %[[P:.*]] = loom.dispatch
// CHECK: linalg.matmul
// CHECK: %[[V:.*]] = tensor.expand_shape %[[P]] {{\[\[}}0], [1, 2]] output_shape [16, 12, 8] : tensor<16x96xf32> into tensor<16x12x8xf32>
// CHECK: loom.dispatch(%[[V]]) : (tensor<16x12x8xf32>) -> tensor<4x16x8xf32>
// CHECK: tensor.extract_slice %{{.*}}[0, 0, 0] [16, 4, 8] [1, 1, 1] : tensor<16x12x8xf32> to tensor<16x4x8xf32>
// CHECK: linalg.transpose
// CHECK: loom.dispatch(%{{.*}}) : (tensor<16x12x8xf32>) -> tensor<4x16x8xf32>
// CHECK: tensor.extract_slice %{{.*}}[0, 4, 0] [16, 4, 8] [1, 1, 1] : tensor<16x12x8xf32> to tensor<16x4x8xf32>
// CHECK: linalg.transpose
// CHECK-NOT: loom.dispatch
// CHECK: return
func.func @heads_from_slices(%x: tensor<16x32xf32>, %w: tensor<32x96xf32>) -> (tensor<4x16x8xf32>, tensor<4x16x8xf32>) {
  %0 = loom.matmul %x, %w : (tensor<16x32xf32>, tensor<32x96xf32>) -> tensor<16x96xf32>
  %q = loom.slice %0 starts = [0, 0] limits = [16, 32] strides = [1, 1] : tensor<16x96xf32> -> tensor<16x32xf32>
  %k = loom.slice %0 starts = [0, 32] limits = [16, 64] strides = [1, 1] : tensor<16x96xf32> -> tensor<16x32xf32>
  %qh = loom.reshape %q : tensor<16x32xf32> -> tensor<16x4x8xf32>
  %kh = loom.reshape %k : tensor<16x32xf32> -> tensor<16x4x8xf32>
  %qt = loom.transpose %qh [1, 0, 2] : tensor<16x4x8xf32> -> tensor<4x16x8xf32>
  %kt = loom.transpose %kh [1, 0, 2] : tensor<16x4x8xf32> -> tensor<4x16x8xf32>
  return %qt, %kt : tensor<4x16x8xf32>, tensor<4x16x8xf32>
}

// -----

// A slice that starts inside a group of the reshape (column 4 of rows of
// 8) cannot be a slice of the reshaped view: it is copied out first.
// CHECK-LABEL: func.func @slice_inside_a_group
// CHECK: %[[S:.*]] = loom.dispatch
// CHECK: tensor.extract_slice %{{.*}}[0, 4] [16, 32] [1, 1] : tensor<16x96xf32> to tensor<16x32xf32>
// CHECK: tensor.expand_shape %[[S]] {{\[\[}}0], [1, 2]] output_shape [16, 4, 8] : tensor<16x32xf32> into tensor<16x4x8xf32>
func.func @slice_inside_a_group(%x: tensor<16x96xf32>) -> tensor<4x16x8xf32> {
  %s = loom.slice %x starts = [0, 4] limits = [16, 36] strides = [1, 1] : tensor<16x96xf32> -> tensor<16x32xf32>
  %h = loom.reshape %s : tensor<16x32xf32> -> tensor<16x4x8xf32>
  %t = loom.transpose %h [1, 0, 2] : tensor<16x4x8xf32> -> tensor<4x16x8xf32>
  return %t : tensor<4x16x8xf32>
}
