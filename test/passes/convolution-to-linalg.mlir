// --loom-to-linalg on convolution and pooling (over 1 to 3 spatial
// dimensions; the 2-D cases are in loom-to-linalg.mlir).
// RUN: loom-opt %s --loom-to-linalg -split-input-file | FileCheck %s

// A grouped 3-D convolution: the input is padded, viewed per group, and
// convolved by one generic over (g, f, od, oh, c, kd, kh, kw, ow) (the
// batch of 1 is no loop): the innermost loop runs along an output row,
// which the CPU code generation vectorizes; the bias is added after.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7, d8) -> (d0, d4, d2 * 2 + d5, d3 * 2 + d6, d8 * 2 + d7)>
// CHECK-DAG: #[[WT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7, d8) -> (d0, d1, d4, d5, d6, d7)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7, d8) -> (d0, d1, d2, d3, d8)>
// CHECK-LABEL: func @conv3d
// CHECK: tensor.pad %arg0 low[0, 0, 1, 1, 1] high[0, 0, 0, 0, 0]
// CHECK: tensor.expand_shape {{.*}} into tensor<2x2x7x7x7xf32>
// CHECK: tensor.expand_shape {{.*}} into tensor<2x3x2x3x3x3xf32>
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[WT]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction", "parallel"]}
// CHECK-SAME: outs(%{{.*}} : tensor<2x3x3x3x3xf32>)
// CHECK:   arith.mulf
// CHECK:   arith.addf
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<1x6x3x3x3xf32>, tensor<6xf32>)
// CHECK:   arith.addf
func.func @conv3d(%x: tensor<1x4x6x6x6xf32>, %w: tensor<6x2x3x3x3xf32>, %b: tensor<6xf32>) -> tensor<1x6x3x3x3xf32> {
  %0 = loom.conv %x, %w, %b strides = [2, 2, 2] padding = [1, 1, 1, 0, 0, 0] dilations = [1, 1, 1] groups = 2 : (tensor<1x4x6x6x6xf32>, tensor<6x2x3x3x3xf32>, tensor<6xf32>) -> tensor<1x6x3x3x3xf32>
  return %0 : tensor<1x6x3x3x3xf32>
}

// -----

// A depthwise 1-D convolution (one input channel per group): loops and
// view dimensions of extent 1 are left out, so canonicalization cannot fold
// a unit dimension away from under a loop.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3 + d2 * 2)>
// CHECK-DAG: #[[WT:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d2)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-LABEL: func @depthwise1d
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[WT]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction", "parallel"]}
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<2x4x12xf32>, tensor<4x3xf32>)
func.func @depthwise1d(%x: tensor<2x4x12xf32>, %w: tensor<4x1x3xf32>) -> tensor<2x4x8xf32> {
  %0 = loom.conv %x, %w strides = [1] padding = [0, 0] dilations = [2] groups = 4 : (tensor<2x4x12xf32>, tensor<4x1x3xf32>) -> tensor<2x4x8xf32>
  return %0 : tensor<2x4x8xf32>
}

// -----

// A 1-D ungrouped convolution is a matmul over its im2col patches
// [n, c, k, o].
// CHECK-LABEL: func @conv1d
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<1x2x3x10xf32>)
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<4x6xf32>, tensor<6x10xf32>)
func.func @conv1d(%x: tensor<1x2x12xf32>, %w: tensor<4x2x3xf32>) -> tensor<1x4x10xf32> {
  %0 = loom.conv %x, %w strides = [1] padding = [0, 0] dilations = [1] groups = 1 : (tensor<1x2x12xf32>, tensor<4x2x3xf32>) -> tensor<1x4x10xf32>
  return %0 : tensor<1x4x10xf32>
}

// -----

// A batch of images: the patches are [n, (c, k), o] and the product
// y[n, f, o] = w[f, (c, k)] * patches[n, (c, k), o] is written in the
// result's layout (no transpose), the weight shared across the batch.
// CHECK-DAG: #[[W:.+]] = affine_map<(d0, d1, d2, d3) -> (d1, d3)>
// CHECK-DAG: #[[P:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>
// CHECK-DAG: #[[YM:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func @conv1d_batch
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<3x2x3x10xf32>)
// CHECK: %[[Y:.*]] = linalg.generic {indexing_maps = [#[[W]], #[[P]], #[[YM]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<4x6xf32>, tensor<3x6x10xf32>) outs(%{{.*}} : tensor<3x4x10xf32>)
// CHECK-NOT: linalg.transpose
// CHECK: return %[[Y]] : tensor<3x4x10xf32>
func.func @conv1d_batch(%x: tensor<3x2x12xf32>, %w: tensor<4x2x3xf32>) -> tensor<3x4x10xf32> {
  %0 = loom.conv %x, %w strides = [1] padding = [0, 0] dilations = [1] groups = 1 : (tensor<3x2x12xf32>, tensor<4x2x3xf32>) -> tensor<3x4x10xf32>
  return %0 : tensor<3x4x10xf32>
}

// -----

// A 1-D max_pool pads with -inf and reduces over the window taps (dilated)
// in a linalg.generic over (n, c, tap, o): the output row innermost, which
// the CPU code generation vectorizes.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3 * 2 + d2 * 2)>
// CHECK-DAG: #[[TAP:.*]] = affine_map<(d0, d1, d2, d3) -> (d2)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-LABEL: func @max_pool
// CHECK: %[[NEG_INF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: tensor.pad %arg0 low[0, 0, 1] high[0, 0, 1]
// CHECK:   tensor.yield %[[NEG_INF]]
// CHECK: %[[WINDOW:.*]] = tensor.empty() : tensor<3xf32>
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[TAP]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction", "parallel"]} ins(%{{.*}}, %[[WINDOW]] : tensor<1x2x18xf32>, tensor<3xf32>)
// CHECK:   arith.maximumf
func.func @max_pool(%x: tensor<1x2x16xf32>) -> tensor<1x2x7xf32> {
  %0 = loom.max_pool %x kernel = [3] strides = [2] dilations = [2] padding = [1, 1] : tensor<1x2x16xf32> -> tensor<1x2x7xf32>
  return %0 : tensor<1x2x7xf32>
}

// -----

// A 3-D max_pool reduces over the window taps in a linalg.generic, whose
// extents come from an empty kernel-shaped operand: (n, c, od, oh, taps,
// ow).
// CHECK-DAG: #[[TAP:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d4, d5, d6)>
// CHECK-LABEL: func @max_pool3d
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[TAP]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "parallel"]}
// CHECK:   arith.maximumf
func.func @max_pool3d(%x: tensor<1x2x4x4x4xf32>) -> tensor<1x2x2x2x2xf32> {
  %0 = loom.max_pool %x kernel = [2, 2, 2] strides = [2, 2, 2] padding = [0, 0, 0, 0, 0, 0] : tensor<1x2x4x4x4xf32> -> tensor<1x2x2x2x2xf32>
  return %0 : tensor<1x2x2x2x2xf32>
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
