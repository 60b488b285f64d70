// --loom-gpu-distribute: each kernel's strategy, workgroup tiles (a
// #gpu.block forall) and invocation tiles (#gpu.thread foralls), recorded
// in its #loom.kernel.
// RUN: loom-opt %S/Inputs/matmul-relu-rowsum.mlir --loom-to-linalg --loom-fuse --loom-outline-dispatches --loom-gpu-distribute | FileCheck %s
// RUN: loom-opt %S/Inputs/matmul-relu-rowsum.mlir --loom-to-linalg --loom-fuse --loom-outline-dispatches --loom-gpu-distribute=max-workgroup-size=64 | FileCheck %s --check-prefix=SMALL

// The matmul stages 32x32 operand tiles in workgroup memory, each
// invocation accumulating its outputs in private memory; the relu is
// applied to the same workgroup tile.
// CHECK-LABEL: func.func @main_dispatch_0
// CHECK-SAME: loom.kernel = #loom.kernel<workgroup_size = [128, 1, 1], strategy = shared_memory_contraction>
// CHECK: scf.forall ({{.*}}) = (0, 0) to (64, 256) step (32, 32)
// CHECK: bufferization.alloc_tensor() {memory_space = #gpu.address_space<workgroup>} : tensor<32x32xf32>
// CHECK: bufferization.alloc_tensor() {memory_space = #gpu.address_space<private>} : tensor<1x1xf32>
// CHECK: linalg.matmul {{.*}} -> tensor<1x1xf32>
// CHECK: {mapping = [#gpu.thread<linear_dim_1>, #gpu.thread<linear_dim_0>]}
// CHECK: linalg.generic
// CHECK: {mapping = [#gpu.block<linear_dim_1>, #gpu.block<linear_dim_0>]}

// The 4096-long rows: one workgroup per row, its invocations each summing
// a part, then a tree merge of their partial sums.
// CHECK-LABEL: func.func @main_dispatch_1
// CHECK-SAME: loom.kernel = #loom.kernel<workgroup_size = [128, 1, 1], strategy = tree_reduction>
// CHECK: scf.forall (%{{.*}}) in (128)
// CHECK: linalg.reduce {{.*}} {loom.tree_merge}

// SMALL: func.func @main_dispatch_0
// SMALL-SAME: workgroup_size = [64, 1, 1]
// SMALL: func.func @main_dispatch_1
// SMALL-SAME: workgroup_size = [64, 1, 1], strategy = tree_reduction
