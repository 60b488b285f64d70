//===- GpuUtils.h - helpers shared by the GPU codegen passes ----*- C++ -*-===//
#ifndef LOOM_PASSES_CODEGEN_GPU_GPUUTILS_H
#define LOOM_PASSES_CODEGEN_GPU_GPUUTILS_H

#include "loom/dialect/KernelContract.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"

namespace loom {

/// A matmul warp-level matrix ops can compute: `linalg.matmul` or
/// `linalg.batch_matmul` with f16 operands, an f16 or f32 accumulator,
/// static sizes that are multiples of 16, the left operand (batch.., m, k),
/// the right one (batch.., k, n) or transposed (batch.., n, k).
struct TensorCoreMatmul {
  unsigned batchLoops = 0;
  bool transposeRhs = false;
};
std::optional<TensorCoreMatmul> matchTensorCoreMatmul(mlir::linalg::LinalgOp op);

/// Mapping attributes of an `scf.forall` over `numLoops` loops onto
/// workgroups (`block`) or invocations: the innermost loop is linear
/// dimension 0 (x), the next 1 (y), and so on.
llvm::SmallVector<mlir::Attribute> gpuMapping(mlir::MLIRContext *ctx,
                                              bool block, unsigned numLoops);

/// Whether `forall` is mapped to workgroups / to invocations.
bool isBlockMapped(mlir::scf::ForallOp forall);
bool isThreadMapped(mlir::scf::ForallOp forall);

/// Whether `op` is inside an invocation-mapped `scf.forall`.
bool isInsideThreadForall(mlir::Operation *op);

/// Applies every registered op's canonicalization patterns to `root`.
mlir::LogicalResult canonicalizeKernels(mlir::Operation *root);

} // namespace loom

#endif // LOOM_PASSES_CODEGEN_GPU_GPUUTILS_H
