// RUN: loom-opt %s --loom-to-linalg --loom-fuse -split-input-file | FileCheck %s
// RUN: loom-opt %s --loom-to-linalg --loom-fuse=fuse-elementwise=false -split-input-file | FileCheck %s --check-prefix=NOFUSE

// An elementwise chain becomes one region with one generic.
// CHECK-LABEL: func @chain
// CHECK: %[[D:.*]] = loom.dispatch(%arg0, %arg1) : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32> {
// CHECK: linalg.generic
// CHECK:   arith.addf
// CHECK:   math.exp
// CHECK:   arith.maximumf
// CHECK-NOT: linalg.generic
// CHECK: loom.yield
// CHECK: return %[[D]]
// NOFUSE-LABEL: func @chain
// NOFUSE-COUNT-3: loom.dispatch
func.func @chain(%a: tensor<4x8xf32>, %b: tensor<8xf32>) -> tensor<4x8xf32> {
  %0 = loom.add %a, %b : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %1 = loom.exp %0 : tensor<4x8xf32>
  %2 = loom.relu %1 : tensor<4x8xf32>
  return %2 : tensor<4x8xf32>
}

// -----

// The zero fill of a matmul's accumulator is cloned into its region; a dense
// constant is an operand; the reshape between regions stays outside.
// CHECK-LABEL: func @matmul
// CHECK: %[[W:.*]] = arith.constant dense<{{.*}}> : tensor<2x2xf32>
// CHECK: %[[M:.*]] = loom.dispatch(%arg0, %[[W]]) : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32> {
// CHECK: ^bb0(%[[X:.*]]: tensor<3x2xf32>, %[[WW:.*]]: tensor<2x2xf32>):
// CHECK:   %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK:   %[[E:.*]] = tensor.empty() : tensor<3x2xf32>
// CHECK:   %[[F:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[E]] : tensor<3x2xf32>)
// CHECK:   %[[R:.*]] = linalg.matmul ins(%[[X]], %[[WW]] : tensor<3x2xf32>, tensor<2x2xf32>) outs(%[[F]] : tensor<3x2xf32>)
// CHECK:   loom.yield %[[R]]
// CHECK: tensor.collapse_shape %[[M]]
func.func @matmul(%x: tensor<3x2xf32>) -> tensor<6xf32> {
  %w = loom.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %0 = loom.matmul %x, %w : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %1 = loom.reshape %0 : tensor<3x2xf32> -> tensor<6xf32>
  return %1 : tensor<6xf32>
}

// -----

// A producer with two users is not recomputed: it keeps its own region.
// CHECK-LABEL: func @shared_producer
// CHECK: %[[E:.*]] = loom.dispatch(%arg0)
// CHECK: math.exp
// CHECK: loom.dispatch(%[[E]])
// CHECK: loom.dispatch(%[[E]])
func.func @shared_producer(%a: tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>) {
  %0 = loom.exp %a : tensor<8xf32>
  %1 = loom.neg %0 : tensor<8xf32>
  %2 = loom.sqrt %0 : tensor<8xf32>
  return %1, %2 : tensor<8xf32>, tensor<8xf32>
}

// -----

// A gather reads its table from inside the generic body: the table becomes a
// region operand too.
// CHECK-LABEL: func @gather
// CHECK: loom.dispatch(%arg1, %arg0) : (tensor<3xi64>, tensor<10x4xf32>)
// CHECK: tensor.extract
func.func @gather(%t: tensor<10x4xf32>, %idx: tensor<3xi64>) -> tensor<3x4xf32> {
  %0 = loom.gather %t, %idx axis = 0 : (tensor<10x4xf32>, tensor<3xi64>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// Softmax is one region: the row reductions join the elementwise ops around
// them (the keepdims reshapes fold into the consumers' indexing maps).
// CHECK-LABEL: func @softmax
// CHECK: %[[D:.*]] = loom.dispatch(%arg0) : (tensor<8x64xf32>) -> tensor<8x64xf32>
// CHECK-COUNT-4: linalg.generic
// CHECK-NOT: loom.dispatch
// CHECK: return %[[D]]
// NOFUSE-LABEL: func @softmax
// NOFUSE-COUNT-4: loom.dispatch
func.func @softmax(%x: tensor<8x64xf32>) -> tensor<8x64xf32> {
  %0 = loom.softmax %x axis = -1 : tensor<8x64xf32>
  return %0 : tensor<8x64xf32>
}

// -----

// Layer norm (with scale and bias) is one region too.
// CHECK-LABEL: func @layer_norm
// CHECK-COUNT-1: loom.dispatch
// CHECK-NOT: loom.dispatch
func.func @layer_norm(%x: tensor<8x64xf32>, %g: tensor<64xf32>, %b: tensor<64xf32>) -> tensor<8x64xf32> {
  %0 = loom.layer_norm %x scale %g bias %b axis = -1 epsilon = 1.0e-05 : (tensor<8x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<8x64xf32>
  return %0 : tensor<8x64xf32>
}

// -----

// An MLP layer: the matmul and its bias + relu epilogue are one region.
// CHECK-LABEL: func @mlp_layer
// CHECK: loom.dispatch
// CHECK: linalg.matmul
// CHECK: linalg.generic
// CHECK: arith.addf
// CHECK: arith.maximumf
// CHECK: loom.yield
// CHECK-NOT: loom.dispatch
func.func @mlp_layer(%x: tensor<8x32xf32>, %w: tensor<16x32xf32>, %b: tensor<16xf32>) -> tensor<8x16xf32> {
  %0 = loom.linear %x, %w, %b : (tensor<8x32xf32>, tensor<16x32xf32>, tensor<16xf32>) -> tensor<8x16xf32>
  %1 = loom.relu %0 : tensor<8x16xf32>
  return %1 : tensor<8x16xf32>
}

// -----

// Must not fuse: a value consumed by two anchors (recomputing the exp in
// both matmul kernels would cost more than storing it once), and a matmul
// feeding another matmul. Three kernels.
// CHECK-LABEL: func @no_fusion
// CHECK: %[[E:.*]] = loom.dispatch(%arg0)
// CHECK: math.exp
// CHECK: %[[A:.*]] = loom.dispatch(%[[E]], %arg1)
// CHECK: linalg.matmul
// CHECK: loom.dispatch(%[[E]], %[[A]])
// CHECK: linalg.matmul
// CHECK-NOT: loom.dispatch
func.func @no_fusion(%x: tensor<32x32xf32>, %w: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %e = loom.exp %x : tensor<32x32xf32>
  %0 = loom.matmul %e, %w : (tensor<32x32xf32>, tensor<32x32xf32>) -> tensor<32x32xf32>
  %1 = loom.matmul %e, %0 : (tensor<32x32xf32>, tensor<32x32xf32>) -> tensor<32x32xf32>
  return %1 : tensor<32x32xf32>
}

// -----

// One contraction per region: an epilogue adding two matmuls takes one of
// them; the other is a region of its own.
// CHECK-LABEL: func @two_products
// CHECK: %[[A:.*]] = loom.dispatch
// CHECK: linalg.matmul
// CHECK-NOT: linalg.matmul
// CHECK: loom.yield
// CHECK: loom.dispatch(%{{.*}}%[[A]]
// CHECK: linalg.matmul
// CHECK-NOT: linalg.matmul
// CHECK: arith.addf
// CHECK: loom.yield
func.func @two_products(%x: tensor<4x8xf32>, %w: tensor<8x16xf32>, %y: tensor<4x8xf32>, %v: tensor<8x16xf32>) -> tensor<4x16xf32> {
  %a = loom.matmul %x, %w : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  %b = loom.matmul %y, %v : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  %s = loom.add %a, %b : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
  return %s : tensor<4x16xf32>
}

// -----

// A projection whose result is reshaped to [1, S, D] before its bias add
// (an attention block's QKV projection): the add's unit loop is dropped, it
// runs on the matmul's [S, D] and joins its region; the reshape is a view
// of the region's result.
// CHECK-LABEL: func @bias_after_reshape
// CHECK: %[[R:.*]] = loom.dispatch
// CHECK: linalg.matmul
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]
// CHECK: arith.addf
// CHECK: loom.yield %{{.*}} : tensor<16x48xf32>
// CHECK-NOT: loom.dispatch
// CHECK: tensor.expand_shape %[[R]] {{\[\[}}0, 1], [2]] output_shape [1, 16, 48]
func.func @bias_after_reshape(%x: tensor<16x32xf32>, %w: tensor<32x48xf32>, %b: tensor<48xf32>) -> tensor<1x16x48xf32> {
  %0 = loom.matmul %x, %w : (tensor<16x32xf32>, tensor<32x48xf32>) -> tensor<16x48xf32>
  %1 = loom.reshape %0 : tensor<16x48xf32> -> tensor<1x16x48xf32>
  %2 = loom.add %1, %b : (tensor<1x16x48xf32>, tensor<48xf32>) -> tensor<1x16x48xf32>
  return %2 : tensor<1x16x48xf32>
}
