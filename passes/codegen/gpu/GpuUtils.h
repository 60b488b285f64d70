//===- GpuUtils.h - helpers shared by the GPU codegen passes ----*- C++ -*-===//
#ifndef LOOM_PASSES_CODEGEN_GPU_GPUUTILS_H
#define LOOM_PASSES_CODEGEN_GPU_GPUUTILS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"

namespace loom {

/// Unit attribute on a `linalg.reduce` merging the partial results of the
/// invocations: --loom-gpu-map-forall combines them as a tree.
constexpr llvm::StringLiteral kTreeMergeAttrName = "loom.tree_merge";

/// Unit attribute on the matmul of a `tensor-core` kernel: left whole by
/// --loom-gpu-distribute for --loom-gpu-tensor-cores.
constexpr llvm::StringLiteral kTensorCoreAttrName = "loom.tensor_core";

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

/// The kernel's strategy attribute equals `name`.
bool hasGpuStrategy(mlir::func::FuncOp kernel, llvm::StringRef name);

/// Applies every registered op's canonicalization patterns to `root`.
mlir::LogicalResult canonicalizeKernels(mlir::Operation *root);

/// Parses a pipeline of upstream passes (registering them first) into `pm`.
mlir::LogicalResult parseUpstreamPipeline(llvm::StringRef pipeline,
                                          mlir::OpPassManager &pm);

/// Pipeline (on a builtin.module) lowering what is left of structured ops in
/// every gpu.module to scalar code on the kernels' buffers: linalg ops to
/// loops, memref views folded into the loads and stores, affine to arith.
extern const char *kScalarLoweringPipeline;

} // namespace loom

#endif // LOOM_PASSES_CODEGEN_GPU_GPUUTILS_H
