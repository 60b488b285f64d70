// segment_sum (scatter-add) followed by an elementwise op.
func.func @main(%x: tensor<6x4xf32>, %ids: tensor<6xi64>) -> tensor<3x4xf32> {
  %0 = loom.segment_sum %x, %ids num_segments = 3 : (tensor<6x4xf32>, tensor<6xi64>) -> tensor<3x4xf32>
  %1 = loom.relu %0 : tensor<3x4xf32>
  return %1 : tensor<3x4xf32>
}
