// RUN: loom-opt %s --split-input-file --loom-contract-order="optimizer=optimal memory-limit=300 slice-loops=1" | FileCheck %s
// RUN: loom-opt %s --split-input-file --loom-contract-order="optimizer=optimal memory-limit=20 slice-loops=1" | FileCheck %s --check-prefix=TRACE

// No intermediate may hold more than 300 elements: the 8x64 intermediate is
// sliced along the output row index a. With slice-loops the slices are one
// loom.slice_loop: %a's sliced dimension is already outermost (no
// transpose), every slice reads a 1x64 block of it (stride 64) and all of
// %b and %c (stride 0), and writes its 1x8 block of the result (stride 8).
// CHECK-LABEL: func.func private @sliced_slice(
// CHECK-SAME: %[[A:.*]]: tensor<1x64xf32>, %[[B:.*]]: tensor<64x64xf32>, %[[C:.*]]: tensor<64x8xf32>) -> tensor<1x8xf32>
// CHECK: loom.contract "ab,bc->ac" %[[A]], %[[B]]
// CHECK: %[[P:.*]] = loom.contract {{.*}} -> tensor<1x8xf32>
// CHECK: return %[[P]]
// CHECK-LABEL: func.func private @sliced_slice_acc(
// CHECK-SAME: tensor<1x8xf32>, %{{.*}}: tensor<1x8xf32>) -> tensor<1x8xf32>
// CHECK: loom.add
// CHECK-LABEL: func.func private @sliced_slice_reduce(
// CHECK-SAME: tensor<8x8xf32>
// CHECK-LABEL: func.func @sliced(
// CHECK: %[[R:.*]] = loom.slice_loop @sliced_slice(%arg0, %arg1, %arg2) accumulate @sliced_slice_acc reduce @sliced_slice_reduce extents = [8] input_strides = [64, 0, 0] output_strides = [8] : (tensor<8x64xf32>, tensor<64x64xf32>, tensor<64x8xf32>) -> tensor<8x8xf32>
// CHECK-NEXT: return %[[R]]
func.func @sliced(%a: tensor<8x64xf32>, %b: tensor<64x64xf32>, %c: tensor<64x8xf32>) -> tensor<8x8xf32> {
  %0 = loom.contract "ab,bc,cd->ad" %a, %b, %c : (tensor<8x64xf32>, tensor<64x64xf32>, tensor<64x8xf32>) -> tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

// Under a limit of 20 elements, a summed index sliced (b): the matrix holding it inner is transposed so
// it is outermost; every slice adds into the whole result (output stride
// 0), so the accumulation and the reduction are one function.
// TRACE-LABEL: func.func private @trace_slice(
// TRACE-SAME: tensor<16x1xf32>, %{{.*}}: tensor<1x16xf32>, %{{.*}}: tensor<16x16xf32>, %{{.*}}: tensor<16x16xf32>) -> tensor<f32>
// TRACE-LABEL: func.func private @trace_slice_acc(
// TRACE-NOT: @trace_slice_reduce
// TRACE-LABEL: func.func @trace(
// TRACE: %[[T:.*]] = loom.transpose %arg0 [1, 0]
// TRACE: loom.slice_loop @trace_slice(%[[T]], %arg1, %arg2, %arg3) accumulate @trace_slice_acc reduce @trace_slice_acc extents = [16] input_strides = [16, 16, 0, 0] output_strides = [0]
func.func @trace(%w: tensor<16x16xf32>, %x: tensor<16x16xf32>, %y: tensor<16x16xf32>, %z: tensor<16x16xf32>) -> tensor<f32> {
  %0 = loom.contract "ab,bc,cd,da->" %w, %x, %y, %z : (tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}
