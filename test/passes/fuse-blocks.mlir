// Regions formed for whole blocks, with the passes in the compiler's order
// (canonicalization folds the keepdims reshapes of reductions first).
// RUN: loom-opt %s --loom-to-linalg --canonicalize --cse --loom-fuse -split-input-file | FileCheck %s

// Attention: the scores' matmul, its scaling and the softmax are one region;
// K's transpose and the product with V are one each.
// CHECK-LABEL: func @attention
// CHECK: %[[KT:.*]] = loom.dispatch(%arg1)
// CHECK: linalg.transpose
// CHECK: %[[P:.*]] = loom.dispatch(%arg0, %[[KT]])
// CHECK: linalg.batch_matmul
// CHECK-COUNT-5: linalg.generic
// CHECK: loom.yield
// CHECK: %[[O:.*]] = loom.dispatch(%[[P]], %arg2)
// CHECK: linalg.batch_matmul
// CHECK: return %[[O]]
func.func @attention(%q: tensor<4x16x32xf32>, %k: tensor<4x16x32xf32>, %v: tensor<4x16x32xf32>) -> tensor<4x16x32xf32> {
  %kt = loom.transpose %k [0, 2, 1] : tensor<4x16x32xf32> -> tensor<4x32x16xf32>
  %s = loom.matmul %q, %kt : (tensor<4x16x32xf32>, tensor<4x32x16xf32>) -> tensor<4x16x16xf32>
  %c = loom.constant dense<0.17677669> : tensor<f32>
  %ss = loom.mul %s, %c : (tensor<4x16x16xf32>, tensor<f32>) -> tensor<4x16x16xf32>
  %p = loom.softmax %ss axis = -1 : tensor<4x16x16xf32>
  %o = loom.matmul %p, %v : (tensor<4x16x16xf32>, tensor<4x16x32xf32>) -> tensor<4x16x32xf32>
  return %o : tensor<4x16x32xf32>
}

// -----

// conv + batch norm (inference: a per-channel scale and shift) + relu: the
// padding and the im2col patch copy are one region each; the matmul over
// the patches and the whole epilogue (conv bias, scale, shift, relu) are
// one, computed on the matmul's [F, OH*OW] layout and reshaped to NCHW on
// the host (a view).
// CHECK-LABEL: func @conv_bn_relu
// CHECK: %[[PAD:.*]] = loom.dispatch(%arg0)
// CHECK: tensor.pad
// CHECK: %[[COLS:.*]] = loom.dispatch(%[[PAD]])
// CHECK: linalg.generic
// CHECK: %[[Y:.*]] = loom.dispatch({{.*}}) : (tensor<16x72xf32>, tensor<72x256xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<16x256xf32>
// CHECK: linalg.matmul
// CHECK: linalg.generic
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: arith.maximumf
// CHECK: loom.yield
// CHECK-NOT: loom.dispatch
// CHECK: %[[R:.*]] = tensor.expand_shape %[[Y]] {{\[\[}}0, 1], [2, 3]] output_shape [1, 16, 16, 16]
// CHECK: return %[[R]]
func.func @conv_bn_relu(%x: tensor<1x8x16x16xf32>, %w: tensor<16x8x3x3xf32>, %b: tensor<16xf32>, %scale: tensor<16x1x1xf32>, %shift: tensor<16x1x1xf32>) -> tensor<1x16x16x16xf32> {
  %0 = loom.conv %x, %w, %b strides = [1, 1] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<1x8x16x16xf32>, tensor<16x8x3x3xf32>, tensor<16xf32>) -> tensor<1x16x16x16xf32>
  %1 = loom.mul %0, %scale : (tensor<1x16x16x16xf32>, tensor<16x1x1xf32>) -> tensor<1x16x16x16xf32>
  %2 = loom.add %1, %shift : (tensor<1x16x16x16xf32>, tensor<16x1x1xf32>) -> tensor<1x16x16x16xf32>
  %3 = loom.relu %2 : tensor<1x16x16x16xf32>
  return %3 : tensor<1x16x16x16xf32>
}
