// A matmul no register tile divides: 77 rows, 133 deep, 49 columns.
func.func @main(%a: tensor<77x133xf32>, %b: tensor<133x49xf32>) -> tensor<77x49xf32> {
  %0 = loom.matmul %a, %b : (tensor<77x133xf32>, tensor<133x49xf32>) -> tensor<77x49xf32>
  return %0 : tensor<77x49xf32>
}
