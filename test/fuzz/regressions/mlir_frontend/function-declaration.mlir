// A function declaration (no body) through the front-end pipeline:
// --loom-fuse read the first block of its empty body (heap overflow).
func.func private @ext(%a: tensor<4xf32>) -> tensor<4xf32>
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = loom.relu %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}
