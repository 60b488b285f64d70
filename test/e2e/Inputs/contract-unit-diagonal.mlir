// A diagonal over a unit dimension ("fbf": f repeated around a size-1 b),
// the case where the strided-input rewrite of a register tile would leave a
// loop in no indexing map: it must compile (scalar loops) and be right.
func.func @main(%h: tensor<3xf32>, %hi: tensor<3x4xf32>, %fbf: tensor<3x1x3xf32>) -> tensor<4xf32> {
  %r = loom.contract "h,hi,fbf->i" %h, %hi, %fbf : (tensor<3xf32>, tensor<3x4xf32>, tensor<3x1x3xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}
