func.func @f(%a: tensor<?x4xf32>) -> tensor<4x?xf32> {
  %t = loom.transpose %a [1, 0] : tensor<?x4xf32> -> tensor<4x?xf32>
  return %t : tensor<4x?xf32>
}
