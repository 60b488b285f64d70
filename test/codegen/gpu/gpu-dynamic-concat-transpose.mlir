// A concatenation and a transpose over a dynamic batch on the GPU.
// --loom-gpu-distribute: a concat of dynamic shape becomes an elementwise
// gather (each element reads every input at a clamped column and selects
// the one it lies in), tiled like any elementwise op.
// RUN: loom-opt %s --loom-to-linalg --loom-fuse --loom-outline-dispatches --loom-gpu-distribute | FileCheck %s
// --loom-gpu-prepare-spirv: loads and stores through the view of a dynamic
// binding index its 1-D buffer; the transposed output's row stride is the
// batch, a push constant.
// RUN: loom-opt %s --loom-vulkan-pipeline --mlir-print-ir-after=loom-gpu-prepare-spirv 2>&1 | FileCheck %s --check-prefix=VIEW

// CHECK-LABEL: func.func @main_dispatch_0
// CHECK-NOT: tensor.concat
// CHECK: scf.forall (%[[ROW0:.*]]) = (0) to (%{{.*}}) step (16)
// CHECK: scf.forall (%[[ROW:.*]], %[[COL:.*]]) in (%{{.*}}, 5)
// CHECK: linalg.generic
// CHECK-DAG: %[[R:.*]] = affine.apply #{{.*}}(%[[ROW0]], %[[ROW]])
// CHECK-DAG: %[[AT1:.*]] = arith.subi %[[COL]], %c2
// CHECK-DAG: %[[Y:.*]] = tensor.extract %{{.*}}[%[[R]], %{{.*}}] : tensor<?x3xf32>
// CHECK-DAG: %[[X:.*]] = tensor.extract %{{.*}}[%[[R]], %{{.*}}] : tensor<?x2xf32>
// CHECK-DAG: %[[FIRST:.*]] = arith.cmpi slt, %[[COL]], %c2
// CHECK: arith.select %[[FIRST]], %[[X]], %[[Y]] : f32
// CHECK-NOT: tensor.concat
// CHECK: return

// VIEW-LABEL: gpu.func @main_dispatch_1
// VIEW-SAME: (%[[IN:.*]]: memref<?xf32>, %[[OUT:.*]]: memref<?xf32>, %[[BATCH:.*]]: index)
// VIEW-DAG: %[[WY:.*]] = gpu.block_id y
// VIEW: memref.load %[[IN]][%{{.*}}] : memref<?xf32>
// VIEW: %[[ROW:.*]] = arith.muli %[[WY]], %[[BATCH]] : index
// VIEW: %[[AT:.*]] = arith.addi %[[ROW]], %{{.*}} : index
// VIEW: memref.store %{{.*}}, %[[OUT]][%[[AT]]] : memref<?xf32>

func.func @main(%x: tensor<?x2xf32> {loom.name = "x", loom.dim_names = ["n", ""]},
                %y: tensor<?x3xf32> {loom.name = "y", loom.dim_names = ["n", ""]})
    -> (tensor<?x5xf32>, tensor<3x?xf32>) {
  %c = loom.concat %x, %y axis = 1 : (tensor<?x2xf32>, tensor<?x3xf32>) -> tensor<?x5xf32>
  %t = loom.transpose %y [1, 0] : tensor<?x3xf32> -> tensor<3x?xf32>
  return %c, %t : tensor<?x5xf32>, tensor<3x?xf32>
}
