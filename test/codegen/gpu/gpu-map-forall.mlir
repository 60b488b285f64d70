// --loom-gpu-map-forall: workgroup foralls become the workgroup id (the
// grid is recorded as the kernel's workgroup_count), invocation foralls
// loops over gpu.thread_id striding by the workgroup size, each followed
// by a barrier.
// RUN: loom-opt %S/Inputs/matmul-relu-rowsum.mlir --loom-to-linalg --loom-fuse --loom-outline-dispatches --loom-gpu-distribute --loom-gpu-bufferize --loom-gpu-map-forall | FileCheck %s

// CHECK-LABEL: func.func @main_dispatch_0
// CHECK-SAME: loom.kernel = #loom.kernel<workgroup_count = [8, 2, 1], workgroup_size = [128, 1, 1], strategy = shared_memory_contraction>
// CHECK-NOT: scf.forall
// CHECK: %[[TID:.*]] = gpu.thread_id x
// CHECK: scf.for %{{.*}} = %[[TID]] to %{{.*}} step %c128
// CHECK: gpu.barrier
// CHECK-NOT: scf.forall
// CHECK-LABEL: func.func @main_dispatch_1
// CHECK-SAME: loom.kernel = #loom.kernel<workgroup_count = [4, 1, 1], workgroup_size = [128, 1, 1], strategy = tree_reduction>
// CHECK-NOT: scf.forall
// CHECK: gpu.barrier
// CHECK: return
