//===- KernelContract.h - kernels and what is known of them -----*- C++ -*-===//
//
// The contract between code generation (passes/codegen), the schedule and
// module writer (lib/module) and the targets (lib/target):
//
// - After --loom-outline-dispatches a module holds its host functions at the
//   top level and its kernels in a nested `module @kernels`.
// - Each kernel is a func.func carrying `loom.kernel = #loom.kernel<...>`
//   (dialects/loom/LoomKernelAttrs.td): its workgroup grid, GPU workgroup
//   size and strategy, and the ops left scalar. The loom dialect verifies
//   the attribute wherever it appears.
//
// Everything above the passes reads kernels through this header only.
//
//===----------------------------------------------------------------------===//
#ifndef LOOM_DIALECT_KERNELCONTRACT_H
#define LOOM_DIALECT_KERNELCONTRACT_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectImplementation.h"

#include "dialects/loom/LoomKernelEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/loom/LoomKernelAttrs.h.inc"

#include <array>

namespace loom {

/// The discardable attribute holding a kernel's #loom.kernel.
constexpr llvm::StringLiteral kKernelAttrName = "loom.kernel";
/// Symbol name of the nested kernel module.
constexpr llvm::StringLiteral kKernelModuleName = "kernels";
/// Unit markers the GPU code generation leaves on ops inside a kernel for
/// its later passes: the merge step of a tree reduction, and a matmul tile
/// computed with warp-level matrix multiply-accumulate.
constexpr llvm::StringLiteral kTreeMergeAttrName = "loom.tree_merge";
constexpr llvm::StringLiteral kTensorCoreAttrName = "loom.tensor_core";
constexpr llvm::StringLiteral kWorkgroupCountMapAttrName =
    "loom.workgroup_count_map";

/// The nested kernel module of `top`, or null.
mlir::ModuleOp getKernelModule(mlir::ModuleOp top);
/// The nested kernel module of `top`, created at its end if missing.
mlir::ModuleOp getOrCreateKernelModule(mlir::ModuleOp top);
/// The kernels (func.func with `loom.kernel`) under `root`, in order.
llvm::SmallVector<mlir::func::FuncOp> getKernels(mlir::Operation *root);

/// The #loom.kernel of `kernel` (any op: func.func or gpu.func), or null.
KernelAttr getKernelAttr(mlir::Operation *kernel);
/// Marks `kernel` as a kernel (an empty #loom.kernel) if it is not one.
void markKernel(mlir::Operation *kernel);

/// The workgroup grid of `kernel` ([1, 1, 1] if not recorded).
std::array<int64_t, 3> getWorkgroupCount(mlir::Operation *kernel);
/// Invocations per workgroup of a GPU kernel ([1, 1, 1] if not recorded).
std::array<int64_t, 3> getWorkgroupSize(mlir::Operation *kernel);
/// True if a workgroup size was recorded (GPU kernels).
bool hasWorkgroupSize(mlir::Operation *kernel);
/// The GPU strategy of `kernel` (KernelStrategy::None if not recorded).
KernelStrategy getKernelStrategy(mlir::Operation *kernel);
/// The ops left as scalar loops (empty if none were).
llvm::SmallVector<llvm::StringRef> getScalarOps(mlir::Operation *kernel);

/// A grid computed per call: `()[s0, ...] -> (x, y, z)` over the kernel's
/// push constants (symbol i is push constant i, a size of the call). Set by
/// --loom-map-workgroups for kernels tiled over dynamic sizes; the static
/// workgroup_count is then unused. Null when the grid is static.
mlir::AffineMap getWorkgroupCountMap(mlir::Operation *kernel);
void setWorkgroupCountMap(mlir::Operation *kernel, mlir::AffineMap map);

/// Each setter replaces one field of `kernel`'s #loom.kernel, keeping the
/// others (and marks it a kernel if it was not one).
void setWorkgroupCount(mlir::Operation *kernel,
                       llvm::ArrayRef<int64_t> count);
void setWorkgroupSize(mlir::Operation *kernel, llvm::ArrayRef<int64_t> size);
void setKernelStrategy(mlir::Operation *kernel, KernelStrategy strategy);
void setScalarOps(mlir::Operation *kernel, llvm::ArrayRef<llvm::StringRef> ops);

} // namespace loom

#endif // LOOM_DIALECT_KERNELCONTRACT_H
