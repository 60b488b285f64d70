// Attention over a dynamic sequence (issue 22): a reshape to sizes given as
// operands (the head split of an exported transformer), batched products
// whose batch, M and N are all dynamic, and a softmax over a dynamic
// innermost loop, whose partial tile is read with a mask and reduced as a
// select of the neutral element (no vector.mask left around a reduction).
// RUN: loom-opt %s --loom-to-linalg | FileCheck %s --check-prefix=LINALG
// RUN: loom-opt %s --loom-cpu-kernel-pipeline | FileCheck %s --check-prefix=KERNEL

// LINALG-LABEL: func.func @attention
// LINALG:   %[[FLAT:.*]] = tensor.collapse_shape %arg0 {{\[\[}}0, 1, 2]] : tensor<?x?x64xf32> into tensor<?xf32>
// LINALG:   %[[HEADS:.*]] = tensor.expand_shape %[[FLAT]] {{\[\[}}0, 1, 2]] output_shape [%arg1, %arg2, 16] : tensor<?xf32> into tensor<?x?x16xf32>
// LINALG:   linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<?x?x16xf32>, tensor<?x16x?xf32>) outs(%{{.*}} : tensor<?x?x?xf32>)
// LINALG:   tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2]] output_shape [%arg2, %arg1, 1] : tensor<?x?xf32> into tensor<?x?x1xf32>

// KERNEL-NOT: vector.mask
// KERNEL:     vector.transfer_read {{.*}} : memref<1x1x?xf32, strided<[?, ?, 1], offset: ?>>, vector<1x1x128xf32>
// KERNEL-NEXT: arith.select %{{.*}}, %{{.*}}, %{{.*}} : vector<1x1x128xi1>, vector<1x1x128xf32>
// KERNEL-NOT: vector.mask
func.func @attention(%x: tensor<?x?x64xf32> {loom.dim_names = ["seq", "batch", ""]}, %s: index, %b4: index) -> tensor<?x?x?xf32> {
  %q = loom.reshape %x[%s, %b4] : tensor<?x?x64xf32> -> tensor<?x?x16xf32>
  %qt = loom.transpose %q [1, 0, 2] : tensor<?x?x16xf32> -> tensor<?x?x16xf32>
  %kt = loom.transpose %q [1, 2, 0] : tensor<?x?x16xf32> -> tensor<?x16x?xf32>
  %a = loom.matmul %qt, %kt : (tensor<?x?x16xf32>, tensor<?x16x?xf32>) -> tensor<?x?x?xf32>
  %p = loom.softmax %a axis = 2 : tensor<?x?x?xf32>
  return %p : tensor<?x?x?xf32>
}
