// Folders of loom ops.
// RUN: loom-opt %s -canonicalize -split-input-file | FileCheck %s

// CHECK-LABEL: func @identities
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT: return %[[X]], %[[X]], %[[X]], %[[X]], %[[X]]
func.func @identities(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %zero = loom.constant dense<0.0> : tensor<4xf32>
  %one = loom.constant dense<1.0> : tensor<4xf32>
  %0 = loom.add %x, %zero : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = loom.sub %0, %zero : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %2 = loom.mul %one, %1 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %3 = loom.div %2, %one : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %4 = loom.neg %3 : tensor<4xf32>
  %5 = loom.neg %4 : tensor<4xf32>
  %6 = loom.cast %5 : tensor<4xf32> to tensor<4xf32>
  %7 = loom.reshape %6 : tensor<4xf32> -> tensor<4xf32>
  %8 = loom.transpose %7 [0] : tensor<4xf32> -> tensor<4xf32>
  %9 = loom.broadcast_to %8 : tensor<4xf32> -> tensor<4xf32>
  %10 = loom.concat %9 axis = 0 : (tensor<4xf32>) -> tensor<4xf32>
  %11 = loom.slice %10 starts = [0] limits = [4] strides = [1] : tensor<4xf32> -> tensor<4xf32>
  %12 = loom.contract "a->a" %11 : (tensor<4xf32>) -> tensor<4xf32>
  return %3, %5, %9, %11, %12 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// A broadcasting add of zero is not an identity.
// CHECK-LABEL: func @broadcasting_add
// CHECK: loom.add
func.func @broadcasting_add(%x: tensor<4xf32>) -> tensor<2x4xf32> {
  %zero = loom.constant dense<0.0> : tensor<2x4xf32>
  %0 = loom.add %x, %zero : (tensor<4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// Shape ops of constants become constants: weights are transposed at compile
// time.
// CHECK-LABEL: func @constant_shapes
// CHECK-DAG: %[[T:.*]] = loom.constant dense<{{\[\[}}1.000000e+00, 4.000000e+00], [2.000000e+00, 5.000000e+00], [3.000000e+00, 6.000000e+00]]> : tensor<3x2xf32>
// CHECK-DAG: %[[R:.*]] = loom.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00]> : tensor<6xf32>
// CHECK-DAG: %[[B:.*]] = loom.constant dense<7.000000e+00> : tensor<3x5xf32>
// CHECK: return %[[T]], %[[R]], %[[B]]
func.func @constant_shapes() -> (tensor<3x2xf32>, tensor<6xf32>, tensor<3x5xf32>) {
  %c = loom.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %0 = loom.transpose %c [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  %1 = loom.reshape %c : tensor<2x3xf32> -> tensor<6xf32>
  %s = loom.constant dense<7.0> : tensor<5xf32>
  %2 = loom.broadcast_to %s : tensor<5xf32> -> tensor<3x5xf32>
  return %0, %1, %2 : tensor<3x2xf32>, tensor<6xf32>, tensor<3x5xf32>
}

// -----

// Chains of reshapes and transposes compose.
// CHECK-LABEL: func @compose
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT: %[[R:.*]] = loom.reshape %[[X]] : tensor<2x3x4xf32> -> tensor<24xf32>
// CHECK-NEXT: %[[T:.*]] = loom.transpose %[[X]] [2, 1, 0] : tensor<2x3x4xf32> -> tensor<4x3x2xf32>
// CHECK-NEXT: return %[[R]], %[[T]]
func.func @compose(%x: tensor<2x3x4xf32>) -> (tensor<24xf32>, tensor<4x3x2xf32>) {
  %0 = loom.reshape %x : tensor<2x3x4xf32> -> tensor<6x4xf32>
  %1 = loom.reshape %0 : tensor<6x4xf32> -> tensor<24xf32>
  %2 = loom.transpose %x [1, 0, 2] : tensor<2x3x4xf32> -> tensor<3x2x4xf32>
  %3 = loom.transpose %2 [2, 0, 1] : tensor<3x2x4xf32> -> tensor<4x3x2xf32>
  return %1, %3 : tensor<24xf32>, tensor<4x3x2xf32>
}

// -----

// A reshape between equal types is the identity only with at most one
// dynamic dimension: [2, 3, 8] -> [3, 2, 8] is tensor<?x?x8> -> tensor<?x?x8>.
// CHECK-LABEL: func @reshape_dynamic_same_type
// CHECK-SAME: (%[[X:.*]]: tensor<?x8xf32>, %[[Y:.*]]: tensor<?x?x8xf32>, %[[A:.*]]: index, %[[B:.*]]: index)
// CHECK-NEXT: %[[R:.*]] = loom.reshape %[[Y]][%[[A]], %[[B]]] : tensor<?x?x8xf32> -> tensor<?x?x8xf32>
// CHECK-NEXT: return %[[X]], %[[R]]
func.func @reshape_dynamic_same_type(%x: tensor<?x8xf32>, %y: tensor<?x?x8xf32>, %a: index, %b: index) -> (tensor<?x8xf32>, tensor<?x?x8xf32>) {
  %0 = loom.reshape %x : tensor<?x8xf32> -> tensor<?x8xf32>
  %1 = loom.reshape %y[%a, %b] : tensor<?x?x8xf32> -> tensor<?x?x8xf32>
  return %0, %1 : tensor<?x8xf32>, tensor<?x?x8xf32>
}
