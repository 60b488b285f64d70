// RUN: loom-opt %s --loom-to-linalg -split-input-file | FileCheck %s

// CHECK-DAG: #[[ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-LABEL: func @broadcast_add
// CHECK: linalg.generic {indexing_maps = [#[[COL]], #[[ROW]], #[[ID2]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%arg0, %arg1 : tensor<4x1xf32>, tensor<8xf32>) outs(%{{.*}} : tensor<4x8xf32>)
// CHECK: arith.addf
func.func @broadcast_add(%a: tensor<4x1xf32>, %b: tensor<8xf32>) -> tensor<4x8xf32> {
  %0 = loom.add %a, %b : (tensor<4x1xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

// CHECK-LABEL: func @ints
// CHECK: arith.divsi
// CHECK: arith.cmpi slt
// CHECK: arith.select
// CHECK: arith.sitofp
func.func @ints(%a: tensor<4xi32>, %b: tensor<4xi32>) -> (tensor<4xi32>, tensor<4xi1>, tensor<4xi32>, tensor<4xf32>) {
  %0 = loom.div %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %1 = loom.compare lt, %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi1>
  %2 = loom.select %1, %a, %b : (tensor<4xi1>, tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %3 = loom.cast %2 : tensor<4xi32> to tensor<4xf32>
  return %0, %1, %2, %3 : tensor<4xi32>, tensor<4xi1>, tensor<4xi32>, tensor<4xf32>
}

// -----

// Transcendental functions of f16 are computed in f32.
// CHECK-LABEL: func @half
// CHECK: ^bb0(%[[IN:.*]]: f16, %{{.*}}: f16):
// CHECK: %[[W:.*]] = arith.extf %[[IN]] : f16 to f32
// CHECK: %[[T:.*]] = math.tanh %[[W]] : f32
// CHECK: arith.truncf %[[T]] : f32 to f16
func.func @half(%x: tensor<4xf16>) -> tensor<4xf16> {
  %0 = loom.tanh %x : tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

// CHECK-LABEL: func @gelu
// CHECK: math.erf
// CHECK-LABEL: func @gelu_tanh
// CHECK: math.tanh
func.func @gelu(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = loom.gelu %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}
func.func @gelu_tanh(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = loom.gelu %x approximate = tanh : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func @matmul
// CHECK: %[[Z:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<4x3xf32>)
// CHECK: linalg.matmul ins(%arg0, %arg1 : tensor<4x8xf32>, tensor<8x3xf32>) outs(%[[Z]] : tensor<4x3xf32>)
func.func @matmul(%a: tensor<4x8xf32>, %b: tensor<8x3xf32>) -> tensor<4x3xf32> {
  %0 = loom.matmul %a, %b : (tensor<4x8xf32>, tensor<8x3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// A batch of rows times one matrix folds the batch into M.
// CHECK-LABEL: func @matmul_rows
// CHECK: tensor.collapse_shape %arg0 {{\[\[}}0, 1], [2]] : tensor<2x4x8xf32> into tensor<8x8xf32>
// CHECK: linalg.matmul ins(%{{.*}}, %arg1 : tensor<8x8xf32>, tensor<8x3xf32>)
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1], [2]] output_shape [2, 4, 3] : tensor<8x3xf32> into tensor<2x4x3xf32>
func.func @matmul_rows(%a: tensor<2x4x8xf32>, %b: tensor<8x3xf32>) -> tensor<2x4x3xf32> {
  %0 = loom.matmul %a, %b : (tensor<2x4x8xf32>, tensor<8x3xf32>) -> tensor<2x4x3xf32>
  return %0 : tensor<2x4x3xf32>
}

// -----

// CHECK-LABEL: func @matmul_batched
// CHECK: linalg.batch_matmul ins(%arg0, %arg1 : tensor<2x4x8xf32>, tensor<2x8x3xf32>)
func.func @matmul_batched(%a: tensor<2x4x8xf32>, %b: tensor<2x8x3xf32>) -> tensor<2x4x3xf32> {
  %0 = loom.matmul %a, %b : (tensor<2x4x8xf32>, tensor<2x8x3xf32>) -> tensor<2x4x3xf32>
  return %0 : tensor<2x4x3xf32>
}

// -----

// Batch dimensions that broadcast against each other: a generic.
// CHECK-DAG: #[[L:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, 0, d2, d4)>
// CHECK-DAG: #[[R:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d4, d3)>
// CHECK-LABEL: func @matmul_broadcast
// CHECK: linalg.generic {indexing_maps = [#[[L]], #[[R]], {{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
func.func @matmul_broadcast(%a: tensor<2x1x4x8xf32>, %b: tensor<3x8x5xf32>) -> tensor<2x3x4x5xf32> {
  %0 = loom.matmul %a, %b : (tensor<2x1x4x8xf32>, tensor<3x8x5xf32>) -> tensor<2x3x4x5xf32>
  return %0 : tensor<2x3x4x5xf32>
}

// -----

// CHECK-DAG: #[[X:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d3)>
// CHECK-DAG: #[[Y:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d3, d1, d4)>
// CHECK-DAG: #[[Z:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d4, d2)>
// CHECK-DAG: #[[O:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2)>
// CHECK-LABEL: func @contract
// CHECK: linalg.generic {indexing_maps = [#[[X]], #[[Y]], #[[Z]], #[[O]]], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]}
// CHECK: arith.mulf
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @contract(%x: tensor<2x3xf32>, %y: tensor<3x4x5xf32>, %z: tensor<5x6xf32>) -> tensor<2x4x6xf32> {
  %0 = loom.contract "ab,bcd,de->ace" %x, %y, %z : (tensor<2x3xf32>, tensor<3x4x5xf32>, tensor<5x6xf32>) -> tensor<2x4x6xf32>
  return %0 : tensor<2x4x6xf32>
}

// -----

// CHECK-DAG: #[[DIAG:.*]] = affine_map<(d0) -> (d0, d0)>
// CHECK-LABEL: func @trace
// CHECK: linalg.generic {indexing_maps = [#[[DIAG]], {{.*}}], iterator_types = ["reduction"]}
func.func @trace(%x: tensor<3x3xf32>) -> tensor<f32> {
  %0 = loom.contract "aa->" %x : (tensor<3x3xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// CHECK-LABEL: func @reductions
// CHECK: %[[NEG_INF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: linalg.fill ins(%[[NEG_INF]] : f32)
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK: arith.maximumf
// CHECK: tensor.expand_shape {{.*}} into tensor<8x1xf32>
// CHECK: linalg.generic {{.*}} iterator_types = ["reduction", "reduction"]
// CHECK: arith.addf
// CHECK: arith.constant 1.250000e-02 : f32
// CHECK: arith.mulf
func.func @reductions(%x: tensor<8x10xf32>) -> (tensor<8x1xf32>, tensor<f32>) {
  %0 = loom.reduce_max %x [1] keepdims : tensor<8x10xf32> -> tensor<8x1xf32>
  %1 = loom.reduce_mean %x [0, 1] : tensor<8x10xf32> -> tensor<f32>
  return %0, %1 : tensor<8x1xf32>, tensor<f32>
}

// -----

// With ignore_nan, max and min skip NaNs (maxnum/minnum) from the same
// identities.
// CHECK-LABEL: func @nan_skipping_reductions
// CHECK: arith.constant 0xFF800000 : f32
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK: arith.maxnumf
// CHECK: arith.constant 0x7F800000 : f32
// CHECK: linalg.generic {{.*}} iterator_types = ["reduction", "parallel"]
// CHECK: arith.minnumf
func.func @nan_skipping_reductions(%x: tensor<8x10xf32>) -> (tensor<8xf32>, tensor<10xf32>) {
  %0 = loom.reduce_max %x [1] ignore_nan : tensor<8x10xf32> -> tensor<8xf32>
  %1 = loom.reduce_min %x [0] ignore_nan : tensor<8x10xf32> -> tensor<10xf32>
  return %0, %1 : tensor<8xf32>, tensor<10xf32>
}

// -----

// CHECK-LABEL: func @argmax
// CHECK: %{{.*}}:2 = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%arg0 : tensor<8x10xf32>) outs(%{{.*}}, %{{.*}} : tensor<8xf32>, tensor<8xi64>)
// CHECK: arith.cmpf ogt
// CHECK: linalg.index 1
func.func @argmax(%x: tensor<8x10xf32>) -> tensor<8xi64> {
  %0 = loom.argmax %x dim = 1 : tensor<8x10xf32> -> tensor<8xi64>
  return %0 : tensor<8xi64>
}

// -----

// CHECK-LABEL: func @shapes
// CHECK: tensor.collapse_shape %arg0 {{.*}} into tensor<6xf32>
// CHECK: linalg.transpose ins(%arg0 : tensor<2x3xf32>) outs(%{{.*}} : tensor<3x2xf32>) permutation = [1, 0]
// CHECK: tensor.concat dim(1) %arg0, %arg0 : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x6xf32>
// CHECK: tensor.pad %arg0 low[0, 1] high[2, 0]
// CHECK:   tensor.yield %{{.*}} : f32
func.func @shapes(%x: tensor<2x3xf32>) -> (tensor<6xf32>, tensor<3x2xf32>, tensor<2x6xf32>, tensor<4x4xf32>) {
  %0 = loom.reshape %x : tensor<2x3xf32> -> tensor<6xf32>
  %1 = loom.transpose %x [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  %2 = loom.concat %x, %x axis = 1 : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x6xf32>
  %3 = loom.pad %x low = [0, 1] high = [2, 0] value = 1.5 : tensor<2x3xf32> -> tensor<4x4xf32>
  return %0, %1, %2, %3 : tensor<6xf32>, tensor<3x2xf32>, tensor<2x6xf32>, tensor<4x4xf32>
}

// -----

// A slice is a strided view copied out; a prefix slice keeps its own size.
// CHECK-LABEL: func @slice
// CHECK: %[[V:.*]] = tensor.extract_slice %arg0[1, 0] [5, 2] [2, 3] : tensor<10x4xf32> to tensor<5x2xf32>
// CHECK: linalg.generic {{.*}} ins(%[[V]] : tensor<5x2xf32>) outs(%{{.*}} : tensor<5x2xf32>)
// CHECK: %[[P:.*]] = tensor.extract_slice %arg0[0, 0] [3, 4] [1, 1] : tensor<10x4xf32> to tensor<3x4xf32>
// CHECK: linalg.generic {{.*}} ins(%[[P]] : tensor<3x4xf32>) outs(%{{.*}} : tensor<3x4xf32>)
func.func @slice(%x: tensor<10x4xf32>) -> (tensor<5x2xf32>, tensor<3x4xf32>) {
  %0 = loom.slice %x starts = [1, 0] limits = [10, 4] strides = [2, 3] : tensor<10x4xf32> -> tensor<5x2xf32>
  %1 = loom.slice %x starts = [0, 0] limits = [3, 4] strides = [1, 1] : tensor<10x4xf32> -> tensor<3x4xf32>
  return %0, %1 : tensor<5x2xf32>, tensor<3x4xf32>
}

// -----

// Indices are wrapped when negative and clamped into range.
// CHECK-LABEL: func @gather
// CHECK: arith.index_cast
// CHECK: arith.cmpi slt
// CHECK: arith.maxsi
// CHECK: arith.minsi
// CHECK: tensor.extract %arg0[%{{.*}}, %{{.*}}] : tensor<10x4xf32>
func.func @gather(%t: tensor<10x4xf32>, %idx: tensor<3xi64>) -> tensor<3x4xf32> {
  %0 = loom.gather %t, %idx axis = 0 : (tensor<10x4xf32>, tensor<3xi64>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// A convolution is a matmul over its im2col patches:
// patches[n, c, kh, kw, oh, ow] = x[n, c, oh*2 + kh, ow*2 + kw].
// CHECK: #[[PATCH_READ:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d4 * 2 + d2, d5 * 2 + d3)>
// CHECK-LABEL: func @conv
// CHECK: tensor.pad %arg0 low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: %[[PATCHES:.+]] = linalg.generic {indexing_maps = [#[[PATCH_READ]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%{{.*}} : tensor<1x3x10x10xf32>) outs(%{{.*}} : tensor<1x3x3x3x4x4xf32>)
// CHECK: tensor.expand_shape %{{.*}} output_shape [27, 16]
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<4x27xf32>, tensor<27x16xf32>)
// CHECK: linalg.generic
// CHECK: arith.addf
func.func @conv(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x4x4xf32> {
  %0 = loom.conv %x, %w, %b strides = [2, 2] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

// A grouped convolution is one generic over (g, f, oh, c, kh, kw, ow):
// output rows innermost.
// CHECK-LABEL: func @grouped_conv
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "parallel"]} ins(%{{.*}}, %{{.*}} : tensor<2x2x10x10xf32>, tensor<2x3x2x3x3xf32>)
func.func @grouped_conv(%x: tensor<1x4x8x8xf32>, %w: tensor<6x2x3x3xf32>) -> tensor<1x6x4x4xf32> {
  %0 = loom.conv %x, %w strides = [2, 2] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 2 : (tensor<1x4x8x8xf32>, tensor<6x2x3x3xf32>) -> tensor<1x6x4x4xf32>
  return %0 : tensor<1x6x4x4xf32>
}

// -----

// Max pooling pads with -inf; average pooling divides by the number of
// elements under each window (known at compile time).
// CHECK-LABEL: func @pools
// CHECK: %[[NEG_INF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: tensor.pad %arg0 low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK:   tensor.yield %[[NEG_INF]]
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "parallel"]
// CHECK:   arith.maximumf
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "parallel"]
// CHECK:   arith.addf
// CHECK: arith.constant dense<{{\[\[}}2.500000e-01, 5.000000e-01], [5.000000e-01, 1.000000e+00]]> : tensor<2x2xf32>
func.func @pools(%x: tensor<1x1x3x3xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) {
  %0 = loom.max_pool %x kernel = [3, 3] strides = [2, 2] padding = [1, 1, 1, 1] : tensor<1x1x3x3xf32> -> tensor<1x1x2x2xf32>
  %1 = loom.avg_pool %x kernel = [2, 2] strides = [2, 2] padding = [0, 0, 1, 1] : tensor<1x1x3x3xf32> -> tensor<1x1x2x2xf32>
  return %0, %1 : tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>
}

// -----

// CHECK-LABEL: func @constant
// CHECK: arith.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
func.func @constant() -> tensor<2xf32> {
  %0 = loom.constant dense<[1.0, 2.0]> : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// segment_sum: a loop over the rows that adds each row (a vectorizable
// generic over the row) into the row its id names; ids out of range skip.
// CHECK-LABEL: func @segment_sum
// CHECK: %[[INIT:.*]] = linalg.fill
// CHECK: scf.for %[[ROW:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:.*]] = %[[INIT]]) -> (tensor<4x6xf32>)
// CHECK:   %[[ID:.*]] = tensor.extract %arg1[%[[ROW]]] : tensor<5xi32>
// CHECK-DAG:   arith.cmpi sge, %[[ID]]
// CHECK-DAG:   arith.cmpi slt, %[[ID]]
// CHECK:   scf.if
// CHECK:     tensor.extract_slice %{{.*}}[%[[ROW]], %{{.*}}] [1, 6] [1, 1] : tensor<5x6xf32> to tensor<6xf32>
// CHECK:     linalg.generic
// CHECK:       arith.addf
// CHECK:     tensor.insert_slice
func.func @segment_sum(%m: tensor<5x2x3xf32>, %dst: tensor<5xi32>) -> tensor<4x2x3xf32> {
  %0 = loom.segment_sum %m, %dst num_segments = 4 : (tensor<5x2x3xf32>, tensor<5xi32>) -> tensor<4x2x3xf32>
  return %0 : tensor<4x2x3xf32>
}

// -----

// loom.scan: an scf.for over the steps; each step slices the sequence,
// runs the body's ops (converted), copies the new state into the carried
// one and inserts the step's output at its row.
// CHECK-LABEL: func @scan
// CHECK: %[[OUT:.*]] = tensor.empty() : tensor<5x2x3xf32>
// CHECK: %[[LOOP:.*]]:2 = scf.for %[[T:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[H:.*]] = %arg0, %[[HS:.*]] = %[[OUT]]) -> (tensor<2x3xf32>, tensor<5x2x3xf32>)
// CHECK:   %[[X:.*]] = tensor.extract_slice %arg1[%[[T]], 0, 0] [1, 2, 4] [1, 1, 1] : tensor<5x2x4xf32> to tensor<2x4xf32>
// CHECK:   linalg.matmul ins(%[[X]], %arg2
// CHECK:   %[[NEW:.*]] = linalg.copy ins(%{{.*}} : tensor<2x3xf32>) outs(%[[H]] : tensor<2x3xf32>)
// CHECK:   %[[ROW:.*]] = tensor.insert_slice %{{.*}} into %[[HS]][%[[T]], 0, 0] [1, 2, 3] [1, 1, 1]
// CHECK:   scf.yield %[[NEW]], %[[ROW]]
// CHECK: return %[[LOOP]]#0, %[[LOOP]]#1
func.func @scan(%h0: tensor<2x3xf32>, %xs: tensor<5x2x4xf32>, %w: tensor<4x3xf32>) -> (tensor<2x3xf32>, tensor<5x2x3xf32>) {
  %hT, %hs = loom.scan init(%h0 : tensor<2x3xf32>) over(%xs : tensor<5x2x4xf32>) {
  ^bb0(%h: tensor<2x3xf32>, %x: tensor<2x4xf32>):
    %a = loom.matmul %x, %w : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
    %s = loom.add %a, %h : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
    loom.yield %s, %s : tensor<2x3xf32>, tensor<2x3xf32>
  } -> tensor<2x3xf32>, tensor<5x2x3xf32>
  return %hT, %hs : tensor<2x3xf32>, tensor<5x2x3xf32>
}

// -----

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
