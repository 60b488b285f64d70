func.func @main(%a: tensor<4x2xf32>, %b: tensor<4x2xf32>, %c: tensor<4x2x2xf32>) -> tensor<4x4xf32> {
  %0 = loom.contract "zp,zq->zpq" %a, %b : (tensor<4x2xf32>, tensor<4x2xf32>) -> tensor<4x2x2xf32>
  %1 = loom.contract "zpq,apq->za" %0, %c : (tensor<4x2x2xf32>, tensor<4x2x2xf32>) -> tensor<4x4xf32>
  return %1 : tensor<4x4xf32>
}
