//===- CpuStrategy.cpp - how each op family is tiled on the CPU -----------===//
#include "CpuStrategy.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;

namespace loom {

namespace {
int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }
int64_t roundUp(int64_t a, int64_t m) { return ceilDiv(a, m) * m; }
} // namespace

SmallVector<int64_t> workgroupTileSizes(TilingInterface op,
                                        const DistributionLimits &limits) {
  OpBuilder b(op);
  SmallVector<Range> domain = op.getIterationDomain(b);
  SmallVector<utils::IteratorType> iterators = op.getLoopIteratorTypes();
  SmallVector<int64_t> bounds;
  int64_t work = 1;
  for (Range r : domain) {
    std::optional<int64_t> size = getConstantIntValue(r.size);
    if (!size)
      return {};
    bounds.push_back(*size);
    work *= std::max<int64_t>(*size, 1);
  }
  SmallVector<unsigned> parallel;
  for (auto [i, it] : llvm::enumerate(iterators))
    if (it == utils::IteratorType::parallel)
      parallel.push_back(i);
  if (parallel.empty())
    return {};

  int64_t desired = std::clamp<int64_t>(work / limits.minWorkPerWorkgroup, 1,
                                        limits.maxWorkgroups);
  if (desired <= 1)
    return {};

  // Smallest tile per loop: matmul-like ops keep register-block friendly
  // tiles (8 rows, 64 columns); the innermost loop of any op keeps a full
  // vector; outer loops may be split down to 1.
  bool isContraction = false;
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op.getOperation()))
    isContraction = linalg::isaContractionOpInterface(linalgOp);
  unsigned innermost = parallel.back();
  auto minTile = [&](unsigned loop, unsigned position) -> int64_t {
    if (isContraction)
      return position + 1 == parallel.size() ? 64 : 8;
    return loop == innermost ? 16 : 1;
  };

  SmallVector<int64_t> tiles(bounds.size(), 0);
  int64_t count = 1;
  unsigned tiled = 0;
  for (auto [position, loop] : llvm::enumerate(parallel)) {
    if (count >= desired || tiled == 3)
      break;
    int64_t want = ceilDiv(desired, count);
    int64_t tile = std::max(ceilDiv(bounds[loop], want), minTile(loop, position));
    if (loop == innermost && !isContraction)
      tile = roundUp(tile, 16);
    if (tile >= bounds[loop])
      continue;
    tiles[loop] = tile;
    count *= ceilDiv(bounds[loop], tile);
    ++tiled;
  }
  if (count <= 1)
    return {};
  return tiles;
}

namespace {

/// The tile for a loop of `bound` iterations closest to `target` from below
/// that divides the loop evenly (so that every tile has a static shape and
/// vectorizes without masks), preferring multiples of 16, then of 8 (full
/// zmm/ymm registers).
int64_t divisorTile(int64_t bound, int64_t target) {
  if (bound <= target)
    return bound;
  for (int64_t multiple : {16, 8, 1})
    for (int64_t t = target - target % multiple; t >= multiple; t -= multiple)
      if (bound % t == 0)
        return t;
  return 1;
}

/// Tile size for a loop of `bound`: 0 (untiled) when the tile covers it.
int64_t tileOrWhole(int64_t tile, int64_t bound) {
  return tile >= bound ? 0 : tile;
}

} // namespace

std::optional<VectorPlan> vectorPlan(Operation *op) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || !linalgOp.hasPureTensorSemantics())
    return std::nullopt;
  SmallVector<int64_t> bounds = linalgOp.getStaticLoopRanges();
  if (llvm::any_of(bounds, ShapedType::isDynamic) || bounds.empty())
    return std::nullopt;
  // Convolutions and pooling are vectorized only as 1-D forms; not yet.
  if (isa<linalg::ConvolutionOpInterface>(op))
    return std::nullopt;
  // i1 tensors are stored one byte per element, but vector<Nxi1> loads and
  // stores are bit-packed: such ops stay scalar.
  auto isBool = [](Type t) {
    return getElementTypeOrSelf(t).isInteger(1);
  };
  if (llvm::any_of(op->getOperandTypes(), isBool) ||
      llvm::any_of(op->getResultTypes(), isBool))
    return std::nullopt;

  VectorPlan plan;
  if (linalg::isaContractionOpInterface(linalgOp)) {
    FailureOr<linalg::ContractionDimensions> dims =
        linalg::inferContractionDims(linalgOp);
    if (succeeded(dims) && dims->m.size() == 1 && dims->n.size() == 1 &&
        dims->k.size() == 1) {
      // The register-blocked matmul of ../shared/MLIR22-NOTES.md: cache
      // tiles 64x256x256, register tiles 8x32 with k step 1; the C tile
      // stays in registers across k, the contraction becomes 8 outer
      // products (16 zmm FMAs) per k step.
      plan.isContraction = true;
      plan.cacheTiles.assign(bounds.size(), 0);
      plan.registerTiles.assign(bounds.size(), 0);
      unsigned m = dims->m[0], n = dims->n[0], k = dims->k[0];
      for (unsigned b : dims->batch) {
        plan.cacheTiles[b] = tileOrWhole(1, bounds[b]);
        plan.registerTiles[b] = 0;
      }
      int64_t mc = divisorTile(bounds[m], 64), nc = divisorTile(bounds[n], 256),
              kc = divisorTile(bounds[k], 256);
      plan.cacheTiles[m] = tileOrWhole(mc, bounds[m]);
      plan.cacheTiles[n] = tileOrWhole(nc, bounds[n]);
      plan.cacheTiles[k] = tileOrWhole(kc, bounds[k]);
      plan.registerTiles[m] = tileOrWhole(divisorTile(mc, 8), mc);
      plan.registerTiles[n] = tileOrWhole(divisorTile(nc, 32), nc);
      plan.registerTiles[k] = 1;
      return plan;
    }
  }
  // Everything else: one vector along the innermost loop, one iteration of
  // every other loop at a time.
  plan.registerTiles.assign(bounds.size(), 1);
  plan.registerTiles.back() =
      tileOrWhole(divisorTile(bounds.back(), 128), bounds.back());
  for (size_t i = 0; i + 1 < bounds.size(); ++i)
    if (bounds[i] == 1)
      plan.registerTiles[i] = 0;
  return plan;
}

} // namespace loom
