func.func @f(%a: tensor<?x4xf32>) -> tensor<2x3xf32> {
  %t = loom.slice %a starts = [0, 1] limits = [2, 4] strides = [1, 1] : tensor<?x4xf32> -> tensor<2x3xf32>
  return %t : tensor<2x3xf32>
}
