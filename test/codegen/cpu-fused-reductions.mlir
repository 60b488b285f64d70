// RUN: loom-opt %s --loom-to-linalg --loom-fuse --loom-outline-dispatches --loom-cpu-distribute --cse -split-input-file | FileCheck %s --check-prefix=TILE
// RUN: loom-opt %s --loom-to-linalg --loom-fuse --loom-outline-dispatches --loom-cpu-distribute --cse --loom-cpu-vectorize --loom-cpu-bufferize -split-input-file | FileCheck %s --check-prefix=BUF
// RUN: loom-opt %s --loom-cpu-pipeline -split-input-file | FileCheck %s --check-prefix=LLVM

// A layer norm is one kernel, one 1024-wide row per workgroup so that the
// row stays in L1 from the mean to the normalization.
// TILE-LABEL: func.func @main_dispatch_0
// TILE: scf.forall (%[[ROW:.*]]) in (64)
// The row sum, once (the fused copies are CSE'd).
// TILE: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// TILE-NEXT: ^bb0
// TILE-NEXT: arith.addf
// The centred input x - mean is recomputed in both of its readers, the
// variance and the normalization, instead of being stored as a tile.
// TILE: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// TILE: arith.subf
// TILE: arith.mulf
// TILE: linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]
// TILE: arith.subf
// TILE: math.sqrt
// TILE: arith.divf
// TILE-NOT: linalg.generic
// TILE: scf.forall.in_parallel

// Temporaries (the partial sums) live on the stack, and the sum of squares
// accumulates with vector FMAs (not a contraction lowered one lane at a
// time).
// BUF-LABEL: func.func @main_dispatch_0
// BUF-NOT: memref.alloc(
// BUF: memref.alloca() {alignment = 64 : i64} : memref<1x128xf32>
// BUF-NOT: vector.contract
// BUF: vector.fma %{{.*}}, %{{.*}}, %{{.*}} : vector<1x128xf32>
// BUF-NOT: memref.alloc(
// BUF: return

// Each row's horizontal sums are one reassociated reduction of 128 partial
// sums (a shuffle tree), and the division by the row's deviation may use
// its reciprocal (one per row).
// LLVM-LABEL: llvm.func internal @main_dispatch_0_impl
// LLVM-NOT: llvm.call @malloc
// LLVM: "llvm.intr.vector.reduce.fadd"({{.*}}) <{fastmathFlags = #llvm.fastmath<reassoc>}> : (f32, vector<128xf32>) -> f32
// LLVM: "llvm.intr.vector.reduce.fadd"({{.*}}) <{fastmathFlags = #llvm.fastmath<reassoc>}> : (f32, vector<128xf32>) -> f32
// LLVM: llvm.fdiv {{.*}} {fastmathFlags = #llvm.fastmath<arcp>} : vector<64xf32>
// LLVM-NOT: llvm.call @malloc
// LLVM: llvm.return
func.func @main(%x: tensor<64x1024xf32>, %g: tensor<1024xf32>, %b: tensor<1024xf32>) -> tensor<64x1024xf32> {
  %eps = loom.constant dense<9.99999974E-6> : tensor<f32>
  %m = loom.reduce_mean %x [1] keepdims : tensor<64x1024xf32> -> tensor<64x1xf32>
  %c = loom.sub %x, %m : (tensor<64x1024xf32>, tensor<64x1xf32>) -> tensor<64x1024xf32>
  %sq = loom.mul %c, %c : (tensor<64x1024xf32>, tensor<64x1024xf32>) -> tensor<64x1024xf32>
  %v = loom.reduce_mean %sq [1] keepdims : tensor<64x1024xf32> -> tensor<64x1xf32>
  %ve = loom.add %v, %eps : (tensor<64x1xf32>, tensor<f32>) -> tensor<64x1xf32>
  %s = loom.sqrt %ve : tensor<64x1xf32>
  %n = loom.div %c, %s : (tensor<64x1024xf32>, tensor<64x1xf32>) -> tensor<64x1024xf32>
  %y = loom.mul %n, %g : (tensor<64x1024xf32>, tensor<1024xf32>) -> tensor<64x1024xf32>
  %z = loom.add %y, %b : (tensor<64x1024xf32>, tensor<1024xf32>) -> tensor<64x1024xf32>
  return %z : tensor<64x1024xf32>
}

// -----

// Rows longer than the tile bound are not split: every workgroup takes a
// whole 8192-wide row (a split would recompute the row's max and sum in
// each piece). The row of exps (32 KiB) is over the stack bound and stays
// on the heap.
// TILE-LABEL: func.func @main_dispatch_0
// TILE: scf.forall (%{{.*}}) in (16)
// TILE-NOT: scf.forall (
// BUF-LABEL: func.func @main_dispatch_0
// BUF: scf.forall (%{{.*}}) in (16)
// BUF: memref.alloc() {alignment = 64 : i64} : memref<1x8192xf32>
// LLVM-LABEL: llvm.func internal @main_dispatch_0_impl
// LLVM: llvm.return
func.func @main(%x: tensor<16x8192xf32>) -> tensor<16x8192xf32> {
  %0 = loom.softmax %x axis = 1 : tensor<16x8192xf32>
  return %0 : tensor<16x8192xf32>
}
