// A shared-memory matmul with a fused relu, and a long row sum (tree
// reduction): the inputs of the GPU code-generation tests.
func.func @main(%x: tensor<64x128xf32>, %w: tensor<128x256xf32>, %v: tensor<4x4096xf32>) -> (tensor<64x256xf32>, tensor<4xf32>) {
  %0 = loom.matmul %x, %w : (tensor<64x128xf32>, tensor<128x256xf32>) -> tensor<64x256xf32>
  %1 = loom.relu %0 : tensor<64x256xf32>
  %2 = loom.reduce_sum %v [1] : tensor<4x4096xf32> -> tensor<4xf32>
  return %1, %2 : tensor<64x256xf32>, tensor<4xf32>
}
