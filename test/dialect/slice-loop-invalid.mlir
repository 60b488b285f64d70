// Verifier errors of loom.slice_loop, with their messages.
// RUN: loom-opt %s -split-input-file -verify-diagnostics

func.func private @body(%a: tensor<1x8xf32>, %b: tensor<8xf32>) -> tensor<f32>
func.func private @acc(%a: tensor<f32>, %b: tensor<f32>) -> tensor<f32>
func.func @no_extents(%a: tensor<4x8xf32>, %b: tensor<8xf32>) -> tensor<f32> {
  // expected-error @+1 {{'loom.slice_loop' op needs at least one sliced index (extents = [])}}
  %r = loom.slice_loop @body(%a, %b) accumulate @acc reduce @acc extents = [] input_strides = [] output_strides = [] : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<f32>
  return %r : tensor<f32>
}

// -----

func.func private @body(%a: tensor<1x8xf32>, %b: tensor<8xf32>) -> tensor<f32>
func.func private @acc(%a: tensor<f32>, %b: tensor<f32>) -> tensor<f32>
func.func @strides(%a: tensor<4x8xf32>, %b: tensor<8xf32>) -> tensor<f32> {
  // expected-error @+1 {{'loom.slice_loop' op has 1 input strides; expected 2 inputs x 1 sliced indices}}
  %r = loom.slice_loop @body(%a, %b) accumulate @acc reduce @acc extents = [4] input_strides = [8] output_strides = [0] : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<f32>
  return %r : tensor<f32>
}

// -----

func.func private @acc(%a: tensor<f32>, %b: tensor<f32>) -> tensor<f32>
func.func @missing(%a: tensor<4x8xf32>, %b: tensor<8xf32>) -> tensor<f32> {
  // expected-error @+1 {{'loom.slice_loop' op body function @body does not exist}}
  %r = loom.slice_loop @body(%a, %b) accumulate @acc reduce @acc extents = [4] input_strides = [8, 0] output_strides = [0] : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<f32>
  return %r : tensor<f32>
}

// -----

func.func private @body(%a: tensor<1x8xf32>, %b: tensor<8xf32>) -> tensor<f32>
func.func private @acc(%a: tensor<f32>, %b: tensor<f32>) -> tensor<f32>
func.func @overrun(%a: tensor<4x8xf32>, %b: tensor<8xf32>) -> tensor<f32> {
  // expected-error @+1 {{'loom.slice_loop' op input 0 ('tensor<4x8xf32>') is smaller than its last slice ('tensor<1x8xf32>' with strides [9])}}
  %r = loom.slice_loop @body(%a, %b) accumulate @acc reduce @acc extents = [4] input_strides = [9, 0] output_strides = [0] : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<f32>
  return %r : tensor<f32>
}

// -----

func.func private @body(%a: tensor<1x8xf32>, %b: tensor<8xf32>) -> tensor<f32>
func.func private @acc(%a: tensor<f32>, %b: tensor<f32>) -> tensor<f32>
func.func private @bad_acc(%a: tensor<f32>) -> tensor<f32>
func.func @accumulate(%a: tensor<4x8xf32>, %b: tensor<8xf32>) -> tensor<f32> {
  // expected-error @+1 {{'loom.slice_loop' op accumulate @bad_acc has type '(tensor<f32>) -> tensor<f32>'; expected ('tensor<f32>', 'tensor<f32>') -> 'tensor<f32>'}}
  %r = loom.slice_loop @body(%a, %b) accumulate @bad_acc reduce @acc extents = [4] input_strides = [8, 0] output_strides = [0] : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<f32>
  return %r : tensor<f32>
}
