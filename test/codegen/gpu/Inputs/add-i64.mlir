// An i64 kernel: SPIR-V needs the Int64 capability for it.
func.func @main(%x: tensor<256xi64>) -> tensor<256xi64> {
  %0 = loom.add %x, %x : (tensor<256xi64>, tensor<256xi64>) -> tensor<256xi64>
  return %0 : tensor<256xi64>
}
