// RUN: loom-opt %s --split-input-file --loom-gpu-tensor-cores --verify-diagnostics | FileCheck %s

// A workgroup's 32x32 tile of an f16 matmul accumulated in f32: four
// accumulator fragments loaded, a loop over k in steps of 16 loading two A
// and two B fragments and multiplying, the fragments stored back; barriers
// before (the fill) and after (the epilogue).
// CHECK-LABEL: func.func @tile
// CHECK: gpu.barrier
// CHECK-COUNT-4: gpu.subgroup_mma_load_matrix %{{.*}} {leadDimension = 96 : index} : memref<32x32xf32, strided<[96, 1], offset: ?>> -> !gpu.mma_matrix<16x16xf32, "COp">
// CHECK: scf.for %[[K:.*]] = %c0{{.*}} to %c128 step %c16{{.*}} iter_args
// CHECK: gpu.subgroup_mma_load_matrix %{{.*}}[%c0{{.*}}, %[[K]]] {leadDimension = 128 : index} {{.*}} -> !gpu.mma_matrix<16x16xf16, "AOp">
// CHECK: gpu.subgroup_mma_load_matrix %{{.*}}[%c16{{.*}}, %[[K]]] {leadDimension = 128 : index} {{.*}} -> !gpu.mma_matrix<16x16xf16, "AOp">
// CHECK: gpu.subgroup_mma_load_matrix %{{.*}}[%[[K]], %c0{{.*}}] {leadDimension = 96 : index} {{.*}} -> !gpu.mma_matrix<16x16xf16, "BOp">
// CHECK: gpu.subgroup_mma_load_matrix %{{.*}}[%[[K]], %c16{{.*}}] {leadDimension = 96 : index} {{.*}} -> !gpu.mma_matrix<16x16xf16, "BOp">
// CHECK-COUNT-4: gpu.subgroup_mma_compute
// CHECK: scf.yield
// CHECK-COUNT-4: gpu.subgroup_mma_store_matrix
// CHECK-NEXT: gpu.barrier
// CHECK-NOT: linalg.matmul
func.func @tile(%a: memref<32x128xf16, strided<[128, 1], offset: ?>>,
                %b: memref<128x32xf16, strided<[96, 1], offset: ?>>,
                %c: memref<32x32xf32, strided<[96, 1], offset: ?>>) {
  linalg.matmul {loom.tensor_core}
      ins(%a, %b : memref<32x128xf16, strided<[128, 1], offset: ?>>, memref<128x32xf16, strided<[96, 1], offset: ?>>)
      outs(%c : memref<32x32xf32, strided<[96, 1], offset: ?>>)
  return
}

// -----

// A right operand stored (n, k) is loaded column-major, and the multiply
// says so; a batch loop walks the batch of the tile.
// CHECK-LABEL: func.func @transposed_batch
// CHECK: scf.for %[[B:.*]] = %c0 to %c2 step %c1
// CHECK: gpu.subgroup_mma_load_matrix %{{.*}}[%[[B]], %c0{{.*}}, %c0{{.*}}] {leadDimension = 16 : index} : memref<2x16x16xf16> -> !gpu.mma_matrix<16x16xf16, "COp">
// CHECK: scf.for %[[K:.*]] = %c0{{.*}} to %c32 step %c16
// CHECK: gpu.subgroup_mma_load_matrix %{{.*}}[%[[B]], %c0{{.*}}, %[[K]]] {leadDimension = 32 : index, transpose} : memref<2x16x32xf16> -> !gpu.mma_matrix<16x16xf16, "BOp">
// CHECK: gpu.subgroup_mma_compute %{{.*}}, %{{.*}}, %{{.*}} {b_transpose}
#lhs = affine_map<(b, m, n, k) -> (b, m, k)>
#rhs = affine_map<(b, m, n, k) -> (b, n, k)>
#out = affine_map<(b, m, n, k) -> (b, m, n)>
func.func @transposed_batch(%a: memref<2x16x32xf16>, %b: memref<2x16x32xf16>,
                            %c: memref<2x16x16xf16>) {
  linalg.batch_matmul indexing_maps = [#lhs, #rhs, #out] {loom.tensor_core}
      ins(%a, %b : memref<2x16x32xf16>, memref<2x16x32xf16>)
      outs(%c : memref<2x16x16xf16>)
  return
}

// -----

// Unmarked matmuls are left alone.
// CHECK-LABEL: func.func @unmarked
// CHECK: linalg.matmul
// CHECK-NOT: gpu.subgroup_mma
func.func @unmarked(%a: memref<16x16xf16>, %b: memref<16x16xf16>, %c: memref<16x16xf32>) {
  linalg.matmul ins(%a, %b : memref<16x16xf16>, memref<16x16xf16>) outs(%c : memref<16x16xf32>)
  return
}

// -----

func.func @f32_operands(%a: memref<16x16xf32>, %b: memref<16x16xf32>, %c: memref<16x16xf32>) {
  // expected-error @+1 {{a matmul marked for tensor cores must be a bufferized f16 matmul with sizes that are multiples of 16}}
  linalg.matmul {loom.tensor_core} ins(%a, %b : memref<16x16xf32>, memref<16x16xf32>) outs(%c : memref<16x16xf32>)
  return
}

// -----

func.func @strided_columns(%a: memref<16x16xf16, strided<[32, 2]>>, %b: memref<16x16xf16>, %c: memref<16x16xf32>) {
  // expected-error @+1 {{tensor-core operands need unit innermost strides and static row strides}}
  linalg.matmul {loom.tensor_core} ins(%a, %b : memref<16x16xf16, strided<[32, 2]>>, memref<16x16xf16>) outs(%c : memref<16x16xf32>)
  return
}
