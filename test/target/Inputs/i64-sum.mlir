// An i64 reduction: needs the SPIR-V capability Int64.
func.func @main(%x: tensor<8x16xi64>) -> tensor<8xi64> {
  %s = loom.reduce_sum %x [1] : tensor<8x16xi64> -> tensor<8xi64>
  return %s : tensor<8xi64>
}
