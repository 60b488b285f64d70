func.func @concat_dynamic_axis(%a: tensor<?x4xf32>) {
  // expected-error @+1 {{'loom.concat' op concatenates along dynamic dimension 0 of ?x4; only static dimensions can be joined}}
  %0 = loom.concat %a, %a axis = 0 : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return
}
