// RUN: loom-opt %s --split-input-file --loom-contract-order="slice-loops=1" -verify-diagnostics | FileCheck %s

// A tree given with the op (loom.path, loom.sliced) is used as it is: the
// path (0,2) then (0,1) contracts %a with %c first, against the path
// finder's choice; `d` is sliced though there is no memory limit.
// CHECK-LABEL: func.func private @given_slice(
// CHECK: loom.contract "ab,cd->{{.*}}" %arg0, %arg2
// CHECK-LABEL: func.func @given(
// CHECK: loom.slice_loop @given_slice({{.*}}) {{.*}} extents = [8]
func.func @given(%a: tensor<8x64xf32>, %b: tensor<64x64xf32>, %c: tensor<64x8xf32>) -> tensor<8x8xf32> {
  %0 = loom.contract "ab,bc,cd->ad" %a, %b, %c {loom.path = array<i64: 0, 2, 0, 1>, loom.sliced = ["d"]} : (tensor<8x64xf32>, tensor<64x64xf32>, tensor<64x8xf32>) -> tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @odd(%a: tensor<8x64xf32>, %b: tensor<64x64xf32>, %c: tensor<64x8xf32>) -> tensor<8x8xf32> {
  // expected-error @+1 {{'loom.path' must list pairs of positions (it has 3 entries)}}
  %0 = loom.contract "ab,bc,cd->ad" %a, %b, %c {loom.path = array<i64: 0, 2, 0>} : (tensor<8x64xf32>, tensor<64x64xf32>, tensor<64x8xf32>) -> tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @not_a_path(%a: tensor<8x64xf32>, %b: tensor<64x64xf32>, %c: tensor<64x8xf32>) -> tensor<8x8xf32> {
  // expected-error @+1 {{'loom.path' is not a contraction path of its 3 operands:}}
  %0 = loom.contract "ab,bc,cd->ad" %a, %b, %c {loom.path = array<i64: 0, 7, 0, 1>} : (tensor<8x64xf32>, tensor<64x64xf32>, tensor<64x8xf32>) -> tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @unknown_label(%a: tensor<8x64xf32>, %b: tensor<64x64xf32>, %c: tensor<64x8xf32>) -> tensor<8x8xf32> {
  // expected-error @+1 {{'loom.sliced' names "z", which is not an index of ab,bc,cd->ad}}
  %0 = loom.contract "ab,bc,cd->ad" %a, %b, %c {loom.path = array<i64: 0, 1, 0, 1>, loom.sliced = ["z"]} : (tensor<8x64xf32>, tensor<64x64xf32>, tensor<64x8xf32>) -> tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @sliced_without_path(%a: tensor<8x64xf32>, %b: tensor<64x64xf32>, %c: tensor<64x8xf32>) -> tensor<8x8xf32> {
  // expected-error @+1 {{'loom.sliced' needs 'loom.path'}}
  %0 = loom.contract "ab,bc,cd->ad" %a, %b, %c {loom.sliced = ["a"]} : (tensor<8x64xf32>, tensor<64x64xf32>, tensor<64x8xf32>) -> tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}
