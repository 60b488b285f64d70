// REQUIRES: x86_64
// RUN: loom-opt %s --loom-cpu-kernel-pipeline --loom-cpu-lower-to-llvm=streaming-output-bytes=16777216 -split-input-file | FileCheck %s
// RUN: loom-opt %s --loom-cpu-pipeline=cpu=skylake-avx512 -split-input-file | FileCheck %s --check-prefix=DEFAULT

// An output of at least streaming-output-bytes (16 MiB here) is written
// with aligned non-temporal stores (no read of each line before it is
// written, no eviction of the inputs). The kernel does not fence them: the
// runtime fences once per range of workgroups (kernel ABI version 2).
// --loom-cpu-pipeline=cpu=skylake-avx512 uses the CPU target's default (a named CPU's
// last-level cache: 32 MiB), which 16 MiB does not reach.
// CHECK-LABEL: llvm.func internal @main_dispatch_0_impl
// CHECK: llvm.store %{{.*}}, %{{.*}} {alignment = 64 : i64, nontemporal} : vector<64xf32>, !llvm.ptr
// CHECK-NOT: sfence
// CHECK: llvm.return
// DEFAULT-LABEL: llvm.func internal @main_dispatch_0_impl
// DEFAULT: llvm.return
func.func @main(%x: tensor<4096x1024xf32>) -> tensor<4096x1024xf32> {
  %0 = loom.add %x, %x : (tensor<4096x1024xf32>, tensor<4096x1024xf32>) -> tensor<4096x1024xf32>
  return %0 : tensor<4096x1024xf32>
}

// -----

// A 4 MiB output may stay in the caches for its reader: ordinary stores.
// CHECK-LABEL: llvm.func internal @main_dispatch_0_impl
// CHECK-NOT: nontemporal
// CHECK-NOT: sfence
// CHECK: llvm.return
// DEFAULT-LABEL: llvm.func internal @main_dispatch_0_impl
// DEFAULT-NOT: nontemporal
// DEFAULT: llvm.return
func.func @main(%x: tensor<1024x1024xf32>) -> tensor<1024x1024xf32> {
  %0 = loom.add %x, %x : (tensor<1024x1024xf32>, tensor<1024x1024xf32>) -> tensor<1024x1024xf32>
  return %0 : tensor<1024x1024xf32>
}

// -----

// Rows whose length is not a whole number of cache lines (1000 floats)
// cannot be proven 64-byte aligned: ordinary stores.
// CHECK-LABEL: llvm.func internal @main_dispatch_0_impl
// CHECK-NOT: nontemporal
// CHECK: llvm.return
// DEFAULT-LABEL: llvm.func internal @main_dispatch_0_impl
// DEFAULT: llvm.return
func.func @main(%x: tensor<4096x1000xf32>) -> tensor<4096x1000xf32> {
  %0 = loom.add %x, %x : (tensor<4096x1000xf32>, tensor<4096x1000xf32>) -> tensor<4096x1000xf32>
  return %0 : tensor<4096x1000xf32>
}

// -----

// A 4 GiB output is larger than any host's last-level cache: with the
// default threshold it is streamed.
// CHECK-LABEL: llvm.func internal @main_dispatch_0_impl
// CHECK: nontemporal
// DEFAULT-LABEL: llvm.func internal @main_dispatch_0_impl
// DEFAULT: llvm.store %{{.*}}, %{{.*}} {alignment = 64 : i64, nontemporal} : vector<64xf32>, !llvm.ptr
// DEFAULT: llvm.return
func.func @main(%x: tensor<65536x16384xf32>) -> tensor<65536x16384xf32> {
  %0 = loom.add %x, %x : (tensor<65536x16384xf32>, tensor<65536x16384xf32>) -> tensor<65536x16384xf32>
  return %0 : tensor<65536x16384xf32>
}
