//===- CpuStrategy.cpp - how each op family is tiled on the CPU -----------===//
#include "CpuStrategy.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Interfaces/ValueBoundsOpInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;

namespace loom {

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

/// Matmul-like: one K loop, and one M and one N loop blocked in registers
/// (the innermost of each). Other M and N loops (the batch of one operand
/// that the other broadcasts over: a matrix applied to every slice of a
/// tensor, as the tensor-network lowering emits) are returned with the
/// batch loops: they are walked one iteration at a time like a batch.
std::optional<linalg::ContractionDimensions> matmulDims(Operation *op) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || !linalg::isaContractionOpInterface(linalgOp))
    return std::nullopt;
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(linalgOp);
  if (failed(dims) || dims->m.empty() || dims->n.empty() ||
      dims->k.size() != 1)
    return std::nullopt;
  for (SmallVector<unsigned, 2> *free : {&dims->m, &dims->n}) {
    dims->batch.append(free->begin(), free->end() - 1);
    free->erase(free->begin(), free->end() - 1);
  }
  llvm::sort(dims->batch);
  return *dims;
}

} // namespace

SmallVector<int64_t> workgroupTileSizes(TilingInterface op,
                                        const DistributionLimits &limits) {
  OpBuilder b(op);
  SmallVector<Range> domain = op.getIterationDomain(b);
  SmallVector<utils::IteratorType> iterators = op.getLoopIteratorTypes();
  SmallVector<int64_t> bounds;
  SmallVector<bool> dynamic;
  for (Range r : domain) {
    std::optional<int64_t> size = getConstantIntValue(r.size);
    bounds.push_back(size ? *size : ShapedType::kDynamic);
    dynamic.push_back(!size);
  }
  SmallVector<unsigned> parallel;
  for (auto [i, it] : llvm::enumerate(iterators))
    if (it == utils::IteratorType::parallel)
      parallel.push_back(i);
  if (parallel.empty())
    return {};
  // Matmuls keep large tiles (operand reuse); other ops take more, smaller
  // workgroups so that what a fused group keeps per tile stays in cache
  // (with a tile bound: as many as the bound asks, up to a row each).
  std::optional<linalg::ContractionDimensions> contraction = matmulDims(op);
  bool matmul = contraction.has_value();
  bool bounded = !matmul && limits.maxTileElements > 0;
  // A loop of a size known only at run time (a dynamic batch) is planned
  // as one workgroup tile of it: a matmul's M as one cache block (64 rows);
  // a parallel loop of another op as the rows that make a workgroup's
  // worth of work (within the tile bound); a reduction as 64. The loop is
  // then always tiled by that tile: the grid grows with the size, and the
  // other loops are split as they would be for one tile's worth of rows.
  if (llvm::is_contained(dynamic, true)) {
    int64_t staticWork = 1;
    for (int64_t bound : bounds)
      if (!ShapedType::isDynamic(bound))
        staticWork *= std::max<int64_t>(bound, 1);
    int64_t rows = std::max<int64_t>(
        limits.minWorkPerWorkgroup / std::max<int64_t>(staticWork, 1), 1);
    if (bounded)
      rows = std::min(rows, std::max<int64_t>(
                                limits.maxTileElements / staticWork, 1));
    rows = std::min<int64_t>(llvm::PowerOf2Ceil(rows), 4096);
    for (size_t l = 0; l < bounds.size(); ++l) {
      if (!dynamic[l])
        continue;
      bool isM = matmul && llvm::is_contained(contraction->m, l);
      bounds[l] = iterators[l] == utils::IteratorType::reduction ? 64
                  : isM                                           ? 64
                                                                  : rows;
    }
  }
  int64_t work = 1;
  for (int64_t bound : bounds)
    work *= std::max<int64_t>(bound, 1);
  int64_t maxWorkgroups = matmul    ? limits.maxWorkgroups
                          : bounded ? 64 * limits.maxWorkgroups
                                    : 8 * limits.maxWorkgroups;
  int64_t wanted = work / limits.minWorkPerWorkgroup;
  if (bounded)
    wanted = std::max(wanted, (work + limits.maxTileElements - 1) /
                                  limits.maxTileElements);
  int64_t desired = std::clamp<int64_t>(wanted, 1, maxWorkgroups);
  if (desired <= 1 && !llvm::is_contained(dynamic, true))
    return {};

  // Which loops may be split, in order of preference, and how far. Matmul-
  // like ops: batch loops first, then whichever of M and N has the larger
  // tile (square-ish tiles reuse both operands from cache), never below
  // 32x64 (128 columns with fewer than 8 rows). Other ops: outer loops
  // first, the innermost keeps at least a vector. Tiles always divide their
  // loop.
  SmallVector<int64_t> tiles(bounds);
  SmallVector<int64_t> minTile(bounds.size(), 1);
  SmallVector<unsigned> outer, planar;
  if (const std::optional<linalg::ContractionDimensions> &dims = contraction) {
    llvm::append_range(outer, dims->batch);
    planar = {dims->m[0], dims->n[0]};
    // At least 32x64 (eight 8x32 register blocks): in smaller workgroups
    // each element of A and B read from L2 feeds too few FMAs.
    minTile[dims->m[0]] = std::min<int64_t>(32, bounds[dims->m[0]]);
    // A matrix-vector product (fewer rows than a register block) streams B
    // from memory: a workgroup keeps at least 128 columns so that each step
    // along K reads 512 contiguous bytes of a row of B (whole cache lines,
    // enough for the hardware prefetcher to follow).
    minTile[dims->n[0]] = std::min<int64_t>(
        bounds[dims->m[0]] < 8 ? 128 : 64, bounds[dims->n[0]]);
    // A dynamic M brings its own workgroups (one per 64 rows): the tile
    // stays 64 rows by at least 64 columns instead of splitting M further
    // as if those 64 rows were the whole product (32x64 tiles were 10%
    // slower on the encoder's 1024-row products; 64 columns rather than
    // 128 keep a short product's B panel in L2: 20% faster at 17 rows).
    if (dynamic[dims->m[0]]) {
      minTile[dims->m[0]] = bounds[dims->m[0]];
      minTile[dims->n[0]] = std::min<int64_t>(64, bounds[dims->n[0]]);
    }
  } else {
    outer.assign(parallel.begin(), parallel.end());
    minTile[parallel.back()] = std::min<int64_t>(16, bounds[parallel.back()]);
  }
  auto count = [&] {
    int64_t c = 1;
    for (unsigned l : parallel)
      c *= bounds[l] / tiles[l];
    return c;
  };
  auto split = [&](unsigned l) {
    if (llvm::is_contained(limits.wholeLoops, l))
      return false;
    int64_t tiled = llvm::count_if(
        parallel, [&](unsigned p) { return tiles[p] < bounds[p]; });
    if (tiles[l] == bounds[l] && tiled == 3)
      return false; // the grid has three dimensions
    int64_t t = divisorTile(bounds[l], tiles[l] / 2);
    if (t < minTile[l] || t >= tiles[l])
      return false;
    tiles[l] = t;
    return true;
  };
  while (count() < desired) {
    bool progress = llvm::any_of(outer, split);
    if (!progress && !planar.empty()) {
      bool mFirst = tiles[planar[0]] >= tiles[planar[1]];
      progress = mFirst ? split(planar[0]) || split(planar[1])
                        : split(planar[1]) || split(planar[0]);
    }
    if (!progress)
      break;
  }
  bool anyDynamic = llvm::is_contained(dynamic, true);
  if (count() <= 1 && !anyDynamic)
    return {};
  SmallVector<int64_t> result(bounds.size(), 0);
  for (unsigned l : parallel)
    if (tiles[l] < bounds[l] || dynamic[l])
      result[l] = tiles[l];
  return result;
}

/// The planning size of a dynamic loop with no known bound: a power of two
/// (every preferred tile divides it) larger than any tile.
constexpr int64_t kUnboundedLoop = int64_t(1) << 20;

SmallVector<int64_t> loopUpperBounds(linalg::LinalgOp op) {
  SmallVector<int64_t> bounds = op.getStaticLoopRanges();
  for (auto [l, bound] : llvm::enumerate(bounds)) {
    if (!ShapedType::isDynamic(bound))
      continue;
    for (OpOperand &operand : op->getOpOperands()) {
      AffineMap map = op.getMatchingIndexingMap(&operand);
      std::optional<unsigned> position =
          map.getResultPosition(getAffineDimExpr(l, op.getContext()));
      if (!position || !isa<ShapedType>(operand.get().getType()))
        continue;
      FailureOr<int64_t> ub = ValueBoundsConstraintSet::computeConstantBound(
          presburger::BoundType::UB,
          ValueBoundsConstraintSet::Variable(operand.get(), *position),
          /*stopCondition=*/nullptr, /*closedUB=*/true);
      if (succeeded(ub) && *ub > 0) {
        bounds[l] = *ub;
        break;
      }
    }
    // No bound (a loop the workgroup tiles do not cut, such as a reduction
    // over the batch): planned as a long loop, its tiles full and static
    // but for the remainder.
    if (ShapedType::isDynamic(bounds[l]))
      bounds[l] = kUnboundedLoop;
  }
  return bounds;
}

std::optional<VectorPlan> vectorPlan(Operation *op,
                                     const CpuVectorShape &shape) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || !linalgOp.hasPureTensorSemantics())
    return std::nullopt;
  // A loop of a size known only at run time is planned at its upper bound
  // (a workgroup's tile), its last, partial tile peeled off.
  SmallVector<int64_t> bounds = loopUpperBounds(linalgOp);
  if (llvm::any_of(bounds, ShapedType::isDynamic) || bounds.empty())
    return std::nullopt;
  bool dynamicLoops = llvm::any_of(linalgOp.getStaticLoopRanges(),
                                   ShapedType::isDynamic);
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
  if (std::optional<linalg::ContractionDimensions> dims = matmulDims(op)) {
    if (bounds.size() == dims->batch.size() + 3) {
      // The register-blocked matmul: cache tiles 64x256x256, register
      // tiles of R rows by two vectors with k step 1: the C tile (2R
      // registers) stays in registers across k, and the contraction
      // becomes one outer product per row per k step, which needs two
      // registers for a row of B and one for the broadcast element of A.
      // R = min(8, (registers - 4) / 2), a register to spare: 8x32 with
      // AVX-512 (16 accumulators of 32), 6x16 with AVX2 (12 of 16: eight
      // independent FMA chains do not cover two FMA units' latency).
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
      // Fewer rows (a matrix-vector product at batch 1): the register
      // tile widens along N instead, to as many accumulators (enough
      // independent FMA chains) and longer runs of each row of B.
      int64_t rows =
          std::clamp<int64_t>((shape.registers - 4) / 2, 1, 8);
      int64_t cols = 2 * shape.lanes;
      int64_t mr = divisorTile(mc, rows);
      // A loop the preferred tile does not divide (a 7x7 image's 49
      // columns, 64 channels in 6-row tiles, an odd sequence length)
      // keeps the preferred tile and its last, partial tile is peeled off
      // when that takes fewer tiles than the largest divisor does
      // (64 rows: ten of 6 and one of 4, not sixteen of 4).
      if (mc > rows && (mc + rows - 1) / rows < mc / mr) {
        mr = rows;
        plan.peelRegisterTiles = true;
      }
      int64_t ncols = mr < rows ? cols * (rows / mr) : cols;
      int64_t nr = divisorTile(nc, ncols);
      if (nc > ncols && nr % shape.lanes != 0) {
        nr = ncols;
        plan.peelRegisterTiles = true;
      }
      plan.registerTiles[m] = tileOrWhole(mr, mc);
      plan.registerTiles[n] = tileOrWhole(nr, nc);
      plan.registerTiles[k] = 1;
      if (ShapedType::isDynamic(linalgOp.getStaticLoopRanges()[m]) &&
          mr > 1) {
        plan.rowLoop = m;
        plan.remainderRegisterTiles.assign(bounds.size(), 0);
        plan.remainderRegisterTiles[m] = 1;
        plan.remainderRegisterTiles[n] =
            tileOrWhole(divisorTile(nc, cols * rows), nc);
        plan.remainderRegisterTiles[k] = 1;
        for (unsigned b : dims->batch)
          plan.remainderRegisterTiles[b] = plan.registerTiles[b];
      }
      // Goto's loop order: a k x n panel of B stays in cache while every
      // row block of A in the workgroup passes over it.
      llvm::append_range(plan.cacheInterchange, dims->batch);
      plan.cacheInterchange.append({(int64_t)n, (int64_t)k, (int64_t)m});
      plan.peelRegisterTiles |= dynamicLoops;
      return plan;
    }
  }
  SmallVector<utils::IteratorType> iterators =
      linalgOp.getIteratorTypesArray();
  if (iterators.back() == utils::IteratorType::parallel &&
      linalgOp.getNumReductionLoops() > 0 && bounds.back() > 1) {
    // Reductions outside a parallel innermost loop (a grouped or depthwise
    // convolution or a pooling window, along an output row; a split row
    // reduction's partial sums): a tile of the row stays in registers
    // while the reduction loops run inside its loop (the last, partial
    // tile of the row peeled off), instead of every step reading and
    // writing the row. A sliding window (an input read through a map that
    // is not a projection) keeps registers / 4 vectors of the row (its
    // input rows take registers too: 8 vectors of accumulators made
    // MobileNetV2's depthwise convolutions 1.5x slower on AVX2); partial
    // sums 8 vectors.
    bool window = llvm::any_of(
        linalgOp.getDpsInputOperands(), [&](OpOperand *input) {
          return !linalgOp.getMatchingIndexingMap(input)
                      .isProjectedPermutation();
        });
    int64_t row =
        (window ? std::max<int64_t>(shape.registers / 4, 1) : 8) * shape.lanes;
    plan.registerTiles.assign(bounds.size(), 1);
    plan.registerTiles.back() = tileOrWhole(row, bounds.back());
    plan.peelRegisterTiles = bounds.back() % row != 0;
    for (size_t i = 0; i < bounds.size(); ++i) {
      if (bounds[i] == 1)
        plan.registerTiles[i] = 0;
      if (iterators[i] == utils::IteratorType::parallel)
        plan.registerInterchange.push_back(i);
    }
    for (size_t i = 0; i < bounds.size(); ++i)
      if (iterators[i] == utils::IteratorType::reduction)
        plan.registerInterchange.push_back(i);
    plan.peelRegisterTiles |= dynamicLoops;
    return plan;
  }
  // Everything else: one vector along the innermost loop, one iteration of
  // every other loop at a time. Reductions take 8 registers of partial
  // results (enough independent adds to hide their latency); elementwise
  // ops 4, which stream faster (8 loads and 8 stores per step fill the
  // store buffers).
  int64_t lanes =
      (linalgOp.getNumReductionLoops() > 0 ? 8 : 4) * shape.lanes;
  plan.registerTiles.assign(bounds.size(), 1);
  plan.registerTiles.back() =
      tileOrWhole(divisorTile(bounds.back(), lanes), bounds.back());
  for (size_t i = 0; i + 1 < bounds.size(); ++i)
    if (bounds[i] == 1)
      plan.registerTiles[i] = 0;
  plan.peelRegisterTiles |= dynamicLoops;
  return plan;
}

} // namespace loom

