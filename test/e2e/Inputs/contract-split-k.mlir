func.func @main(%a: tensor<4x4194304xf32>, %b: tensor<4194304x4xf32>) -> tensor<4x4xf32> {
  %0 = loom.contract "ak,kb->ab" %a, %b : (tensor<4x4194304xf32>, tensor<4194304x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}
