// RUN: loom-opt %s --loom-decompose -split-input-file | FileCheck %s

// A constant weight is transposed at compile time.
// CHECK-LABEL: func @linear
// CHECK-DAG: %[[WT:.*]] = loom.constant dense<{{\[\[}}1.000000e+00, 3.000000e+00], [2.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
// CHECK: %[[M:.*]] = loom.matmul %arg0, %[[WT]] : (tensor<5x2xf32>, tensor<2x2xf32>) -> tensor<5x2xf32>
// CHECK: %[[A:.*]] = loom.add %[[M]], %arg1 : (tensor<5x2xf32>, tensor<2xf32>) -> tensor<5x2xf32>
// CHECK: return %[[A]]
func.func @linear(%x: tensor<5x2xf32>, %b: tensor<2xf32>) -> tensor<5x2xf32> {
  %w = loom.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %0 = loom.linear %x, %w, %b : (tensor<5x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<5x2xf32>
  return %0 : tensor<5x2xf32>
}

// -----

// CHECK-LABEL: func @softmax
// CHECK: %[[M:.*]] = loom.reduce_max %arg0 [1] keepdims ignore_nan : tensor<4x8xf32> -> tensor<4x1xf32>
// CHECK: %[[S:.*]] = loom.sub %arg0, %[[M]]
// CHECK: %[[E:.*]] = loom.exp %[[S]]
// CHECK: %[[Z:.*]] = loom.reduce_sum %[[E]] [1] keepdims
// CHECK: %[[D:.*]] = loom.div %[[E]], %[[Z]]
// CHECK: return %[[D]]
func.func @softmax(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = loom.softmax %x axis = -1 : tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

// CHECK-LABEL: func @log_softmax
// CHECK: loom.reduce_max %arg0 [0] keepdims
// CHECK: %[[S:.*]] = loom.sub
// CHECK: loom.exp
// CHECK: loom.reduce_sum
// CHECK: %[[L:.*]] = loom.log
// CHECK: loom.sub %[[S]], %[[L]]
func.func @log_softmax(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = loom.log_softmax %x axis = 0 : tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

// CHECK-LABEL: func @layer_norm
// CHECK-DAG: %[[EPS:.*]] = loom.constant dense<9.99999974E-6> : tensor<f32>
// CHECK: %[[MEAN:.*]] = loom.reduce_mean %arg0 [1, 2] keepdims : tensor<2x3x4xf32> -> tensor<2x1x1xf32>
// CHECK: %[[C:.*]] = loom.sub %arg0, %[[MEAN]]
// CHECK: %[[SQ:.*]] = loom.mul %[[C]], %[[C]]
// CHECK: %[[VAR:.*]] = loom.reduce_mean %[[SQ]] [1, 2] keepdims
// CHECK: %[[VE:.*]] = loom.add %[[VAR]], %[[EPS]]
// CHECK: %[[INV:.*]] = loom.rsqrt %[[VE]]
// CHECK: %[[N:.*]] = loom.mul %[[C]], %[[INV]]
// CHECK: %[[G:.*]] = loom.mul %[[N]], %arg1
// CHECK: loom.add %[[G]], %arg2
func.func @layer_norm(%x: tensor<2x3x4xf32>, %g: tensor<3x4xf32>, %b: tensor<3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = loom.layer_norm %x scale %g bias %b axis = 1 epsilon = 1.0e-05 : (tensor<2x3x4xf32>, tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// CHECK-LABEL: func @global_avg_pool
// CHECK: loom.reduce_mean %arg0 [2, 3] keepdims : tensor<1x3x5x5xf32> -> tensor<1x3x1x1xf32>
func.func @global_avg_pool(%x: tensor<1x3x5x5xf32>) -> tensor<1x3x1x1xf32> {
  %0 = loom.global_avg_pool %x : tensor<1x3x5x5xf32> -> tensor<1x3x1x1xf32>
  return %0 : tensor<1x3x1x1xf32>
}
