//===- GpuStrategy.h - how each op family is mapped onto a GPU --*- C++ -*-===//
//
// One place for the GPU code-generation strategy: which kernels get shared
// memory or a tree reduction, and the workgroup and invocation tiles of
// each. Pure arithmetic on loop bounds; --loom-gpu-distribute applies it.
//
//===----------------------------------------------------------------------===//
#ifndef LOOM_PASSES_CODEGEN_GPU_GPUSTRATEGY_H
#define LOOM_PASSES_CODEGEN_GPU_GPUSTRATEGY_H

#include "loom/dialect/KernelContract.h"

#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <optional>

namespace loom {

/// What the target allows a workgroup.
struct GpuLimits {
  int64_t maxThreads = 128;           // invocations per workgroup
  int64_t sharedMemoryBytes = 16384;  // workgroup memory
  int64_t subgroupSize = 32;
  int64_t maxWorkgroupCount = 65535;  // per grid dimension
};

/// The strategies are the kernel contract's (loom/dialect/KernelContract.h):
/// the chosen one is recorded on the kernel.
using GpuStrategy = KernelStrategy;

/// Tiles of one kernel root. 0 = the loop is not tiled at that level.
struct GpuTilePlan {
  /// Workgroup tile per loop (the `#gpu.block` forall).
  llvm::SmallVector<int64_t> blockTiles;
  /// Invocation tile per loop inside a workgroup tile (the `#gpu.thread`
  /// forall). Unused by the tree reduction.
  llvm::SmallVector<int64_t> threadTiles;
  /// Shared-memory contraction: the reduction loop walked in steps of
  /// `reductionTile` (its operand tiles are staged in shared memory).
  int64_t reductionLoop = -1, reductionTile = 0;
  /// Tree reduction: the reduction loop split over `threads` invocations.
  int64_t splitLoop = -1;
  /// Invocations per workgroup (one dimension).
  int64_t threads = 1;
};

/// Workgroup tiles with one output element per invocation: the innermost
/// parallel loops are shared by up to `limits.maxThreads` invocations, the
/// outer ones get one iteration per workgroup. Reduction loops are not
/// tiled. Workgroup tiles grow (invocations then loop over several
/// elements) where the grid would exceed `limits.maxWorkgroupCount`.
GpuTilePlan planSimt(llvm::ArrayRef<int64_t> bounds,
                     llvm::ArrayRef<mlir::utils::IteratorType> iterators,
                     const GpuLimits &limits);

/// Shared-memory plan for a contraction (matmul-like or convolution) with
/// loop `bounds`: `parallelTileCap` bounds each of the two innermost
/// parallel loops' workgroup tiles, the outermost reduction loop is walked
/// in steps of at most `reductionTileCap`. std::nullopt when the op is too
/// small for shared memory to pay.
std::optional<GpuTilePlan>
planSharedMemoryContraction(llvm::ArrayRef<int64_t> bounds,
                            llvm::ArrayRef<mlir::utils::IteratorType> iterators,
                            int64_t parallelTileCap, int64_t reductionTileCap,
                            const GpuLimits &limits);

/// Tensor-core plan for a matmul whose loops are `bounds` (batch..., m, n,
/// k; m, n and k multiples of 16): one warp per workgroup, each workgroup
/// a 32x32 output tile where m and n allow it, else 16 wide; batch loops one
/// per workgroup. std::nullopt when the sizes do not fit.
std::optional<GpuTilePlan>
planTensorCore(llvm::ArrayRef<int64_t> bounds, const GpuLimits &limits);

/// Tree-reduction plan: one output per workgroup, the largest reduction
/// loop split over a power-of-two number of invocations. std::nullopt when
/// the reduction is short or the outputs are many enough for `planSimt`.
std::optional<GpuTilePlan>
planTreeReduction(llvm::ArrayRef<int64_t> bounds,
                  llvm::ArrayRef<mlir::utils::IteratorType> iterators,
                  const GpuLimits &limits);

} // namespace loom

#endif // LOOM_PASSES_CODEGEN_GPU_GPUSTRATEGY_H
