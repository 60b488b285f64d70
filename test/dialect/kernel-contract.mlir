// The kernel contract: #loom.kernel on kernel functions, its printed form,
// and the verifier's messages.
// RUN: loom-opt %s -split-input-file -verify-diagnostics | FileCheck %s

// CHECK-LABEL: module @kernels
// CHECK: func.func @empty() attributes {loom.kernel = #loom.kernel<>}
// CHECK: func.func @cpu() attributes {loom.kernel = #loom.kernel<workgroup_count = [8, 2, 1], scalar_ops = ["tensor.pad"]>}
// CHECK: func.func @gpu() attributes {loom.kernel = #loom.kernel<workgroup_count = [4, 1, 1], workgroup_size = [128, 1, 1], strategy = shared_memory_contraction>}
module @kernels {
  func.func @empty() attributes {loom.kernel = #loom.kernel<>} { return }
  func.func @cpu() attributes {loom.kernel = #loom.kernel<workgroup_count = [8, 2, 1], scalar_ops = ["tensor.pad"]>} { return }
  func.func @gpu() attributes {loom.kernel = #loom.kernel<workgroup_size = [128, 1, 1], strategy = shared_memory_contraction, workgroup_count = [4, 1, 1]>} { return }
}

// -----

// expected-error @+1 {{workgroup_count must have 3 elements (x, y, z), has 2}}
func.func @short() attributes {loom.kernel = #loom.kernel<workgroup_count = [8, 2]>} { return }

// -----

// expected-error @+1 {{workgroup_size must be positive in every dimension}}
func.func @zero() attributes {loom.kernel = #loom.kernel<workgroup_size = [0, 1, 1]>} { return }

// -----

// expected-error @+1 {{scalar_ops must be a list of op names}}
func.func @names() attributes {loom.kernel = #loom.kernel<scalar_ops = [1]>} { return }

// -----

// expected-error @+2 {{failed to parse Loom_KernelAttr parameter 'strategy'}}
// expected-error @+1 {{expected one of [none, serial, simt, shared_memory_contraction, tree_reduction, row_reduction, loop_invocations, tensor_core] for how a GPU kernel's work is spread over a workgroup's invocations, got: warp_magic}}
func.func @strategy() attributes {loom.kernel = #loom.kernel<strategy = warp_magic>} { return }

// -----

// expected-error @+1 {{'loom.kernel' must be a #loom.kernel attribute}}
func.func @unit() attributes {loom.kernel} { return }

// -----

// expected-error @+1 {{'loom.kernel' belongs on a kernel function, not on 'builtin.module'}}
module attributes {loom.kernel = #loom.kernel<>} {}

// -----

// expected-error @+1 {{unknown loom dialect attribute 'loom.workgroup_count'}}
func.func @old() attributes {loom.workgroup_count = [1, 1, 1]} { return }

// -----

func.func @marker(%a: tensor<4xf32>, %o: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{'loom.tree_merge' must be a unit attribute}}
  %r = linalg.reduce ins(%a : tensor<4xf32>) outs(%o : tensor<f32>) dimensions = [0] {loom.tree_merge = 1 : i32}
    (%x: f32, %y: f32) {
      %s = arith.addf %x, %y : f32
      linalg.yield %s : f32
    }
  return %r : tensor<f32>
}
