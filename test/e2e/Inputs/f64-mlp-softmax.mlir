// An f64 model (matmul, bias, tanh, exp, softmax, row sums): f64 is
// compiled for the CPU target only.
func.func @main(%x: tensor<4x8xf64>, %w: tensor<8x16xf64>, %b: tensor<16xf64>) -> (tensor<4x16xf64>, tensor<4xf64>) {
  %m = loom.matmul %x, %w : (tensor<4x8xf64>, tensor<8x16xf64>) -> tensor<4x16xf64>
  %a = loom.add %m, %b : (tensor<4x16xf64>, tensor<16xf64>) -> tensor<4x16xf64>
  %t = loom.tanh %a : tensor<4x16xf64>
  %e = loom.exp %t : tensor<4x16xf64>
  %s = loom.softmax %e axis = -1 : tensor<4x16xf64>
  %r = loom.reduce_sum %e [1] : tensor<4x16xf64> -> tensor<4xf64>
  return %s, %r : tensor<4x16xf64>, tensor<4xf64>
}
