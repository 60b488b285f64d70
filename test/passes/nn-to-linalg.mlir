// Lowering of the ops in LoomNNOps.td by --loom-to-linalg.
// RUN: loom-opt %s --loom-to-linalg -split-input-file | FileCheck %s

// Rounding and trigonometry apply math ops elementwise; f16/bf16 compute in
// f32; asinh/acosh/atanh become logarithms.
// CHECK-LABEL: func @unary
// CHECK: linalg.generic
// CHECK:   math.floor %{{.*}} : f32
// CHECK: linalg.generic
// CHECK:   %[[W:.*]] = arith.extf %{{.*}} : f16 to f32
// CHECK:   %[[R:.*]] = math.roundeven %[[W]] : f32
// CHECK:   arith.truncf %[[R]] : f32 to f16
// CHECK: linalg.generic
// CHECK:   math.atan
// CHECK: linalg.generic
// CHECK:   arith.mulf
// CHECK:   arith.subf
// CHECK:   math.sqrt
// CHECK:   arith.addf
// CHECK:   math.log
// CHECK-NOT: math.acosh
func.func @unary(%x: tensor<4xf32>, %h: tensor<4xf16>) -> (tensor<4xf32>, tensor<4xf16>, tensor<4xf32>, tensor<4xf32>) {
  %0 = loom.floor %x : tensor<4xf32>
  %1 = loom.round %h : tensor<4xf16>
  %2 = loom.atan %x : tensor<4xf32>
  %3 = loom.acosh %x : tensor<4xf32>
  return %0, %1, %2, %3 : tensor<4xf32>, tensor<4xf16>, tensor<4xf32>, tensor<4xf32>
}

// -----

// conv3d: the input is padded, viewed per group, and convolved by one
// generic over (n, g, f, od, oh, ow, c, kd, kh, kw); the bias is added
// after.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7, d8, d9) -> (d0, d1, d6, d3 * 2 + d7, d4 * 2 + d8, d5 * 2 + d9)>
// CHECK-DAG: #[[WT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7, d8, d9) -> (d1, d2, d6, d7, d8, d9)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7, d8, d9) -> (d0, d1, d2, d3, d4, d5)>
// CHECK-LABEL: func @conv3d
// CHECK: tensor.pad %arg0 low[0, 0, 1, 1, 1] high[0, 0, 0, 0, 0]
// CHECK: tensor.expand_shape {{.*}} into tensor<1x2x2x7x7x7xf32>
// CHECK: tensor.expand_shape {{.*}} into tensor<2x3x2x3x3x3xf32>
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[WT]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction"]}
// CHECK-SAME: outs(%{{.*}} : tensor<1x2x3x3x3x3xf32>)
// CHECK:   arith.mulf
// CHECK:   arith.addf
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<1x6x3x3x3xf32>, tensor<6x1x1x1xf32>)
// CHECK:   arith.addf
func.func @conv3d(%x: tensor<1x4x6x6x6xf32>, %w: tensor<6x2x3x3x3xf32>, %b: tensor<6xf32>) -> tensor<1x6x3x3x3xf32> {
  %0 = loom.conv3d %x, %w, %b strides = [2, 2, 2] padding = [1, 1, 1, 0, 0, 0] dilations = [1, 1, 1] groups = 2 : (tensor<1x4x6x6x6xf32>, tensor<6x2x3x3x3xf32>, tensor<6xf32>) -> tensor<1x6x3x3x3xf32>
  return %0 : tensor<1x6x3x3x3xf32>
}

// -----

// max_pool pads with -inf and reduces over the window taps, whose extents
// come from an empty kernel-shaped operand.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2 * 2 + d3 * 2)>
// CHECK-DAG: #[[TAP:.*]] = affine_map<(d0, d1, d2, d3) -> (d3)>
// CHECK-LABEL: func @max_pool
// CHECK: %[[NEG_INF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: tensor.pad %arg0 low[0, 0, 1] high[0, 0, 1]
// CHECK:   tensor.yield %[[NEG_INF]]
// CHECK: %[[WINDOW:.*]] = tensor.empty() : tensor<3xf32>
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[TAP]], {{.*}}], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
// CHECK-SAME: ins(%{{.*}}, %[[WINDOW]] : tensor<1x2x18xf32>, tensor<3xf32>)
// CHECK:   arith.maximumf
func.func @max_pool(%x: tensor<1x2x16xf32>) -> tensor<1x2x7xf32> {
  %0 = loom.max_pool %x kernel = [3] strides = [2] dilations = [2] padding = [1, 1] : tensor<1x2x16xf32> -> tensor<1x2x7xf32>
  return %0 : tensor<1x2x7xf32>
}

// -----

// avg_pool sums the window and multiplies by 1/count per output position:
// without count_include_pad the last window (one tap in the padding) counts
// 1 element, with it 2.
// CHECK-LABEL: func @avg_pool
// CHECK: arith.constant dense<[5.000000e-01, 5.000000e-01, 1.000000e+00]> : tensor<3xf32>
// CHECK: arith.constant dense<5.000000e-01> : tensor<3xf32>
func.func @avg_pool(%x: tensor<1x1x5xf32>) -> (tensor<1x1x3xf32>, tensor<1x1x3xf32>) {
  %0 = loom.avg_pool %x kernel = [2] strides = [2] padding = [0, 1] : tensor<1x1x5xf32> -> tensor<1x1x3xf32>
  %1 = loom.avg_pool %x kernel = [2] strides = [2] padding = [0, 1] count_include_pad : tensor<1x1x5xf32> -> tensor<1x1x3xf32>
  return %0, %1 : tensor<1x1x3xf32>, tensor<1x1x3xf32>
}
