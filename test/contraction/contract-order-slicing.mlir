// RUN: loom-opt %s --loom-contract-order="optimizer=optimal memory-limit=300" | FileCheck %s
// RUN: not loom-opt %s --loom-contract-order="optimizer=optimal memory-limit=10" 2>&1 | FileCheck %s --check-prefix=TOO-MANY
// RUN: not loom-opt %s --loom-contract-order="memory-limit=0.5" 2>&1 | FileCheck %s --check-prefix=UNREACHABLE
// RUN: not loom-opt %s --loom-contract-order="optimizer=bogus" 2>&1 | FileCheck %s --check-prefix=OPTIMIZER

// No intermediate may hold more than 300 elements: the 8x64 intermediate
// is sliced along the output row index a, one row per slice, and the
// slices are concatenated.
// CHECK-LABEL: func @sliced
// CHECK: %[[A0:.*]] = loom.slice %arg0 starts = [0, 0] limits = [1, 64] strides = [1, 1] : tensor<8x64xf32> -> tensor<1x64xf32>
// CHECK: loom.contract "ab,bc->ac" %[[A0]], %arg1 : (tensor<1x64xf32>, tensor<64x64xf32>) -> tensor<1x64xf32>
// CHECK-COUNT-7: loom.slice %arg0
// CHECK: loom.concat {{.*}} axis = 0 : ({{.*}}) -> tensor<8x8xf32>

// TOO-MANY: error: the memory limit of 10 elements needs 512 slices; at most 256 are emitted (raise max-slices or the limit)
// UNREACHABLE: error: cannot order the contraction:
// OPTIMIZER: error: --loom-contract-order: unknown optimizer 'bogus'
func.func @sliced(%a: tensor<8x64xf32>, %b: tensor<64x64xf32>, %c: tensor<64x8xf32>) -> tensor<8x8xf32> {
  %0 = loom.contract "ab,bc,cd->ad" %a, %b, %c : (tensor<8x64xf32>, tensor<64x64xf32>, tensor<64x8xf32>) -> tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}
