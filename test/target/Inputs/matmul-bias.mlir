// A linear layer (matmul + bias) and a relu: two kernels, the first staging
// its operand tiles in shared memory.
func.func @main(%x: tensor<64x256xf32>, %w: tensor<256x128xf32>, %b: tensor<128xf32>) -> tensor<64x128xf32> {
  %m = loom.matmul %x, %w : (tensor<64x256xf32>, tensor<256x128xf32>) -> tensor<64x128xf32>
  %y = loom.add %m, %b : (tensor<64x128xf32>, tensor<128xf32>) -> tensor<64x128xf32>
  %r = loom.relu %y : tensor<64x128xf32>
  return %r : tensor<64x128xf32>
}
