// RUN: loom-opt %s --loom-to-linalg --loom-fuse --loom-outline-dispatches --loom-cpu-distribute --cse -split-input-file | FileCheck %s --check-prefix=TILE
// RUN: loom-opt %s --loom-to-linalg --loom-fuse --loom-outline-dispatches --loom-cpu-distribute --cse --loom-cpu-vectorize --loom-cpu-bufferize -split-input-file | FileCheck %s --check-prefix=BUF
// RUN: loom-opt %s --loom-cpu-pipeline=cpu=skylake-avx512 -split-input-file | FileCheck %s --check-prefix=LLVM

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

// The partial sums start from a constant and stay in vector registers (no
// buffer at all), and the sum of squares accumulates with vector FMAs (not
// a contraction lowered one lane at a time).
// BUF-LABEL: func.func @main_dispatch_0
// BUF-NOT: memref.alloc
// BUF: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<1x128xf32>
// BUF: scf.for {{.*}} iter_args(%{{.*}} = %[[ZERO]]) -> (vector<1x128xf32>)
// BUF-NOT: vector.contract
// BUF: scf.for {{.*}} iter_args(%[[ACC:.*]] = %[[ZERO]]) -> (vector<1x128xf32>)
// BUF: vector.fma %{{.*}}, %{{.*}}, %[[ACC]] : vector<1x128xf32>
// BUF-NOT: memref.alloc
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
// each piece).
// TILE-LABEL: func.func @main_dispatch_0
// TILE: scf.forall (%{{.*}}) in (16)
// TILE-NOT: scf.forall (
//
// The row of exps is computed into the result's row and divided there in
// place: no temporary. The max skips NaNs (a NaN still reaches the row
// through its exp and the sum): 128 partial maxima carried from -inf with
// one compare-and-select each, then halved down to one.
// BUF-LABEL: func.func @main_dispatch_0
// BUF-NOT: memref.alloc
// BUF-DAG: %[[NEGINF:.*]] = arith.constant dense<0xFF800000> : vector<1x128xf32>
// BUF: scf.forall (%[[ROW:.*]]) in (16)
// BUF: scf.for {{.*}} iter_args(%[[MAX:.*]] = %[[NEGINF]]) -> (vector<1x128xf32>)
// BUF: %[[X:.*]] = vector.shape_cast
// BUF: %[[GT:.*]] = arith.cmpf ogt, %[[X]], %[[MAX]] : vector<1x128xf32>
// BUF: arith.select %[[GT]], %[[X]], %[[MAX]]
// BUF: vector.extract_strided_slice {{.*}} {offsets = [64], sizes = [64], strides = [1]} : vector<128xf32> to vector<64xf32>
// BUF: arith.cmpf ogt, {{.*}} : vector<64xf32>
// BUF: arith.cmpf ogt, {{.*}} : vector<1xf32>
// BUF: %[[OUT:.*]] = memref.subview %arg1[%[[ROW]], 0] [1, 8192] [1, 1]
// BUF: scf.for
// BUF: %[[EOUT:.*]] = memref.subview %[[OUT]]
// BUF: %[[E:.*]] = math.exp
// BUF: vector.transfer_write %[[E]], %[[EOUT]]
// BUF: scf.for
// BUF: arith.addf
// BUF: scf.for
// BUF: %[[P:.*]] = memref.subview %[[OUT]]
// BUF: %[[V:.*]] = vector.transfer_read %[[P]]
// BUF: %[[D:.*]] = arith.divf %[[V]]
// BUF: vector.transfer_write %[[D]], %[[P]]
// BUF-NOT: memref.alloc
// BUF: return
// LLVM-LABEL: llvm.func internal @main_dispatch_0_impl
// LLVM-NOT: llvm.call @malloc
// LLVM: llvm.return
func.func @main(%x: tensor<16x8192xf32>) -> tensor<16x8192xf32> {
  %0 = loom.softmax %x axis = 1 : tensor<16x8192xf32>
  return %0 : tensor<16x8192xf32>
}

// -----

// Two intermediates that the root and a reduction read (exp(x) and
// tanh(x)): one is computed into the result's row and normalized there in
// place, the other is a temporary of one row: 32 KiB, over the stack bound,
// so on the heap.
// TILE-LABEL: func.func @main_dispatch_0
// TILE: scf.forall (%{{.*}}) in (16)
// BUF-LABEL: func.func @main_dispatch_0
// BUF: scf.forall (%{{.*}}) in (16)
// BUF: memref.alloc() {alignment = 64 : i64} : memref<1x8192xf32>
// BUF: memref.dealloc
// LLVM-LABEL: llvm.func internal @main_dispatch_0_impl
// LLVM: llvm.call @malloc
// LLVM: llvm.return
func.func @main(%x: tensor<16x8192xf32>) -> tensor<16x8192xf32> {
  %e = loom.exp %x : tensor<16x8192xf32>
  %t = loom.tanh %x : tensor<16x8192xf32>
  %se = loom.reduce_sum %e [1] keepdims : tensor<16x8192xf32> -> tensor<16x1xf32>
  %st = loom.reduce_sum %t [1] keepdims : tensor<16x8192xf32> -> tensor<16x1xf32>
  %re = loom.div %e, %se : (tensor<16x8192xf32>, tensor<16x1xf32>) -> tensor<16x8192xf32>
  %rt = loom.div %t, %st : (tensor<16x8192xf32>, tensor<16x1xf32>) -> tensor<16x8192xf32>
  %y = loom.mul %re, %rt : (tensor<16x8192xf32>, tensor<16x8192xf32>) -> tensor<16x8192xf32>
  return %y : tensor<16x8192xf32>
}

// -----

// Rows too short to split (128 elements, as in attention): the NaN-skipping
// max of each row is a tree of vector maxnumf halvings, not a reduction
// that LLVM would finish with a chain of scalar NaN-checked steps.
// BUF-LABEL: func.func @main_dispatch_0
// BUF-NOT: vector.multi_reduction <maxnumf>
// BUF: arith.maxnumf %{{.*}}, %{{.*}} : vector<64xf32>
// BUF: arith.maxnumf %{{.*}}, %{{.*}} : vector<32xf32>
// BUF: arith.maxnumf %{{.*}}, %{{.*}} : vector<1xf32>
// BUF-NOT: vector.multi_reduction <maxnumf>
// BUF: return
// LLVM-LABEL: llvm.func internal @main_dispatch_0_impl
// LLVM-NOT: llvm.intr.vector.reduce.fmax
// LLVM: llvm.return
func.func @main(%x: tensor<64x128xf32>) -> tensor<64x128xf32> {
  %0 = loom.softmax %x axis = 1 : tensor<64x128xf32>
  return %0 : tensor<64x128xf32>
}
