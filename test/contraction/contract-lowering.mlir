// RUN: loom-opt %s --loom-contract-lowering=min-gemm-flops=0 -split-input-file | FileCheck %s
// RUN: loom-opt %s --loom-contract-lowering -split-input-file | FileCheck %s --check-prefix=SMALL

// A plain matrix product.
// CHECK-LABEL: func @matmul
// CHECK: %[[M:.*]] = loom.matmul %arg0, %arg1 : (tensor<16x32xf32>, tensor<32x8xf32>) -> tensor<16x8xf32>
// CHECK-NEXT: return %[[M]]
func.func @matmul(%a: tensor<16x32xf32>, %b: tensor<32x8xf32>) -> tensor<16x8xf32> {
  %0 = loom.contract "ik,kj->ij" %a, %b : (tensor<16x32xf32>, tensor<32x8xf32>) -> tensor<16x8xf32>
  return %0 : tensor<16x8xf32>
}

// -----

// Batch index b, free indices i (lhs) and j (rhs), contracted k and l: the
// operands are permuted to [b, i, (k l)] and [b, (k l), j] and reshaped to
// 3-D; the result [b, i, j] is permuted to the requested j, b, i.
// CHECK-LABEL: func @batched
// CHECK-DAG: %[[L:.*]] = loom.transpose %arg0 [1, 0, 2, 3] : tensor<4x2x3x5xf32> -> tensor<2x4x3x5xf32>
// CHECK-DAG: %[[L3:.*]] = loom.reshape %[[L]] : tensor<2x4x3x5xf32> -> tensor<2x4x15xf32>
// CHECK-DAG: %[[R:.*]] = loom.transpose %arg1 [0, 2, 3, 1] : tensor<2x6x3x5xf32> -> tensor<2x3x5x6xf32>
// CHECK-DAG: %[[R3:.*]] = loom.reshape %[[R]] : tensor<2x3x5x6xf32> -> tensor<2x15x6xf32>
// CHECK: %[[M:.*]] = loom.matmul %[[L3]], %[[R3]] : (tensor<2x4x15xf32>, tensor<2x15x6xf32>) -> tensor<2x4x6xf32>
// CHECK: loom.transpose %[[M]] [2, 0, 1] : tensor<2x4x6xf32> -> tensor<6x2x4xf32>
func.func @batched(%a: tensor<4x2x3x5xf32>, %b: tensor<2x6x3x5xf32>) -> tensor<6x2x4xf32> {
  %0 = loom.contract "ibkl,bjkl->jbi" %a, %b : (tensor<4x2x3x5xf32>, tensor<2x6x3x5xf32>) -> tensor<6x2x4xf32>
  return %0 : tensor<6x2x4xf32>
}

// -----

// The contracted indices follow the order of the non-constant operand: the
// constant is permuted instead, at compile time.
// CHECK-LABEL: func @constant_weight
// CHECK-DAG: %[[W:.*]] = loom.constant dense<{{.*}}> : tensor<6x5xf32>
// CHECK-DAG: %[[X:.*]] = loom.reshape %arg0 : tensor<8x2x3xf32> -> tensor<8x6xf32>
// CHECK-NOT: loom.transpose
// CHECK: loom.matmul %[[X]], %[[W]]
// Small contractions stay loop nests by default.
// SMALL-LABEL: func @constant_weight
// SMALL: loom.contract "bij,jio->bo"
func.func @constant_weight(%x: tensor<8x2x3xf32>) -> tensor<8x5xf32> {
  %w = loom.constant dense<[[[1.0, 2.0, 3.0, 4.0, 5.0], [6.0, 7.0, 8.0, 9.0, 10.0]], [[11.0, 12.0, 13.0, 14.0, 15.0], [16.0, 17.0, 18.0, 19.0, 20.0]], [[21.0, 22.0, 23.0, 24.0, 25.0], [26.0, 27.0, 28.0, 29.0, 30.0]]]> : tensor<3x2x5xf32>
  %0 = loom.contract "bij,jio->bo" %x, %w : (tensor<8x2x3xf32>, tensor<3x2x5xf32>) -> tensor<8x5xf32>
  return %0 : tensor<8x5xf32>
}

// -----

// Indices of one operand that the result drops are summed first.
// CHECK-LABEL: func @dangling
// CHECK: %[[S:.*]] = loom.reduce_sum %arg0 [2] : tensor<16x32x7xf32> -> tensor<16x32xf32>
// CHECK: loom.matmul %[[S]], %arg1
func.func @dangling(%a: tensor<16x32x7xf32>, %b: tensor<32x8xf32>) -> tensor<16x8xf32> {
  %0 = loom.contract "ikz,kj->ij" %a, %b : (tensor<16x32x7xf32>, tensor<32x8xf32>) -> tensor<16x8xf32>
  return %0 : tensor<16x8xf32>
}

// -----

// Outer products, dot products and traces stay direct loop nests.
// CHECK-LABEL: func @outer
// CHECK: loom.contract "i,j->ij"
// CHECK-LABEL: func @dot
// CHECK: loom.contract "i,i->"
// CHECK-LABEL: func @trace
// CHECK: loom.contract "ii->"
func.func @outer(%a: tensor<64xf32>, %b: tensor<64xf32>) -> tensor<64x64xf32> {
  %0 = loom.contract "i,j->ij" %a, %b : (tensor<64xf32>, tensor<64xf32>) -> tensor<64x64xf32>
  return %0 : tensor<64x64xf32>
}
func.func @dot(%a: tensor<4096xf32>, %b: tensor<4096xf32>) -> tensor<f32> {
  %0 = loom.contract "i,i->" %a, %b : (tensor<4096xf32>, tensor<4096xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}
func.func @trace(%a: tensor<64x64xf32>) -> tensor<f32> {
  %0 = loom.contract "ii->" %a : (tensor<64x64xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// Single-operand contractions without diagonals: sums and transposes.
// CHECK-LABEL: func @unary
// CHECK: %[[S:.*]] = loom.reduce_sum %arg0 [1] : tensor<2x3x4xf32> -> tensor<2x4xf32>
// CHECK: loom.transpose %[[S]] [1, 0] : tensor<2x4xf32> -> tensor<4x2xf32>
func.func @unary(%a: tensor<2x3x4xf32>) -> tensor<4x2xf32> {
  %0 = loom.contract "ijk->ki" %a : (tensor<2x3x4xf32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

// A Tucker reconstruction (the order --loom-contract-order picks): the
// large operand of each step stays as it is, the factor matrix is applied
// to every slice of it (a broadcast matmul), and each intermediate takes
// the layout its matmul produces; the reader's spec is relabeled. Only the
// 64x16 factor is transposed; no intermediate is.
// CHECK-LABEL: func @tucker_chain
// CHECK: %[[CT:.*]] = loom.transpose %arg3 [1, 0] : tensor<64x16xf32> -> tensor<16x64xf32>
// CHECK: loom.matmul %{{.*}}, %[[CT]] : (tensor<2048x16xf32>, tensor<16x64xf32>) -> tensor<2048x64xf32>
// CHECK: loom.matmul %arg2, %{{.*}} : (tensor<64x16xf32>, tensor<128x16x64xf32>) -> tensor<128x64x64xf32>
// CHECK: %[[Y:.*]] = loom.matmul %arg1, %{{.*}} : (tensor<64x16xf32>, tensor<8x16x4096xf32>) -> tensor<8x64x4096xf32>
// CHECK: %[[R:.*]] = loom.reshape %[[Y]] : tensor<8x64x4096xf32> -> tensor<8x64x64x64xf32>
// CHECK: return %[[R]]
// CHECK-NOT: loom.transpose
func.func @tucker_chain(%g: tensor<8x16x16x16xf32>, %a: tensor<64x16xf32>, %b: tensor<64x16xf32>, %c: tensor<64x16xf32>) -> tensor<8x64x64x64xf32> {
  %0 = loom.contract "zabc,kc->zabk" %g, %c : (tensor<8x16x16x16xf32>, tensor<64x16xf32>) -> tensor<8x16x16x64xf32>
  %1 = loom.contract "zabk,jb->zakj" %0, %b : (tensor<8x16x16x64xf32>, tensor<64x16xf32>) -> tensor<8x16x64x64xf32>
  %2 = loom.contract "zakj,ia->zijk" %1, %a : (tensor<8x16x64x64xf32>, tensor<64x16xf32>) -> tensor<8x64x64x64xf32>
  return %2 : tensor<8x64x64x64xf32>
}

// -----

// An intermediate another contraction reads keeps the layout its matmul
// produces (a j c, not the spec's a c j); the reader is lowered from it.
// CHECK-LABEL: func @relabeled_reader
// CHECK: %[[P:.*]] = loom.matmul %arg1, %arg0 : (tensor<32x16xf32>, tensor<4x16x64xf32>) -> tensor<4x32x64xf32>
// CHECK: loom.transpose %[[P]] [1, 0, 2] : tensor<4x32x64xf32> -> tensor<32x4x64xf32>
func.func @relabeled_reader(%x: tensor<4x16x64xf32>, %w: tensor<32x16xf32>, %v: tensor<4x64xf32>) -> tensor<32xf32> {
  %0 = loom.contract "abc,jb->acj" %x, %w : (tensor<4x16x64xf32>, tensor<32x16xf32>) -> tensor<4x64x32xf32>
  %1 = loom.contract "acj,ac->j" %0, %v : (tensor<4x64x32xf32>, tensor<4x64xf32>) -> tensor<32xf32>
  return %1 : tensor<32xf32>
}
