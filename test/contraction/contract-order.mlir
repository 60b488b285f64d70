// RUN: loom-opt %s --loom-contract-order=optimizer=optimal -split-input-file | FileCheck %s

// A matrix chain: C has one column, so B*C first (5000 FLOPs) then A*(BC).
// CHECK-LABEL: func @chain
// CHECK: %[[BC:.*]] = loom.contract "bc,cd->bd" %arg1, %arg2 : (tensor<100x50xf32>, tensor<50x1xf32>) -> tensor<100x1xf32>
// CHECK: %[[R:.*]] = loom.contract "ab,bd->ad" %arg0, %[[BC]]
// CHECK: return %[[R]]
func.func @chain(%a: tensor<10x100xf32>, %b: tensor<100x50xf32>, %c: tensor<50x1xf32>) -> tensor<10x1xf32> {
  %0 = loom.contract "ab,bc,cd->ad" %a, %b, %c : (tensor<10x100xf32>, tensor<100x50xf32>, tensor<50x1xf32>) -> tensor<10x1xf32>
  return %0 : tensor<10x1xf32>
}

// -----

// A tensor-train (MPO) layer on a batch: the input is contracted core by
// core; intermediates keep the batched-GEMM layout and the last step the
// output order.
// CHECK-LABEL: func @tt_layer
// CHECK-COUNT-3: loom.contract "{{[a-z]+,[a-z]+->[a-z]+}}"
// CHECK: %[[R:.*]] = loom.contract "{{[a-z]+,[a-z]+}}->bopqs"
// CHECK-NOT: loom.contract
// CHECK: return %[[R]]
func.func @tt_layer(%x: tensor<8x4x4x4x4xf32>, %g1: tensor<4x4x3xf32>, %g2: tensor<3x4x4x3xf32>, %g3: tensor<3x4x4x3xf32>, %g4: tensor<3x4x4xf32>) -> tensor<8x4x4x4x4xf32> {
  %0 = loom.contract "bijkl,ioa,ajpc,ckqd,dls->bopqs" %x, %g1, %g2, %g3, %g4 : (tensor<8x4x4x4x4xf32>, tensor<4x4x3xf32>, tensor<3x4x4x3xf32>, tensor<3x4x4x3xf32>, tensor<3x4x4xf32>) -> tensor<8x4x4x4x4xf32>
  return %0 : tensor<8x4x4x4x4xf32>
}

// -----

// An MPS chain with a batch: the sites are contracted with each other first
// (they are small), then with the batch of inputs.
// CHECK-LABEL: func @mps
// CHECK: %[[A:.*]] = loom.contract "ia,ajb->ijb" %arg1, %arg2
// CHECK: %[[B:.*]] = loom.contract "ijb,bk->ijk" %[[A]], %arg3
// CHECK: loom.contract "zijk,ijk->z" %arg0, %[[B]]
func.func @mps(%x: tensor<16x2x2x2xf32>, %g1: tensor<2x8xf32>, %g2: tensor<8x2x8xf32>, %g3: tensor<8x2xf32>) -> tensor<16xf32> {
  %0 = loom.contract "zijk,ia,ajb,bk->z" %x, %g1, %g2, %g3 : (tensor<16x2x2x2xf32>, tensor<2x8xf32>, tensor<8x2x8xf32>, tensor<8x2xf32>) -> tensor<16xf32>
  return %0 : tensor<16xf32>
}

// -----

// A tensor ring: the closing bond is contracted like any other.
// CHECK-LABEL: func @ring
// CHECK: %[[A:.*]] = loom.contract "aib,cka->ibck" %arg0, %arg2 : (tensor<4x3x4xf32>, tensor<4x3x4xf32>) -> tensor<3x4x4x3xf32>
// CHECK: loom.contract "ibck,bjc->ijk" %[[A]], %arg1
func.func @ring(%a: tensor<4x3x4xf32>, %b: tensor<4x3x4xf32>, %c: tensor<4x3x4xf32>) -> tensor<3x3x3xf32> {
  %0 = loom.contract "aib,bjc,cka->ijk" %a, %b, %c : (tensor<4x3x4xf32>, tensor<4x3x4xf32>, tensor<4x3x4xf32>) -> tensor<3x3x3xf32>
  return %0 : tensor<3x3x3xf32>
}

// -----

// Tucker reconstruction: the core is expanded one factor at a time.
// CHECK-LABEL: func @tucker
// CHECK: %[[A:.*]] = loom.contract "abc,kc->abk" %arg0, %arg3
// CHECK: %[[B:.*]] = loom.contract "abk,jb->akj" %[[A]], %arg2
// CHECK: loom.contract "akj,ia->ijk" %[[B]], %arg1 : (tensor<2x10x9xf32>, tensor<8x2xf32>) -> tensor<8x9x10xf32>
func.func @tucker(%g: tensor<2x3x4xf32>, %u: tensor<8x2xf32>, %v: tensor<9x3xf32>, %w: tensor<10x4xf32>) -> tensor<8x9x10xf32> {
  %0 = loom.contract "abc,ia,jb,kc->ijk" %g, %u, %v, %w : (tensor<2x3x4xf32>, tensor<8x2xf32>, tensor<9x3xf32>, tensor<10x4xf32>) -> tensor<8x9x10xf32>
  return %0 : tensor<8x9x10xf32>
}

// -----

// An index of one operand only is summed out of it first; a diagonal is
// taken first.
// CHECK-LABEL: func @dangling
// CHECK: %[[S:.*]] = loom.contract "abz->ab" %arg0
// CHECK: %[[D:.*]] = loom.contract "cc->c" %arg2
// CHECK: loom.contract
// CHECK: loom.contract
func.func @dangling(%a: tensor<3x4x5xf32>, %b: tensor<4x6xf32>, %c: tensor<6x6xf32>) -> tensor<3x6xf32> {
  %0 = loom.contract "abz,bc,cc->ac" %a, %b, %c : (tensor<3x4x5xf32>, tensor<4x6xf32>, tensor<6x6xf32>) -> tensor<3x6xf32>
  return %0 : tensor<3x6xf32>
}

// -----

// Labels in braces: networks with more indices than letters.
// CHECK-LABEL: func @braces
// CHECK: loom.contract "{{.*}}{s1}{{.*}}"
func.func @braces(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>, %c: tensor<4x5xf32>) -> tensor<2x5xf32> {
  %0 = loom.contract "{s0}{s1},{s1}{s2},{s2}{s3}->{s0}{s3}" %a, %b, %c : (tensor<2x3xf32>, tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}
