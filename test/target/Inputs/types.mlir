// Element types beyond f32 for the GPU targets: f16 and bf16 (computed in
// f32), i64, and i1 results (one byte per element).
func.func @main(%h: tensor<4x32xf16>, %b: tensor<4x32xbf16>, %i: tensor<4x32xi64>) -> (tensor<4x32xf16>, tensor<4x32xbf16>, tensor<4x32xi64>, tensor<4x32xi1>) {
  %h2 = loom.mul %h, %h : (tensor<4x32xf16>, tensor<4x32xf16>) -> tensor<4x32xf16>
  %b2 = loom.add %b, %b : (tensor<4x32xbf16>, tensor<4x32xbf16>) -> tensor<4x32xbf16>
  %i2 = loom.add %i, %i : (tensor<4x32xi64>, tensor<4x32xi64>) -> tensor<4x32xi64>
  %z = loom.constant dense<0.0> : tensor<bf16>
  %p = loom.compare gt, %b, %z : (tensor<4x32xbf16>, tensor<bf16>) -> tensor<4x32xi1>
  return %h2, %b2, %i2, %p : tensor<4x32xf16>, tensor<4x32xbf16>, tensor<4x32xi64>, tensor<4x32xi1>
}
