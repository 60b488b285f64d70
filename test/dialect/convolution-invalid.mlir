// Every verifier error of convolution and pooling (1 to 3 spatial
// dimensions), with its message.
// RUN: loom-opt %s -split-input-file -verify-diagnostics


func.func @conv_weight_rank_3d(%x: tensor<1x2x4x4xf32>, %w: tensor<3x2x1x1x1xf32>) {
  // expected-error @+1 {{'loom.conv' op weight must be F x C/groups x kernel (rank 4, like the input), got 3x2x1x1x1}}
  %0 = loom.conv %x, %w strides = [1, 1, 1] padding = [0, 0, 0, 0, 0, 0] dilations = [1, 1, 1] groups = 1 : (tensor<1x2x4x4xf32>, tensor<3x2x1x1x1xf32>) -> tensor<1x3x4x4x4xf32>
  return
}

// -----

func.func @conv3d_weight_rank(%x: tensor<1x2x4x4x4xf32>, %w: tensor<3x2x1x1xf32>) {
  // expected-error @+1 {{'loom.conv' op weight must be F x C/groups x kernel (rank 5, like the input), got 3x2x1x1}}
  %0 = loom.conv %x, %w strides = [1, 1, 1] padding = [0, 0, 0, 0, 0, 0] dilations = [1, 1, 1] groups = 1 : (tensor<1x2x4x4x4xf32>, tensor<3x2x1x1xf32>) -> tensor<1x3x4x4x4xf32>
  return
}

// -----

func.func @conv3d_groups(%x: tensor<1x4x4x4x4xf32>, %w: tensor<3x2x1x1x1xf32>) {
  // expected-error @+1 {{'loom.conv' op groups = 2 must divide the input channels (4) and the output channels (3)}}
  %0 = loom.conv %x, %w strides = [1, 1, 1] padding = [0, 0, 0, 0, 0, 0] dilations = [1, 1, 1] groups = 2 : (tensor<1x4x4x4x4xf32>, tensor<3x2x1x1x1xf32>) -> tensor<1x3x4x4x4xf32>
  return
}

// -----

func.func @conv3d_channels(%x: tensor<1x4x5x5x5xf32>, %w: tensor<2x3x3x3x3xf32>) {
  // expected-error @+1 {{'loom.conv' op channel mismatch: input is 1x4x5x5x5 with groups = 1, weight is 2x3x3x3x3}}
  %0 = loom.conv %x, %w strides = [1, 1, 1] padding = [0, 0, 0, 0, 0, 0] dilations = [1, 1, 1] groups = 1 : (tensor<1x4x5x5x5xf32>, tensor<2x3x3x3x3xf32>) -> tensor<1x2x3x3x3xf32>
  return
}

// -----

func.func @conv3d_bias(%x: tensor<1x2x4x4x4xf32>, %w: tensor<3x2x1x1x1xf32>, %b: tensor<2xf32>) {
  // expected-error @+1 {{'loom.conv' op bias must have shape 3, got 2}}
  %0 = loom.conv %x, %w, %b strides = [1, 1, 1] padding = [0, 0, 0, 0, 0, 0] dilations = [1, 1, 1] groups = 1 : (tensor<1x2x4x4x4xf32>, tensor<3x2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x3x4x4x4xf32>
  return
}

// -----

func.func @conv3d_types(%x: tensor<1x2x4x4x4xf32>, %w: tensor<3x2x1x1x1xf16>) {
  // expected-error @+1 {{'loom.conv' op element types differ: input is f32, weight is f16}}
  %0 = loom.conv %x, %w strides = [1, 1, 1] padding = [0, 0, 0, 0, 0, 0] dilations = [1, 1, 1] groups = 1 : (tensor<1x2x4x4x4xf32>, tensor<3x2x1x1x1xf16>) -> tensor<1x3x4x4x4xf32>
  return
}

// -----

func.func @conv3d_strides(%x: tensor<1x2x4x4x4xf32>, %w: tensor<3x2x1x1x1xf32>) {
  // expected-error @+1 {{'loom.conv' op expects 3 values in `strides`, got [1, 1]}}
  %0 = loom.conv %x, %w strides = [1, 1] padding = [0, 0, 0, 0, 0, 0] dilations = [1, 1, 1] groups = 1 : (tensor<1x2x4x4x4xf32>, tensor<3x2x1x1x1xf32>) -> tensor<1x3x4x4x4xf32>
  return
}

// -----

func.func @conv3d_fit(%x: tensor<1x2x4x4x4xf32>, %w: tensor<3x2x5x1x1xf32>) {
  // expected-error @+1 {{'loom.conv' op kernel [5, 1, 1] with dilations [1, 1, 1] does not fit the input 1x2x4x4x4 padded by [0, 0, 0, 0, 0, 0]}}
  %0 = loom.conv %x, %w strides = [1, 1, 1] padding = [0, 0, 0, 0, 0, 0] dilations = [1, 1, 1] groups = 1 : (tensor<1x2x4x4x4xf32>, tensor<3x2x5x1x1xf32>) -> tensor<1x3x4x4x4xf32>
  return
}

// -----

func.func @conv3d_result(%x: tensor<1x2x4x4x4xf32>, %w: tensor<3x2x1x1x1xf32>) {
  // expected-error @+1 {{'loom.conv' op result type is 1x3x4x4x3xf32 but the convolution is 1x3x4x4x4xf32}}
  %0 = loom.conv %x, %w strides = [1, 1, 1] padding = [0, 0, 0, 0, 0, 0] dilations = [1, 1, 1] groups = 1 : (tensor<1x2x4x4x4xf32>, tensor<3x2x1x1x1xf32>) -> tensor<1x3x4x4x3xf32>
  return
}

// -----

func.func @max_pool_rank(%x: tensor<1x2x16xf32>) {
  // expected-error @+1 {{'loom.max_pool' op kernel [3, 3] has 2 values for the 1 spatial dimensions of 1x2x16}}
  %0 = loom.max_pool %x kernel = [3, 3] strides = [1, 1] dilations = [1, 1] padding = [0, 0, 0, 0] : tensor<1x2x16xf32> -> tensor<1x2x14xf32>
  return
}

// -----

func.func @max_pool_4d(%x: tensor<1x1x2x2x2x2xf32>) {
  // expected-error @+1 {{'loom.max_pool' op input must be N x C x 1 to 3 spatial dimensions (rank 3 to 5), got 1x1x2x2x2x2}}
  %0 = loom.max_pool %x kernel = [1, 1, 1, 1] strides = [1, 1, 1, 1] dilations = [1, 1, 1, 1] padding = [0, 0, 0, 0, 0, 0, 0, 0] : tensor<1x1x2x2x2x2xf32> -> tensor<1x1x2x2x2x2xf32>
  return
}

// -----

func.func @max_pool_padding(%x: tensor<1x2x16xf32>) {
  // expected-error @+1 {{'loom.max_pool' op expects 2 values in `padding`, got [1]}}
  %0 = loom.max_pool %x kernel = [3] strides = [1] dilations = [1] padding = [1] : tensor<1x2x16xf32> -> tensor<1x2x14xf32>
  return
}

// -----

func.func @max_pool_stride(%x: tensor<1x2x16xf32>) {
  // expected-error @+1 {{'loom.max_pool' op `strides` values must be >= 1, got [0]}}
  %0 = loom.max_pool %x kernel = [3] strides = [0] dilations = [1] padding = [0, 0] : tensor<1x2x16xf32> -> tensor<1x2x14xf32>
  return
}

// -----

func.func @max_pool_negative_padding(%x: tensor<1x2x16xf32>) {
  // expected-error @+1 {{'loom.max_pool' op `padding` values must be >= 0, got [-1, 0]}}
  %0 = loom.max_pool %x kernel = [3] strides = [1] dilations = [1] padding = [-1, 0] : tensor<1x2x16xf32> -> tensor<1x2x14xf32>
  return
}

// -----

func.func @max_pool_fit(%x: tensor<1x2x4xf32>) {
  // expected-error @+1 {{'loom.max_pool' op kernel [3] with dilations [2] does not fit the input 1x2x4 padded by [0, 0]}}
  %0 = loom.max_pool %x kernel = [3] strides = [1] dilations = [2] padding = [0, 0] : tensor<1x2x4xf32> -> tensor<1x2x1xf32>
  return
}

// -----

func.func @max_pool_result(%x: tensor<1x2x16xf32>) {
  // expected-error @+1 {{'loom.max_pool' op result type is 1x2x8xf32 but the pooled input is 1x2x7xf32}}
  %0 = loom.max_pool %x kernel = [3] strides = [2] dilations = [2] padding = [1, 1] : tensor<1x2x16xf32> -> tensor<1x2x8xf32>
  return
}

// -----

func.func @avg_pool_result(%x: tensor<1x1x4x4x4xf32>) {
  // expected-error @+1 {{'loom.avg_pool' op result type is 1x1x4x4x4xf16 but the pooled input is 1x1x3x3x3xf32}}
  %0 = loom.avg_pool %x kernel = [2, 2, 2] strides = [1, 1, 1] padding = [0, 0, 0, 0, 0, 0] : tensor<1x1x4x4x4xf32> -> tensor<1x1x4x4x4xf16>
  return
}

// -----

func.func @max_pool_dynamic_spatial(%x: tensor<?x4x?x8xf32>) {
  // expected-error @+1 {{'loom.max_pool' op takes a dynamic batch (dimension 0) only, but the input is ?x4x?x8}}
  %0 = loom.max_pool %x kernel = [2, 2] strides = [2, 2] padding = [0, 0, 0, 0] : tensor<?x4x?x8xf32> -> tensor<?x4x?x4xf32>
  return
}
