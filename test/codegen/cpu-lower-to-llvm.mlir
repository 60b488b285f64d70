// RUN: loom-opt %s --loom-cpu-pipeline | FileCheck %s

// Every kernel gets an exported wrapper with the CPU kernel ABI
// (bindings, push constants, workgroup id, workgroup count) around an
// internal implementation taking one pointer per binding.
// CHECK-LABEL: module @kernels
// CHECK: llvm.func internal @main_dispatch_0_impl(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64)
// CHECK: llvm.func @main_dispatch_0(%[[BINDINGS:.*]]: !llvm.ptr, %{{.*}}: !llvm.ptr, %[[WGID:.*]]: !llvm.ptr, %{{.*}}: !llvm.ptr)
// CHECK:   %[[B0:.*]] = llvm.getelementptr %[[BINDINGS]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK:   llvm.load %[[B0]] : !llvm.ptr -> !llvm.ptr
// CHECK:   %[[B1:.*]] = llvm.getelementptr %[[BINDINGS]][1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK:   %[[X:.*]] = llvm.getelementptr %[[WGID]][0] : (!llvm.ptr) -> !llvm.ptr, i32
// CHECK:   llvm.load %[[X]] : !llvm.ptr -> i32
// CHECK:   llvm.call @main_dispatch_0_impl
// CHECK: llvm.mlir.global external constant @loom_kernel_abi_version(2 : i32) {addr_space = 0 : i32} : i32
func.func @main(%x: tensor<16xf32>) -> tensor<16xf32> {
  %0 = loom.tanh %x : tensor<16xf32>
  return %0 : tensor<16xf32>
}
