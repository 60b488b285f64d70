func.func @main(%x: tensor<6x4xf32>, %t: tensor<f32>) -> (tensor<3x4xf32>, tensor<6x4xi1>) {
  %0 = loom.slice %x starts = [0, 0] limits = [3, 4] strides = [1, 1] : tensor<6x4xf32> -> tensor<3x4xf32>
  %1 = loom.compare lt, %x, %t : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xi1>
  return %0, %1 : tensor<3x4xf32>, tensor<6x4xi1>
}
