//===- CpuStrategy.h - how each op family is tiled on the CPU ---*- C++ -*-===//
//
// One place for the CPU code-generation strategy: the workgroup tiles of a
// kernel's root op per op family.
//
//===----------------------------------------------------------------------===//
#ifndef LOOM_PASSES_CODEGEN_CPUSTRATEGY_H
#define LOOM_PASSES_CODEGEN_CPUSTRATEGY_H

#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Interfaces/TilingInterface.h"

namespace loom {

struct DistributionLimits {
  int64_t minWorkPerWorkgroup = 65536;
  int64_t maxWorkgroups = 64;
  /// When > 0, the largest workgroup tile (elements of the root) of a
  /// non-matmul kernel: kernels whose fused ops keep per-tile intermediates
  /// (softmax, norms) keep them small enough for the cache and the heap's
  /// fast path.
  int64_t maxTileElements = 0;
  /// Loops of the root that are never split (a softmax's or norm's row:
  /// the fused reductions need all of it, and a split would recompute them
  /// in every tile).
  llvm::SmallVector<unsigned> wholeLoops;
};

/// Workgroup tile size per loop of `op` (0 = not tiled). At most three
/// parallel loops are tiled, so the tiles map onto a 3-D grid. Returns an
/// empty vector when the op should run as one workgroup.
llvm::SmallVector<int64_t> workgroupTileSizes(mlir::TilingInterface op,
                                              const DistributionLimits &limits);

/// The vector registers of the target CPU: f32 lanes per register and how
/// many registers there are (AVX-512: 16 and 32; AVX2: 8 and 16). The
/// register tiles are sized so that their accumulators use half of them.
struct CpuVectorShape {
  int64_t lanes = 16;
  int64_t registers = 32;
};

/// How one linalg op is tiled for registers and vectorized inside a
/// workgroup. `cacheTiles` (may be empty) is a first level of scf.for tiling
/// for the cache; `registerTiles` the second, whose tiles become vectors.
/// 0 = that loop is not tiled at this level.
struct VectorPlan {
  llvm::SmallVector<int64_t> cacheTiles;
  llvm::SmallVector<int64_t> registerTiles;
  /// Order of the cache-level loops (a permutation of the op's loops;
  /// empty: the op's own order).
  llvm::SmallVector<int64_t> cacheInterchange;
  /// Order of the register-level loops (empty: the op's own order).
  llvm::SmallVector<int64_t> registerInterchange;
  bool isContraction = false;
  /// Register tiles need not divide their loops: the last, partial tile of
  /// each register loop is peeled off (and vectorized at its own size).
  bool peelRegisterTiles = false;
  /// Contractions whose M loop has a size known only at run time: the rows
  /// left over after the full register blocks (fewer than a block) are
  /// tiled with these instead, one row at a time and wider along N, as a
  /// static matrix-vector product would be (empty: no such loop).
  llvm::SmallVector<int64_t> remainderRegisterTiles;
  /// The M loop of a contraction (for remainderRegisterTiles).
  int64_t rowLoop = -1;
};

/// The static loop ranges of `op`, each dynamic one replaced by its upper
/// bound where one is known (the size of the tile it was cut to), else by a
/// large power of two (planned as a long loop).
llvm::SmallVector<int64_t> loopUpperBounds(mlir::linalg::LinalgOp op);

/// The plan for `op`, or std::nullopt when the op family has no vector
/// strategy yet (it is then lowered to scalar loops, and the kernel records
/// it in the `scalar_ops` of the kernel's #loom.kernel).
std::optional<VectorPlan> vectorPlan(mlir::Operation *op,
                                     const CpuVectorShape &shape);

} // namespace loom

#endif // LOOM_PASSES_CODEGEN_CPUSTRATEGY_H
