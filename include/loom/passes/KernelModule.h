//===- KernelModule.h - helpers of the kernel code generation ---*- C++ -*-===//
//
// What the code-generation passes share about outlined kernels beyond the
// kernel contract (loom/dialect/KernelContract.h, which everything above
// the passes reads): the kernel's root op, and its bufferization.
//
//===----------------------------------------------------------------------===//
#ifndef LOOM_PASSES_KERNELMODULE_H
#define LOOM_PASSES_KERNELMODULE_H

#include "loom/dialect/KernelContract.h"

#include <optional>

namespace mlir {
class TilingInterface;
namespace scf {
class ForallOp;
} // namespace scf
} // namespace mlir

namespace loom {

/// The op whose result a kernel (still on tensors) stores into its single
/// output binding, or null (several outputs, or not tileable).
mlir::TilingInterface findKernelRoot(mlir::func::FuncOp kernel);

/// The number of iterations of each loop of `forall` where its bounds and
/// step are constants (std::nullopt where not).
llvm::SmallVector<std::optional<int64_t>>
staticTripCounts(mlir::scf::ForallOp forall);

/// One-shot bufferization of the kernels in place into their bindings,
/// after eliminating empty tensors; copies stay structured (linalg.copy) so
/// that they are tiled and lowered like every other linalg op.
mlir::LogicalResult bufferizeKernelsInPlace(mlir::ModuleOp kernels);

} // namespace loom

#endif // LOOM_PASSES_KERNELMODULE_H
