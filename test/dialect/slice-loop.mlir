// RUN: loom-opt %s --split-input-file | loom-opt --split-input-file | FileCheck %s

// A slice loop round-trips.
// CHECK-LABEL: func.func @loop
// CHECK: loom.slice_loop @body(%arg0, %arg1) accumulate @acc reduce @acc extents = [4] input_strides = [8, 0] output_strides = [0] : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<f32>
func.func private @body(%a: tensor<1x8xf32>, %b: tensor<8xf32>) -> tensor<f32> {
  %r = loom.contract "ab,b->" %a, %b : (tensor<1x8xf32>, tensor<8xf32>) -> tensor<f32>
  return %r : tensor<f32>
}
func.func private @acc(%a: tensor<f32>, %b: tensor<f32>) -> tensor<f32> {
  %r = loom.add %a, %b : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %r : tensor<f32>
}
func.func @loop(%a: tensor<4x8xf32>, %b: tensor<8xf32>) -> tensor<f32> {
  %r = loom.slice_loop @body(%a, %b) accumulate @acc reduce @acc extents = [4] input_strides = [8, 0] output_strides = [0] : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<f32>
  return %r : tensor<f32>
}
