// RUN: loom-opt %s --loom-cpu-pipeline -split-input-file | FileCheck %s

// A layer norm's three passes over its row (mean, variance, normalization)
// read the same row: each stays a loop in LLVM (unrolling disabled on its
// back edge), so that LLVM does not forward the row's loads from the first
// pass to the others and keep all of it in (spilled) registers.
// CHECK-DAG: #[[UNROLL:.*]] = #llvm.loop_unroll<disable = true>
// CHECK-DAG: #[[ROLLED:.*]] = #llvm.loop_annotation<unroll = #[[UNROLL]]>
// CHECK-LABEL: llvm.func internal @main_dispatch_0_impl
// CHECK-COUNT-3: llvm.br ^{{.*}} {loop_annotation = #[[ROLLED]]}
// CHECK-NOT: llvm.br ^{{.*}} {loop_annotation
// CHECK: llvm.return
func.func @main(%x: tensor<64x1024xf32>, %g: tensor<1024xf32>, %b: tensor<1024xf32>) -> tensor<64x1024xf32> {
  %0 = loom.layer_norm %x scale %g bias %b axis = -1 epsilon = 1.0e-05 : (tensor<64x1024xf32>, tensor<1024xf32>, tensor<1024xf32>) -> tensor<64x1024xf32>
  return %0 : tensor<64x1024xf32>
}

// -----

// A matmul's loops read each buffer in one nest: LLVM unrolls as it likes.
// CHECK-LABEL: llvm.func internal @main_dispatch_0_impl
// CHECK-NOT: loop_annotation
// CHECK: llvm.return
func.func @main(%a: tensor<256x256xf32>, %b: tensor<256x256xf32>) -> tensor<256x256xf32> {
  %0 = loom.matmul %a, %b : (tensor<256x256xf32>, tensor<256x256xf32>) -> tensor<256x256xf32>
  return %0 : tensor<256x256xf32>
}

// -----

// A softmax reads its input in two passes (max, exps) and its output in
// one (the in-place divide): LLVM may unroll them and forward the loads.
// CHECK-LABEL: llvm.func internal @main_dispatch_0_impl
// CHECK-NOT: loop_annotation
// CHECK: llvm.return
func.func @main(%x: tensor<64x1024xf32>) -> tensor<64x1024xf32> {
  %0 = loom.softmax %x axis = 1 : tensor<64x1024xf32>
  return %0 : tensor<64x1024xf32>
}
