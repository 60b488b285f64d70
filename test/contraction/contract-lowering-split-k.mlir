// RUN: loom-opt %s --split-input-file --loom-contract-lowering | FileCheck %s

// A long, thin product (k = 2^20 terms into a 4x4 result) is split into
// 256 products of 4096 terms (a batched matmul) and a sum over the 256.
// CHECK-LABEL: func.func @thin
// CHECK: %[[L:.*]] = loom.reshape %arg0 : tensor<4x1048576xf32> -> tensor<4x256x4096xf32>
// CHECK: %[[LT:.*]] = loom.transpose %[[L]] [1, 0, 2] : tensor<4x256x4096xf32> -> tensor<256x4x4096xf32>
// CHECK: %[[R:.*]] = loom.reshape %arg1 : tensor<1048576x4xf32> -> tensor<256x4096x4xf32>
// CHECK: %[[P:.*]] = loom.matmul %[[LT]], %[[R]] : (tensor<256x4x4096xf32>, tensor<256x4096x4xf32>) -> tensor<256x4x4xf32>
// CHECK: loom.reduce_sum %[[P]] [0] : tensor<256x4x4xf32> -> tensor<4x4xf32>
func.func @thin(%a: tensor<4x1048576xf32>, %b: tensor<1048576x4xf32>) -> tensor<4x4xf32> {
  %0 = loom.contract "ak,kb->ab" %a, %b : (tensor<4x1048576xf32>, tensor<1048576x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

// A vector times a matrix: the left operand needs no transpose.
// CHECK-LABEL: func.func @row
// CHECK: loom.reshape %arg0 : tensor<65536xf32> -> tensor<16x1x4096xf32>
// CHECK: loom.matmul {{.*}} -> tensor<16x1x8xf32>
// CHECK: loom.reduce_sum {{.*}} [0] : tensor<16x1x8xf32> -> tensor<1x8xf32>
func.func @row(%a: tensor<65536xf32>, %b: tensor<65536x8xf32>) -> tensor<8xf32> {
  %0 = loom.contract "k,kb->b" %a, %b : (tensor<65536xf32>, tensor<65536x8xf32>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

// Below 2^16 terms, or a result that is not small against k: one matmul.
// CHECK-LABEL: func.func @short
// CHECK-NOT: loom.reduce_sum
// CHECK: loom.matmul {{.*}} : (tensor<4x32768xf32>, tensor<32768x4xf32>) -> tensor<4x4xf32>
func.func @short(%a: tensor<4x32768xf32>, %b: tensor<32768x4xf32>) -> tensor<4x4xf32> {
  %0 = loom.contract "ak,kb->ab" %a, %b : (tensor<4x32768xf32>, tensor<32768x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}
