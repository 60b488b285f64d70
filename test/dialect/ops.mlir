// Round trip of every loom op: parse, print, parse again.
// RUN: loom-opt %s | loom-opt | FileCheck %s

// CHECK-LABEL: func @constants
func.func @constants() -> (tensor<2x2xf32>, tensor<3xi64>, tensor<i1>) {
  // CHECK: loom.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
  %0 = loom.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  // CHECK: loom.constant dense<[1, 2, 3]> : tensor<3xi64>
  %1 = loom.constant dense<[1, 2, 3]> : tensor<3xi64>
  // CHECK: loom.constant dense<true> : tensor<i1>
  %2 = loom.constant dense<true> : tensor<i1>
  return %0, %1, %2 : tensor<2x2xf32>, tensor<3xi64>, tensor<i1>
}

// CHECK-LABEL: func @binary
func.func @binary(%a: tensor<4x8xf32>, %b: tensor<8xf32>, %i: tensor<4x1xi32>, %j: tensor<5xi32>) {
  // CHECK: loom.add %{{.*}}, %{{.*}} : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %0 = loom.add %a, %b : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  // CHECK: loom.sub
  %1 = loom.sub %a, %b : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  // CHECK: loom.mul
  %2 = loom.mul %a, %a : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  // CHECK: loom.div
  %3 = loom.div %b, %a : (tensor<8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  // CHECK: loom.max
  %4 = loom.max %a, %b : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  // CHECK: loom.min
  %5 = loom.min %a, %b : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  // CHECK: loom.pow
  %6 = loom.pow %a, %b : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  // CHECK: loom.add %{{.*}}, %{{.*}} : (tensor<4x1xi32>, tensor<5xi32>) -> tensor<4x5xi32>
  %7 = loom.add %i, %j : (tensor<4x1xi32>, tensor<5xi32>) -> tensor<4x5xi32>
  // CHECK: loom.compare lt, %{{.*}}, %{{.*}} : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xi1>
  %8 = loom.compare lt, %a, %b : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xi1>
  // CHECK: loom.compare ge
  %9 = loom.compare ge, %i, %j : (tensor<4x1xi32>, tensor<5xi32>) -> tensor<4x5xi1>
  // CHECK: loom.select %{{.*}}, %{{.*}}, %{{.*}} : (tensor<4x8xi1>, tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %10 = loom.select %8, %a, %b : (tensor<4x8xi1>, tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  // CHECK: loom.cast %{{.*}} : tensor<4x8xf32> to tensor<4x8xi32>
  %11 = loom.cast %a : tensor<4x8xf32> to tensor<4x8xi32>
  // CHECK: loom.cast %{{.*}} : tensor<4x8xi1> to tensor<4x8xf16>
  %12 = loom.cast %8 : tensor<4x8xi1> to tensor<4x8xf16>
  return
}

// CHECK-LABEL: func @unary
func.func @unary(%x: tensor<3x5xf32>, %h: tensor<7xbf16>, %i: tensor<4xi64>) {
  // CHECK: loom.neg %{{.*}} : tensor<3x5xf32>
  %0 = loom.neg %x : tensor<3x5xf32>
  // CHECK: loom.abs %{{.*}} : tensor<4xi64>
  %1 = loom.abs %i : tensor<4xi64>
  // CHECK: loom.relu
  %2 = loom.relu %x : tensor<3x5xf32>
  // CHECK: loom.exp
  %3 = loom.exp %x : tensor<3x5xf32>
  // CHECK: loom.log
  %4 = loom.log %x : tensor<3x5xf32>
  // CHECK: loom.sqrt
  %5 = loom.sqrt %x : tensor<3x5xf32>
  // CHECK: loom.rsqrt
  %6 = loom.rsqrt %x : tensor<3x5xf32>
  // CHECK: loom.tanh
  %7 = loom.tanh %h : tensor<7xbf16>
  // CHECK: loom.sigmoid
  %8 = loom.sigmoid %x : tensor<3x5xf32>
  // CHECK: loom.silu
  %9 = loom.silu %x : tensor<3x5xf32>
  // CHECK: loom.erf
  %10 = loom.erf %x : tensor<3x5xf32>
  // CHECK: loom.sin
  %11 = loom.sin %x : tensor<3x5xf32>
  // CHECK: loom.cos
  %12 = loom.cos %x : tensor<3x5xf32>
  // CHECK: loom.softplus
  %13 = loom.softplus %x : tensor<3x5xf32>
  // CHECK: loom.gelu %{{.*}} : tensor<3x5xf32>
  %14 = loom.gelu %x : tensor<3x5xf32>
  // CHECK: loom.gelu %{{.*}} approximate = tanh : tensor<3x5xf32>
  %15 = loom.gelu %x approximate = tanh : tensor<3x5xf32>
  // CHECK: loom.relu %{{.*}} : tensor<4xi64>
  %16 = loom.relu %i : tensor<4xi64>
  return
}

// CHECK-LABEL: func @linalg
func.func @linalg(%a: tensor<2x4x8xf32>, %b: tensor<8x3xf32>, %v: tensor<8xf32>,
                  %w: tensor<16x8xf32>, %bias: tensor<16xf32>,
                  %x: tensor<2x3xf32>, %y: tensor<3x4x5xf32>, %z: tensor<5x6xf32>) {
  // CHECK: loom.matmul %{{.*}}, %{{.*}} : (tensor<2x4x8xf32>, tensor<8x3xf32>) -> tensor<2x4x3xf32>
  %0 = loom.matmul %a, %b : (tensor<2x4x8xf32>, tensor<8x3xf32>) -> tensor<2x4x3xf32>
  // CHECK: loom.matmul %{{.*}}, %{{.*}} : (tensor<2x4x8xf32>, tensor<8xf32>) -> tensor<2x4xf32>
  %1 = loom.matmul %a, %v : (tensor<2x4x8xf32>, tensor<8xf32>) -> tensor<2x4xf32>
  // CHECK: loom.linear %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x4x8xf32>, tensor<16x8xf32>, tensor<16xf32>) -> tensor<2x4x16xf32>
  %2 = loom.linear %a, %w, %bias : (tensor<2x4x8xf32>, tensor<16x8xf32>, tensor<16xf32>) -> tensor<2x4x16xf32>
  // CHECK: loom.linear %{{.*}}, %{{.*}} : (tensor<2x4x8xf32>, tensor<16x8xf32>) -> tensor<2x4x16xf32>
  %3 = loom.linear %a, %w : (tensor<2x4x8xf32>, tensor<16x8xf32>) -> tensor<2x4x16xf32>
  // CHECK: loom.contract "ab,bcd,de->ace" %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3x4x5xf32>, tensor<5x6xf32>) -> tensor<2x4x6xf32>
  %4 = loom.contract "ab,bcd,de->ace" %x, %y, %z : (tensor<2x3xf32>, tensor<3x4x5xf32>, tensor<5x6xf32>) -> tensor<2x4x6xf32>
  // CHECK: loom.contract "aa->" %{{.*}} : (tensor<3x3xf32>) -> tensor<f32>
  %sq = loom.constant dense<1.0> : tensor<3x3xf32>
  %5 = loom.contract "aa->" %sq : (tensor<3x3xf32>) -> tensor<f32>
  // Labels that are not one letter are written in braces.
  // CHECK: loom.contract "{site0}{bond_1},{bond_1}c->{site0}c" %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %m = loom.constant dense<1.0> : tensor<3x4xf32>
  %6 = loom.contract "{site0}{bond_1},{bond_1}c->{site0}c" %x, %m : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return
}

// CHECK-LABEL: func @reductions
func.func @reductions(%x: tensor<8x10xf32>, %i: tensor<8x10xi32>) {
  // CHECK: loom.reduce_sum %{{.*}} [1] : tensor<8x10xf32> -> tensor<8xf32>
  %0 = loom.reduce_sum %x [1] : tensor<8x10xf32> -> tensor<8xf32>
  // CHECK: loom.reduce_mean %{{.*}} [0, 1] keepdims : tensor<8x10xf32> -> tensor<1x1xf32>
  %1 = loom.reduce_mean %x [0, 1] keepdims : tensor<8x10xf32> -> tensor<1x1xf32>
  // CHECK: loom.reduce_max %{{.*}} [-1] : tensor<8x10xi32> -> tensor<8xi32>
  %2 = loom.reduce_max %i [-1] : tensor<8x10xi32> -> tensor<8xi32>
  // CHECK: loom.reduce_min
  %3 = loom.reduce_min %x [0] : tensor<8x10xf32> -> tensor<10xf32>
  // CHECK: loom.reduce_max %{{.*}} [1] keepdims ignore_nan : tensor<8x10xf32> -> tensor<8x1xf32>
  %nm = loom.reduce_max %x [1] keepdims ignore_nan : tensor<8x10xf32> -> tensor<8x1xf32>
  // CHECK: loom.reduce_min %{{.*}} [0] ignore_nan : tensor<8x10xf32> -> tensor<10xf32>
  %nn = loom.reduce_min %x [0] ignore_nan : tensor<8x10xf32> -> tensor<10xf32>
  // CHECK: loom.reduce_prod
  %4 = loom.reduce_prod %x [1] keepdims : tensor<8x10xf32> -> tensor<8x1xf32>
  // CHECK: loom.argmax %{{.*}} dim = 1 : tensor<8x10xf32> -> tensor<8xi64>
  %5 = loom.argmax %x dim = 1 : tensor<8x10xf32> -> tensor<8xi64>
  // CHECK: loom.argmax %{{.*}} dim = 0 keepdims : tensor<8x10xf32> -> tensor<1x10xi32>
  %6 = loom.argmax %x dim = 0 keepdims : tensor<8x10xf32> -> tensor<1x10xi32>
  // CHECK: loom.softmax %{{.*}} axis = -1 : tensor<8x10xf32>
  %7 = loom.softmax %x axis = -1 : tensor<8x10xf32>
  // CHECK: loom.log_softmax %{{.*}} axis = 0 : tensor<8x10xf32>
  %8 = loom.log_softmax %x axis = 0 : tensor<8x10xf32>
  return
}

// CHECK-LABEL: func @norms
func.func @norms(%x: tensor<2x8x16xf32>, %g: tensor<16xf32>, %b: tensor<16xf32>, %g2: tensor<8x16xf32>) {
  // CHECK: loom.layer_norm %{{.*}} scale %{{.*}} bias %{{.*}} axis = -1 epsilon = 1.000000e-05 : (tensor<2x8x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<2x8x16xf32>
  %0 = loom.layer_norm %x scale %g bias %b axis = -1 epsilon = 1.0e-05 : (tensor<2x8x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<2x8x16xf32>
  // CHECK: loom.layer_norm %{{.*}} scale %{{.*}} axis = 1 epsilon = {{.*}} : (tensor<2x8x16xf32>, tensor<8x16xf32>) -> tensor<2x8x16xf32>
  %1 = loom.layer_norm %x scale %g2 axis = 1 epsilon = 1.0e-06 : (tensor<2x8x16xf32>, tensor<8x16xf32>) -> tensor<2x8x16xf32>
  // CHECK: loom.layer_norm %{{.*}} axis = 2 epsilon = 0.000000e+00 : (tensor<2x8x16xf32>) -> tensor<2x8x16xf32>
  %2 = loom.layer_norm %x axis = 2 epsilon = 0.0 : (tensor<2x8x16xf32>) -> tensor<2x8x16xf32>
  return
}

// CHECK-LABEL: func @shapes
func.func @shapes(%x: tensor<2x3xf32>, %y: tensor<2x5xf32>, %t: tensor<10x4xf32>, %idx: tensor<3x2xi64>) {
  // CHECK: loom.reshape %{{.*}} : tensor<2x3xf32> -> tensor<6xf32>
  %0 = loom.reshape %x : tensor<2x3xf32> -> tensor<6xf32>
  // CHECK: loom.transpose %{{.*}} [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  %1 = loom.transpose %x [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  // CHECK: loom.broadcast_to %{{.*}} : tensor<2x3xf32> -> tensor<4x2x3xf32>
  %2 = loom.broadcast_to %x : tensor<2x3xf32> -> tensor<4x2x3xf32>
  // CHECK: loom.concat %{{.*}}, %{{.*}} axis = 1 : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
  %3 = loom.concat %x, %y axis = 1 : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
  // CHECK: loom.slice %{{.*}} starts = [1, 0] limits = [10, 4] strides = [2, 3] : tensor<10x4xf32> -> tensor<5x2xf32>
  %4 = loom.slice %t starts = [1, 0] limits = [10, 4] strides = [2, 3] : tensor<10x4xf32> -> tensor<5x2xf32>
  // CHECK: loom.pad %{{.*}} low = [0, 1] high = [2, 0] value = 1.500000e+00 : tensor<2x3xf32> -> tensor<4x4xf32>
  %5 = loom.pad %x low = [0, 1] high = [2, 0] value = 1.5 : tensor<2x3xf32> -> tensor<4x4xf32>
  // CHECK: loom.pad %{{.*}} low = [1, 1] high = [1, 1] : tensor<2x3xf32> -> tensor<4x5xf32>
  %6 = loom.pad %x low = [1, 1] high = [1, 1] : tensor<2x3xf32> -> tensor<4x5xf32>
  // CHECK: loom.gather %{{.*}}, %{{.*}} axis = 0 : (tensor<10x4xf32>, tensor<3x2xi64>) -> tensor<3x2x4xf32>
  %7 = loom.gather %t, %idx axis = 0 : (tensor<10x4xf32>, tensor<3x2xi64>) -> tensor<3x2x4xf32>
  return
}

// CHECK-LABEL: func @segment_sum
func.func @segment_sum(%m: tensor<5x2x3xf32>, %dst: tensor<5xi32>) -> tensor<4x2x3xf32> {
  // CHECK: loom.segment_sum %{{.*}}, %{{.*}} num_segments = 4 : (tensor<5x2x3xf32>, tensor<5xi32>) -> tensor<4x2x3xf32>
  %0 = loom.segment_sum %m, %dst num_segments = 4 : (tensor<5x2x3xf32>, tensor<5xi32>) -> tensor<4x2x3xf32>
  return %0 : tensor<4x2x3xf32>
}

// CHECK-LABEL: func @conv
func.func @conv(%x: tensor<1x4x8x8xf32>, %w: tensor<6x2x3x3xf32>, %b: tensor<6xf32>) {
  // CHECK: loom.conv %{{.*}}, %{{.*}}, %{{.*}} strides = [2, 2] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 2 : (tensor<1x4x8x8xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>) -> tensor<1x6x4x4xf32>
  %0 = loom.conv %x, %w, %b strides = [2, 2] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 2 : (tensor<1x4x8x8xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>) -> tensor<1x6x4x4xf32>
  // CHECK: loom.max_pool %{{.*}} kernel = [2, 2] strides = [2, 2] padding = [0, 0, 0, 0] : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32>
  %1 = loom.max_pool %x kernel = [2, 2] strides = [2, 2] padding = [0, 0, 0, 0] : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32>
  // CHECK: loom.avg_pool %{{.*}} kernel = [3, 3] strides = [1, 1] padding = [1, 1, 1, 1] count_include_pad : tensor<1x4x8x8xf32> -> tensor<1x4x8x8xf32>
  %2 = loom.avg_pool %x kernel = [3, 3] strides = [1, 1] padding = [1, 1, 1, 1] count_include_pad : tensor<1x4x8x8xf32> -> tensor<1x4x8x8xf32>
  // CHECK: loom.global_avg_pool %{{.*}} : tensor<1x4x8x8xf32> -> tensor<1x4x1x1xf32>
  %3 = loom.global_avg_pool %x : tensor<1x4x8x8xf32> -> tensor<1x4x1x1xf32>
  return
}

// CHECK-LABEL: func @dispatch
func.func @dispatch(%x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: loom.dispatch(%{{.*}}) : (tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: ^bb0(%[[A:.*]]: tensor<4xf32>):
  // CHECK:   loom.yield %{{.*}} : tensor<4xf32>
  %0 = loom.dispatch(%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>):
    %r = loom.relu %a : tensor<4xf32>
    loom.yield %r : tensor<4xf32>
  }
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func @scan
func.func @scan(%h0: tensor<2x3xf32>, %xs: tensor<5x2x4xf32>, %w: tensor<4x3xf32>) -> (tensor<2x3xf32>, tensor<5x2x3xf32>) {
  // CHECK: %{{.*}}:2 = loom.scan init(%{{.*}} : tensor<2x3xf32>) over(%{{.*}} : tensor<5x2x4xf32>) {
  // CHECK: ^bb0(%{{.*}}: tensor<2x3xf32>, %{{.*}}: tensor<2x4xf32>):
  // CHECK:   loom.yield %{{.*}}, %{{.*}} : tensor<2x3xf32>, tensor<2x3xf32>
  // CHECK: } -> tensor<2x3xf32>, tensor<5x2x3xf32>
  %hT, %hs = loom.scan init(%h0 : tensor<2x3xf32>) over(%xs : tensor<5x2x4xf32>) {
  ^bb0(%h: tensor<2x3xf32>, %x: tensor<2x4xf32>):
    %a = loom.matmul %x, %w : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
    %s = loom.add %a, %h : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
    loom.yield %s, %s : tensor<2x3xf32>, tensor<2x3xf32>
  } -> tensor<2x3xf32>, tensor<5x2x3xf32>
  return %hT, %hs : tensor<2x3xf32>, tensor<5x2x3xf32>
}

// CHECK-LABEL: func @float_unary
func.func @float_unary(%x: tensor<3x5xf32>, %h: tensor<4xf16>) {
  // CHECK: loom.floor %{{.*}} : tensor<3x5xf32>
  %0 = loom.floor %x : tensor<3x5xf32>
  // CHECK: loom.ceil %{{.*}} : tensor<3x5xf32>
  %1 = loom.ceil %x : tensor<3x5xf32>
  // CHECK: loom.round %{{.*}} : tensor<4xf16>
  %2 = loom.round %h : tensor<4xf16>
  // CHECK: loom.tan
  %3 = loom.tan %x : tensor<3x5xf32>
  // CHECK: loom.asin
  %4 = loom.asin %x : tensor<3x5xf32>
  // CHECK: loom.acos
  %5 = loom.acos %x : tensor<3x5xf32>
  // CHECK: loom.atan
  %6 = loom.atan %x : tensor<3x5xf32>
  // CHECK: loom.sinh
  %7 = loom.sinh %x : tensor<3x5xf32>
  // CHECK: loom.cosh
  %8 = loom.cosh %x : tensor<3x5xf32>
  // CHECK: loom.asinh
  %9 = loom.asinh %x : tensor<3x5xf32>
  // CHECK: loom.acosh
  %10 = loom.acosh %x : tensor<3x5xf32>
  // CHECK: loom.atanh %{{.*}} : tensor<3x5xf32>
  %11 = loom.atanh %x : tensor<3x5xf32>
  return
}

// Dynamic shapes: a reshape's dynamic sizes as operands, a slice that
// takes a dynamic dimension whole.
// CHECK-LABEL: func @dynamic_shapes
func.func @dynamic_shapes(%x: tensor<?x?x64xf32>, %s: index, %b4: index) {
  // CHECK: loom.reshape %{{.*}}[%{{.*}}, %{{.*}}] : tensor<?x?x64xf32> -> tensor<?x?x16xf32>
  %0 = loom.reshape %x[%s, %b4] : tensor<?x?x64xf32> -> tensor<?x?x16xf32>
  // CHECK: loom.slice %{{.*}} starts = [0, 0, 16] limits = [-9223372036854775808, -9223372036854775808, 32] strides = [1, 1, 1] : tensor<?x?x64xf32> -> tensor<?x?x16xf32>
  %1 = loom.slice %x starts = [0, 0, 16] limits = [-9223372036854775808, -9223372036854775808, 32] strides = [1, 1, 1] : tensor<?x?x64xf32> -> tensor<?x?x16xf32>
  return
}

// CHECK-LABEL: func @iota
func.func @iota(%n: index) {
  // CHECK: loom.iota[%{{.*}}] start = 0 step = 2 : tensor<?xi64>
  %0 = loom.iota[%n] start = 0 step = 2 : tensor<?xi64>
  // CHECK: loom.iota start = -1 step = 1 : tensor<4xf32>
  %1 = loom.iota start = -1 step = 1 : tensor<4xf32>
  return
}
