// A function declared without a body (external): refused with its location.
func.func private @ext(%a: tensor<4xf32>) -> tensor<4xf32>
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = loom.relu %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}
