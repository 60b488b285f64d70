// --loom-nvvm-native-intrinsics: libdevice calls left by
// convert-gpu-to-nvvm become the LLVM intrinsics NVPTX has instructions
// for, and their declarations go; one without an instruction is an error.
// RUN: loom-opt %s -split-input-file -verify-diagnostics --loom-nvvm-native-intrinsics | FileCheck %s

// CHECK-LABEL: llvm.func @kernel
// CHECK: llvm.intr.sqrt(%{{.*}}) : (f32) -> f32
// CHECK: llvm.intr.floor(%{{.*}}) : (f64) -> f64
// CHECK: llvm.intr.fma(%{{.*}}, %{{.*}}, %{{.*}}) : (f32, f32, f32) -> f32
// CHECK-NOT: __nv_
gpu.module @kernels {
  llvm.func @__nv_sqrtf(f32) -> f32
  llvm.func @__nv_floor(f64) -> f64
  llvm.func @__nv_fmaf(f32, f32, f32) -> f32
  llvm.func @kernel(%a: f32, %b: f64) -> f32 {
    %0 = llvm.call @__nv_sqrtf(%a) : (f32) -> f32
    %1 = llvm.call @__nv_floor(%b) : (f64) -> f64
    %2 = llvm.call @__nv_fmaf(%0, %a, %a) : (f32, f32, f32) -> f32
    llvm.return %2 : f32
  }
}

// -----

gpu.module @kernels {
  llvm.func @__nv_lgammaf(f32) -> f32
  llvm.func @kernel(%a: f32) -> f32 {
    // expected-error @+1 {{the CUDA target has no lowering for '__nv_lgammaf' without libdevice}}
    %0 = llvm.call @__nv_lgammaf(%a) : (f32) -> f32
    llvm.return %0 : f32
  }
}
