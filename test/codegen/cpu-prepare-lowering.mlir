// --loom-cpu-prepare-lowering: the Loom rewrites of the CPU kernels'
// vector code before the upstream conversions to the LLVM dialect.
// RUN: loom-opt %s -split-input-file --loom-cpu-kernel-pipeline --loom-cpu-prepare-lowering=streaming-output-bytes=65536 | FileCheck %s
// RUN: loom-opt %s -split-input-file --loom-cpu-kernel-pipeline --loom-cpu-prepare-lowering | FileCheck %s --check-prefix=NOSTREAM

// exp becomes Loom's polynomial (no math.exp is left for libm), and the
// 64 KiB output (the streaming threshold here) is written with aligned
// non-temporal stores; without the option nothing is streamed.
// CHECK-LABEL: func.func @exp_dispatch_0
// CHECK-NOT: math.exp
// CHECK: arith.constant dense<1.44269502>
// CHECK: vector.store {{.*}} {alignment = 64 : i64, nontemporal = true}
// NOSTREAM-LABEL: func.func @exp_dispatch_0
// NOSTREAM-NOT: nontemporal
// NOSTREAM: return
func.func @exp(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %0 = loom.exp %x : tensor<64x256xf32>
  return %0 : tensor<64x256xf32>
}

// -----

// A row reduction becomes vector.reduction (a shuffle tree in LLVM).
// CHECK-LABEL: func.func @rowsum_dispatch_0
// CHECK: vector.reduction <add>, {{.*}} : vector<128xf32> into f32
// CHECK-NOT: nontemporal
func.func @rowsum(%x: tensor<64x256xf32>) -> tensor<64xf32> {
  %0 = loom.reduce_sum %x [1] : tensor<64x256xf32> -> tensor<64xf32>
  return %0 : tensor<64xf32>
}

// -----

// Divisions may use the reciprocal.
// CHECK-LABEL: func.func @div_dispatch_0
// CHECK: arith.divf {{.*}} fastmath<arcp> : vector<1x64xf32>
func.func @div(%x: tensor<64x256xf32>, %y: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %0 = loom.div %x, %y : (tensor<64x256xf32>, tensor<64x256xf32>) -> tensor<64x256xf32>
  return %0 : tensor<64x256xf32>
}

// -----

// A layer norm's three passes over its row stay loops in LLVM (unrolled,
// LLVM would keep the whole row in registers and spill it).
// CHECK: #[[ROLLED:.*]] = #llvm.loop_annotation<unroll = #{{.*}}>
// CHECK-LABEL: func.func @norm_dispatch_0
// CHECK: } {llvm.loop_annotation = #[[ROLLED]]}
// CHECK: } {llvm.loop_annotation = #[[ROLLED]]}
// CHECK: } {llvm.loop_annotation = #[[ROLLED]]}
func.func @norm(%x: tensor<64x1024xf32>, %g: tensor<1024xf32>, %b: tensor<1024xf32>) -> tensor<64x1024xf32> {
  %0 = loom.layer_norm %x scale %g bias %b axis = -1 epsilon = 1.0e-05 : (tensor<64x1024xf32>, tensor<1024xf32>, tensor<1024xf32>) -> tensor<64x1024xf32>
  return %0 : tensor<64x1024xf32>
}
