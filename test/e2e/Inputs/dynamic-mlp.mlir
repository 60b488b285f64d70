// A hand-written model with dynamic dimensions: `batch` shared by x and
// bias rows, an unnamed dynamic dimension of its own for y's rows.
func.func @main(%x: tensor<?x8xf32> {loom.name = "x", loom.dim_names = ["batch", ""]},
                %r: tensor<?x4xf32> {loom.name = "r", loom.dim_names = ["batch", ""]},
                %y: tensor<?x4xf32> {loom.name = "y"})
    -> (tensor<?x4xf32>, tensor<?x4xf32>) {
  %w = loom.constant dense<[[0.5, -0.25, 0.125, 1.0, 0.0, -1.0, 0.75, 0.5],
                            [0.25, 0.5, -0.5, 0.0, 1.0, 0.25, -0.75, 0.125],
                            [-1.0, 0.0, 0.5, 0.25, -0.25, 0.5, 0.0, 1.0],
                            [0.0, 1.0, 0.25, -0.5, 0.5, 0.0, 0.25, -0.25]]> : tensor<4x8xf32>
  %b = loom.constant dense<[0.1, -0.2, 0.3, 0.0]> : tensor<4xf32>
  %h = loom.linear %x, %w, %b : (tensor<?x8xf32>, tensor<4x8xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %a = loom.add %h, %r : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %s = loom.softmax %a axis = -1 : tensor<?x4xf32>
  %t = loom.tanh %y : tensor<?x4xf32>
  return %s, %t : tensor<?x4xf32>, tensor<?x4xf32>
}
