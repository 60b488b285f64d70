// Round trip of convolution and pooling over 1 to 3 spatial dimensions.
// RUN: loom-opt %s | loom-opt | FileCheck %s


// CHECK-LABEL: func @conv3d
func.func @conv3d(%x: tensor<1x4x6x6x6xf32>, %w: tensor<6x2x3x3x3xf32>, %b: tensor<6xf32>) -> (tensor<1x6x3x3x3xf32>, tensor<1x6x4x4x4xf32>) {
  // CHECK: loom.conv %{{.*}}, %{{.*}}, %{{.*}} strides = [2, 2, 2] padding = [1, 1, 1, 0, 0, 0] dilations = [1, 1, 1] groups = 2 : (tensor<1x4x6x6x6xf32>, tensor<6x2x3x3x3xf32>, tensor<6xf32>) -> tensor<1x6x3x3x3xf32>
  %0 = loom.conv %x, %w, %b strides = [2, 2, 2] padding = [1, 1, 1, 0, 0, 0] dilations = [1, 1, 1] groups = 2 : (tensor<1x4x6x6x6xf32>, tensor<6x2x3x3x3xf32>, tensor<6xf32>) -> tensor<1x6x3x3x3xf32>
  // CHECK: loom.conv %{{.*}}, %{{.*}} strides = [1, 1, 1] padding = [0, 0, 0, 0, 0, 0] dilations = [1, 1, 1] groups = 2 : (tensor<1x4x6x6x6xf32>, tensor<6x2x3x3x3xf32>) -> tensor<1x6x4x4x4xf32>
  %1 = loom.conv %x, %w strides = [1, 1, 1] padding = [0, 0, 0, 0, 0, 0] dilations = [1, 1, 1] groups = 2 : (tensor<1x4x6x6x6xf32>, tensor<6x2x3x3x3xf32>) -> tensor<1x6x4x4x4xf32>
  return %0, %1 : tensor<1x6x3x3x3xf32>, tensor<1x6x4x4x4xf32>
}

// CHECK-LABEL: func @pools
func.func @pools(%x1: tensor<1x2x16xf32>, %x3: tensor<1x1x4x4x4xbf16>) -> (tensor<1x2x7xf32>, tensor<1x1x4x4x4xbf16>) {
  // CHECK: loom.max_pool %{{.*}} kernel = [3] strides = [2] dilations = [2] padding = [1, 1] : tensor<1x2x16xf32> -> tensor<1x2x7xf32>
  %0 = loom.max_pool %x1 kernel = [3] strides = [2] dilations = [2] padding = [1, 1] : tensor<1x2x16xf32> -> tensor<1x2x7xf32>
  // CHECK: loom.avg_pool %{{.*}} kernel = [2, 2, 2] strides = [1, 1, 1] padding = [0, 0, 0, 1, 1, 1] count_include_pad : tensor<1x1x4x4x4xbf16> -> tensor<1x1x4x4x4xbf16>
  %1 = loom.avg_pool %x3 kernel = [2, 2, 2] strides = [1, 1, 1] padding = [0, 0, 0, 1, 1, 1] count_include_pad : tensor<1x1x4x4x4xbf16> -> tensor<1x1x4x4x4xbf16>
  // CHECK: loom.avg_pool %{{.*}} kernel = [2, 2, 2] strides = [1, 1, 1] padding = [0, 0, 0, 1, 1, 1] : tensor<1x1x4x4x4xbf16>
  %2 = loom.avg_pool %x3 kernel = [2, 2, 2] strides = [1, 1, 1] padding = [0, 0, 0, 1, 1, 1] : tensor<1x1x4x4x4xbf16> -> tensor<1x1x4x4x4xbf16>
  return %0, %1 : tensor<1x2x7xf32>, tensor<1x1x4x4x4xbf16>
}
