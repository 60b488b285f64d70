// RUN: loom-opt %s --loom-tt-compress=tol=0.01 -split-input-file 2>/dev/null | FileCheck %s
// RUN: loom-opt %s --loom-tt-compress=tol=0.01 -split-input-file -mlir-print-op-on-diagnostic=false 2>&1 >/dev/null | FileCheck %s --check-prefix=REMARK
// RUN: loom-opt %s --loom-tt-compress="rank=1 cores=2" -split-input-file 2>&1 | FileCheck %s --check-prefix=TWO
// RUN: not loom-opt %s --loom-tt-compress -split-input-file 2>&1 | FileCheck %s --check-prefix=NONE

// A rank-1 weight (a splat) as a train of 4 cores of rank 1: the input is
// reshaped to the in-modes, contracted with the cores, reshaped back, and
// the bias added.
// REMARK: tt-compress.mlir:[[@LINE+12]]:8: remark: tt-compress: weight 64x64 as modes [2,2,4,4] x [2,2,4,4], ranks [1,1,1]: 4096 -> 40 parameters (102.4x fewer), relative Frobenius error {{[0-9.]+}}E-{{1[0-9]}}
// CHECK-LABEL: func @linear
// CHECK: %[[X:.*]] = loom.reshape %arg0 : tensor<8x64xf32> -> tensor<8x2x2x4x4xf32>
// CHECK: %[[Y:.*]] = loom.contract "{b0}{i0}{i1}{i2}{i3},{o0}{i0}{r1},{r1}{o1}{i1}{r2},{r2}{o2}{i2}{r3},{r3}{o3}{i3}->{b0}{o0}{o1}{o2}{o3}" %[[X]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : (tensor<8x2x2x4x4xf32>, tensor<2x2x1xf32>, tensor<1x2x2x1xf32>, tensor<1x4x4x1xf32>, tensor<1x4x4xf32>) -> tensor<8x2x2x4x4xf32>
// CHECK: %[[R:.*]] = loom.reshape %[[Y]] : tensor<8x2x2x4x4xf32> -> tensor<8x64xf32>
// CHECK: %[[B:.*]] = loom.add %[[R]], %arg1
// CHECK: return %[[B]]
// TWO: remark: tt-compress: weight 64x64 as modes [8,8] x [8,8], ranks [1]: 4096 -> 128 parameters (32.0x fewer)
// TWO: loom.contract "{b0}{i0}{i1},{o0}{i0}{r1},{r1}{o1}{i1}->{b0}{o0}{o1}"
// NONE: error: --loom-tt-compress needs rank=R (> 0) and/or tol=EPS (> 0)
func.func @linear(%x: tensor<8x64xf32>, %b: tensor<64xf32>) -> tensor<8x64xf32> {
  %w = loom.constant dense<0.5> : tensor<64x64xf32>
  %y = loom.linear %x, %w, %b : (tensor<8x64xf32>, tensor<64x64xf32>, tensor<64xf32>) -> tensor<8x64xf32>
  return %y : tensor<8x64xf32>
}

// -----

// A matmul by a constant [K, N] is a layer with weight [N, K]; batch
// dimensions stay.
// REMARK: remark: tt-compress: weight 128x64 as modes [2,4,4,4] x [2,2,4,4], ranks [1,1,1]: 8192 -> 44 parameters
// CHECK-LABEL: func @matmul
// CHECK: loom.contract "{b0}{b1}{i0}{i1}{i2}{i3},{o0}{i0}{r1},{r1}{o1}{i1}{r2},{r2}{o2}{i2}{r3},{r3}{o3}{i3}->{b0}{b1}{o0}{o1}{o2}{o3}"
// CHECK-NOT: loom.matmul
func.func @matmul(%x: tensor<2x3x64xf32>) -> tensor<2x3x128xf32> {
  %w = loom.constant dense<1.0> : tensor<64x128xf32>
  %y = loom.matmul %x, %w : (tensor<2x3x64xf32>, tensor<64x128xf32>) -> tensor<2x3x128xf32>
  return %y : tensor<2x3x128xf32>
}

// -----

// Dimensions that do not factor stay dense (with a remark); so do weights
// below min-elements and weights that are not constants.
// REMARK: remark: tt-compress: weight 67x67 kept dense (its dimensions do not factor into 2 modes)
// REMARK-NOT: remark
// CHECK-LABEL: func @kept
// CHECK: loom.linear %arg0, %{{.*}} :
// CHECK: loom.linear %arg0, %{{.*}} :
// CHECK: loom.linear %arg0, %arg1 :
func.func @kept(%x: tensor<8x67xf32>, %v: tensor<67x67xf32>) -> (tensor<8x67xf32>, tensor<8x67xf32>, tensor<8x67xf32>) {
  %w = loom.constant dense<1.0> : tensor<67x67xf32>
  %a = loom.linear %x, %w : (tensor<8x67xf32>, tensor<67x67xf32>) -> tensor<8x67xf32>
  %s = loom.constant dense<1.0> : tensor<3x67xf32>
  %t = loom.constant dense<1.0> : tensor<67x3xf32>
  %st = loom.matmul %t, %s : (tensor<67x3xf32>, tensor<3x67xf32>) -> tensor<67x67xf32>
  %b = loom.linear %x, %st : (tensor<8x67xf32>, tensor<67x67xf32>) -> tensor<8x67xf32>
  %c = loom.linear %x, %v : (tensor<8x67xf32>, tensor<67x67xf32>) -> tensor<8x67xf32>
  return %a, %b, %c : tensor<8x67xf32>, tensor<8x67xf32>, tensor<8x67xf32>
}
