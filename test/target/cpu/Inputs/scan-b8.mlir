// An Elman RNN over 8 batch rows, 5 steps (test/target/cpu/reproducible.test).
func.func @main(%h0: tensor<8x16xf32>, %xs: tensor<5x8x16xf32>, %u: tensor<16x16xf32>) -> tensor<8x16xf32> {
  %hT, %hs = loom.scan init(%h0 : tensor<8x16xf32>) over(%xs : tensor<5x8x16xf32>) {
  ^bb0(%h: tensor<8x16xf32>, %x: tensor<8x16xf32>):
    %a = loom.matmul %h, %u : (tensor<8x16xf32>, tensor<16x16xf32>) -> tensor<8x16xf32>
    %s = loom.add %a, %x : (tensor<8x16xf32>, tensor<8x16xf32>) -> tensor<8x16xf32>
    %t = loom.tanh %s : tensor<8x16xf32>
    loom.yield %t, %t : tensor<8x16xf32>, tensor<8x16xf32>
  } -> tensor<8x16xf32>, tensor<5x8x16xf32>
  return %hT : tensor<8x16xf32>
}
