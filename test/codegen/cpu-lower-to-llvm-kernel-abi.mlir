// --loom-cpu-lower-to-llvm ends with --loom-cpu-kernel-abi: each
// kernel becomes an internal NAME_impl called by an exported NAME with the
// CPU kernel ABI (bindings, push constants, workgroup id, workgroup count),
// which carries the kernel contract; the ABI version is defined, and loop
// annotations move onto the loops' back edges.
// RUN: loom-opt %s --loom-cpu-kernel-pipeline --loom-cpu-lower-to-llvm | FileCheck %s

// CHECK-LABEL: module @kernels
// CHECK: llvm.func internal @norm_dispatch_0_impl(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %[[X:.*]]: i64, %{{.*}}: i64, %{{.*}}: i64) {
// CHECK-NOT: loom.kernel
// CHECK: llvm.br {{.*}} {loop_annotation = #{{.*}}}
// CHECK: llvm.func @norm_dispatch_0(%[[BINDINGS:.*]]: !llvm.ptr, %{{.*}}: !llvm.ptr, %[[WG:.*]]: !llvm.ptr, %{{.*}}: !llvm.ptr) attributes {loom.kernel = #loom.kernel<workgroup_count = [64, 1, 1]>} {
// CHECK-COUNT-4: llvm.load %{{.*}} : !llvm.ptr -> !llvm.ptr
// CHECK-COUNT-3: llvm.load %{{.*}} : !llvm.ptr -> i32
// CHECK: llvm.call @norm_dispatch_0_impl(
// CHECK: llvm.mlir.global external constant @loom_kernel_abi_version(2 : i32)
func.func @norm(%x: tensor<64x1024xf32>, %g: tensor<1024xf32>, %b: tensor<1024xf32>) -> tensor<64x1024xf32> {
  %0 = loom.layer_norm %x scale %g bias %b axis = -1 epsilon = 1.0e-05 : (tensor<64x1024xf32>, tensor<1024xf32>, tensor<1024xf32>) -> tensor<64x1024xf32>
  return %0 : tensor<64x1024xf32>
}
