//===- KernelModule.h - where outlined kernels live -------------*- C++ -*-===//
//
// After --loom-outline-dispatches a module holds its host functions at the
// top level and its kernels in a nested `module @kernels`. These names and
// helpers are shared by the codegen passes, the module writer and the
// targets.
//
//===----------------------------------------------------------------------===//
#ifndef LOOM_PASSES_KERNELMODULE_H
#define LOOM_PASSES_KERNELMODULE_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

#include <array>

namespace loom {

/// Unit attribute marking a kernel func.func.
constexpr llvm::StringLiteral kKernelAttrName = "loom.kernel";
/// Symbol name of the nested kernel module.
constexpr llvm::StringLiteral kKernelModuleName = "kernels";
/// i64 array attribute [x, y, z] on a kernel: its workgroup grid.
constexpr llvm::StringLiteral kWorkgroupCountAttrName = "loom.workgroup_count";

/// String array attribute on a kernel: ops lowered to scalar loops.
constexpr llvm::StringLiteral kScalarOpsAttrName = "loom.scalar_ops";

/// The nested kernel module of `top`, or null.
mlir::ModuleOp getKernelModule(mlir::ModuleOp top);
/// The nested kernel module of `top`, created at its end if missing.
mlir::ModuleOp getOrCreateKernelModule(mlir::ModuleOp top);
/// The kernels (func.func with `loom.kernel`) under `root`, in order.
llvm::SmallVector<mlir::func::FuncOp> getKernels(mlir::Operation *root);
/// The workgroup grid of `kernel` ([1, 1, 1] if not recorded).
std::array<int64_t, 3> getWorkgroupCount(mlir::func::FuncOp kernel);

} // namespace loom

#endif // LOOM_PASSES_KERNELMODULE_H
