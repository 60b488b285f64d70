// --loom-gpu-bufferize: the distributed kernels bufferized in place into
// their bindings; workgroup and private temporaries become memref.alloc in
// those address spaces, and no tensor is left in a kernel.
// RUN: loom-opt %S/Inputs/matmul-relu-rowsum.mlir --loom-to-linalg --loom-fuse --loom-outline-dispatches --loom-gpu-distribute --loom-gpu-bufferize | FileCheck %s

// CHECK-LABEL: module @kernels
// CHECK-LABEL: func.func @main_dispatch_0
// CHECK-NOT: tensor<
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<32x32xf32, #gpu.address_space<workgroup>>
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<1x1xf32, #gpu.address_space<private>>
// CHECK: linalg.matmul ins({{.*}}, #gpu.address_space<workgroup>>, {{.*}}) outs(%{{.*}} : memref<1x1xf32, #gpu.address_space<private>>)
// CHECK-NOT: tensor<
// CHECK-LABEL: func.func @main_dispatch_1
// CHECK-NOT: tensor<
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<1x128xf32, #gpu.address_space<workgroup>>
// CHECK-NOT: tensor<
// CHECK: return
