// The default pipeline runs both contraction passes: a 3-operand network
// becomes two matrix products (through linalg.matmul kernels).
// RUN: loom-opt %s --loom-cpu-pipeline | FileCheck %s
// CHECK: loom.launch @kernels::@main_dispatch_0
// CHECK: loom.launch @kernels::@main_dispatch_1
// CHECK-NOT: loom.launch
func.func @main(%a: tensor<10x100xf32>, %b: tensor<100x50xf32>, %c: tensor<50x20xf32>) -> tensor<10x20xf32> {
  %0 = loom.contract "ab,bc,cd->ad" %a, %b, %c : (tensor<10x100xf32>, tensor<100x50xf32>, tensor<50x20xf32>) -> tensor<10x20xf32>
  return %0 : tensor<10x20xf32>
}
