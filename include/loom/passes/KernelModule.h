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

namespace mlir {
class TilingInterface;
} // namespace mlir

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

/// The op whose result a kernel (still on tensors) stores into its single
/// output binding, or null (several outputs, or not tileable).
mlir::TilingInterface findKernelRoot(mlir::func::FuncOp kernel);

/// One-shot bufferization of the kernels in place into their bindings,
/// after eliminating empty tensors; copies stay structured (linalg.copy) so
/// that they are tiled and lowered like every other linalg op.
mlir::LogicalResult bufferizeKernelsInPlace(mlir::ModuleOp kernels);

} // namespace loom

#endif // LOOM_PASSES_KERNELMODULE_H
