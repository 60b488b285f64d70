// --loom-cpu-kernel-abi on a kernel module already in the LLVM dialect:
// the kernel (an llvm.func carrying loom.kernel, one pointer per binding,
// then the workgroup id as three i64) becomes internal NAME_impl, and an
// exported NAME with the CPU kernel ABI (bindings, push constants,
// workgroup id, workgroup count) loads its arguments and calls it; the
// contract moves to NAME. The ABI version is defined, and a loop
// annotation scf-to-cf left on a branch becomes the branch's own.
// RUN: loom-opt %s --loom-cpu-kernel-abi | FileCheck %s

// CHECK-LABEL: module @kernels
// CHECK: llvm.func internal @k_impl(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64) {
// CHECK: llvm.br ^bb1 {loop_annotation = #{{.*}}}
// CHECK: llvm.func @k(%[[B:.*]]: !llvm.ptr, %{{.*}}: !llvm.ptr, %[[WG:.*]]: !llvm.ptr, %{{.*}}: !llvm.ptr) attributes {loom.kernel = #loom.kernel<workgroup_count = [4, 1, 1]>} {
// CHECK: %[[S0:.*]] = llvm.getelementptr %[[B]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[P0:.*]] = llvm.load %[[S0]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[S1:.*]] = llvm.getelementptr %[[B]][1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[P1:.*]] = llvm.load %[[S1]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[X:.*]] = llvm.load %{{.*}} : !llvm.ptr -> i32
// CHECK: %[[X64:.*]] = llvm.zext %[[X]] : i32 to i64
// CHECK: llvm.call @k_impl(%[[P0]], %[[P1]], %[[X64]], %{{.*}}, %{{.*}}) : (!llvm.ptr, !llvm.ptr, i64, i64, i64) -> ()
// CHECK: llvm.mlir.global external constant @loom_kernel_abi_version(2 : i32)
#rolled = #llvm.loop_annotation<unroll = #llvm.loop_unroll<disable = true>>
module {
  module @kernels {
    llvm.func @k(%in: !llvm.ptr, %out: !llvm.ptr, %x: i64, %y: i64, %z: i64) attributes {loom.kernel = #loom.kernel<workgroup_count = [4, 1, 1]>} {
      llvm.br ^bb1 {llvm.loop_annotation = #rolled}
    ^bb1:
      llvm.return
    }
  }
}
