// The compiled fuzz seed small_model.loom (6.8 KB: constants, an arena, five
// dispatches), built portably for any x86-64 CPU:
//   loom-compile small_model.mlir --cpu=x86-64 -o small_model.loom
func.func @main(%x: tensor<2x3xf32>) -> (tensor<2x4xf32>, tensor<2x2xf32>) {
  %w = loom.constant dense<[[1.0, 2.0, 3.0, 4.0], [0.5, 0.25, 0.0, -1.0], [1.0, 1.0, 1.0, 1.0]]> : tensor<3x4xf32>
  %v = loom.constant dense<[[1.0, 2.0], [0.5, 0.25], [1.0, 1.0], [-1.0, 3.0]]> : tensor<4x2xf32>
  %0 = loom.matmul %x, %w : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %1 = loom.softmax %0 axis = 1 : tensor<2x4xf32>
  %2 = loom.matmul %1, %v : (tensor<2x4xf32>, tensor<4x2xf32>) -> tensor<2x2xf32>
  %3 = loom.reduce_sum %2 [1] : tensor<2x2xf32> -> tensor<2xf32>
  %4 = loom.mul %2, %3 : (tensor<2x2xf32>, tensor<2xf32>) -> tensor<2x2xf32>
  return %0, %4 : tensor<2x4xf32>, tensor<2x2xf32>
}
