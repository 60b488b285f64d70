// RUN: loom-opt %s --loom-cpu-pipeline=cpu=skylake-avx512 | FileCheck %s

// f32 exp is Loom's expansion (MathApproximations.cpp), not upstream's:
// clamps that keep a NaN (compare, then select the bound), n from a
// rounding constant (no floor, no float-to-int conversion), two FMAs for
// the reduction by ln 2, a degree-6 polynomial, and 2^(n-1) from the
// rounding constant's bits shifted into the exponent.
// CHECK-LABEL: llvm.func internal @main_dispatch_0_impl
// CHECK-NOT: llvm.intr.floor
// CHECK: llvm.fcmp "olt" %{{.*}}, %{{.*}} : vector<64xf32>
// CHECK: llvm.select
// CHECK: llvm.fcmp "ogt" %{{.*}}, %{{.*}} : vector<64xf32>
// CHECK: llvm.select
// CHECK: %[[T:.*]] = llvm.intr.fma(%{{.*}}, %{{.*}}, %[[ROUND:.*]]) : (vector<64xf32>, vector<64xf32>, vector<64xf32>) -> vector<64xf32>
// CHECK: %[[N:.*]] = llvm.fsub %[[T]], %[[ROUND]]
// CHECK: llvm.intr.fma(%[[N]]
// CHECK: llvm.intr.fma(%[[N]]
// CHECK-COUNT-6: llvm.intr.fma
// CHECK: %[[BITS:.*]] = llvm.bitcast %[[T]] : vector<64xf32> to vector<64xi32>
// CHECK: %[[SHIFTED:.*]] = llvm.shl %[[BITS]]
// CHECK: %[[SCALE:.*]] = llvm.bitcast %[[SHIFTED]] : vector<64xi32> to vector<64xf32>
// CHECK: llvm.fmul %{{.*}}, %[[SCALE]]
// CHECK-NOT: llvm.fptosi
// CHECK: llvm.return
func.func @main(%x: tensor<4096xf32>) -> tensor<4096xf32> {
  %0 = loom.exp %x : tensor<4096xf32>
  return %0 : tensor<4096xf32>
}
