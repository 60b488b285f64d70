// f32 -> bf16 -> f32 round trip, and a bf16 result: the conversions the
// ONNX Cast to BFLOAT16 needs, on a CPU without AVX512-BF16.
func.func @main(%x: tensor<8xf32>) -> (tensor<8xf32>, tensor<8xbf16>) {
  %b = loom.cast %x : tensor<8xf32> to tensor<8xbf16>
  %y = loom.cast %b : tensor<8xbf16> to tensor<8xf32>
  return %y, %b : tensor<8xf32>, tensor<8xbf16>
}
