// An Elman RNN as loom.scan: h_t = tanh(x_t W + h_(t-1) U), 5 steps.
func.func @main(%h0: tensor<2x3xf32>, %xs: tensor<5x2x4xf32>, %w: tensor<4x3xf32>, %u: tensor<3x3xf32>) -> (tensor<2x3xf32>, tensor<5x2x3xf32>) {
  %hT, %hs = loom.scan init(%h0 : tensor<2x3xf32>) over(%xs : tensor<5x2x4xf32>) {
  ^bb0(%h: tensor<2x3xf32>, %x: tensor<2x4xf32>):
    %a = loom.matmul %x, %w : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
    %b = loom.matmul %h, %u : (tensor<2x3xf32>, tensor<3x3xf32>) -> tensor<2x3xf32>
    %s = loom.add %a, %b : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
    %hn = loom.tanh %s : tensor<2x3xf32>
    loom.yield %hn, %hn : tensor<2x3xf32>, tensor<2x3xf32>
  } -> tensor<2x3xf32>, tensor<5x2x3xf32>
  return %hT, %hs : tensor<2x3xf32>, tensor<5x2x3xf32>
}
