// Half-precision matmuls (accumulated in f32, rounded once): a batched one
// and a 2-D one with a bias and relu. On CUDA sm_70+ both take the
// tensor-core path (test/target/cuda/tensor-cores.test).
func.func @main(%x: tensor<4x32x64xf16>, %y: tensor<4x64x48xf16>, %a: tensor<64x128xf16>, %b: tensor<128x96xf16>, %bias: tensor<96xf16>) -> (tensor<4x32x48xf16>, tensor<64x96xf16>) {
  %r = loom.matmul %x, %y : (tensor<4x32x64xf16>, tensor<4x64x48xf16>) -> tensor<4x32x48xf16>
  %m = loom.matmul %a, %b : (tensor<64x128xf16>, tensor<128x96xf16>) -> tensor<64x96xf16>
  %s = loom.add %m, %bias : (tensor<64x96xf16>, tensor<96xf16>) -> tensor<64x96xf16>
  %t = loom.relu %s : tensor<64x96xf16>
  return %r, %t : tensor<4x32x48xf16>, tensor<64x96xf16>
}
