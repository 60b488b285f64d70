//===- GpuStrategy.cpp - how each op family is mapped onto a GPU ----------===//
#include "GpuStrategy.h"

#include <algorithm>

using namespace mlir;

namespace loom {

namespace {

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// A tile for a loop of `bound` iterations of at most `cap`: the whole loop
/// if it fits, else the largest divisor of the loop in the upper half of
/// the range (no partial tiles), else `cap` (the last tile is partial).
int64_t chooseTile(int64_t bound, int64_t cap) {
  if (bound <= cap)
    return bound;
  for (int64_t t = cap; 2 * t > cap; --t)
    if (bound % t == 0)
      return t;
  return cap;
}

int64_t floorPowerOfTwo(int64_t v) {
  int64_t p = 1;
  while (p * 2 <= v)
    p *= 2;
  return p;
}

SmallVector<unsigned> loopsOfType(ArrayRef<utils::IteratorType> iterators,
                                  utils::IteratorType type) {
  SmallVector<unsigned> loops;
  for (auto [i, it] : llvm::enumerate(iterators))
    if (it == type)
      loops.push_back(i);
  return loops;
}

/// Grows the workgroup tiles `tiles` (0 = untiled) of the `parallel` loops
/// until the grid fits: the innermost tiled loop is x, the next y, the rest
/// are linearized into z. Returns false if no tiling fits.
bool fitGrid(ArrayRef<int64_t> bounds, ArrayRef<unsigned> parallel,
             SmallVectorImpl<int64_t> &tiles, int64_t maxCount) {
  for (int iteration = 0; iteration < 128; ++iteration) {
    SmallVector<unsigned> tiled;
    for (unsigned d : parallel)
      if (tiles[d] != 0 && tiles[d] < bounds[d])
        tiled.push_back(d);
    auto count = [&](unsigned d) { return ceilDiv(bounds[d], tiles[d]); };
    // x, y: one loop each; z: the product of the others.
    unsigned n = tiled.size();
    if (n >= 1 && count(tiled[n - 1]) > maxCount) {
      tiles[tiled[n - 1]] = std::min(bounds[tiled[n - 1]], tiles[tiled[n - 1]] * 2);
      continue;
    }
    if (n >= 2 && count(tiled[n - 2]) > maxCount) {
      tiles[tiled[n - 2]] = std::min(bounds[tiled[n - 2]], tiles[tiled[n - 2]] * 2);
      continue;
    }
    int64_t z = 1;
    for (unsigned i = 0; i + 2 < n; ++i)
      z *= count(tiled[i]);
    if (z > maxCount) {
      // Grow the outermost z loop that still has several tiles.
      for (unsigned i = 0; i + 2 < n; ++i)
        if (count(tiled[i]) > 1) {
          tiles[tiled[i]] = std::min(bounds[tiled[i]], tiles[tiled[i]] * 2);
          break;
        }
      continue;
    }
    return true;
  }
  return false;
}

/// Fills `plan` from per-loop workgroup tiles (0 = loop not tiled because it
/// has a single iteration): loops covered by one tile are not tiled into
/// workgroups; loops whose tile has several iterations are spread over the
/// invocations, one iteration each.
void finishPlan(ArrayRef<int64_t> bounds, ArrayRef<unsigned> parallel,
                ArrayRef<int64_t> tiles, const GpuLimits &limits,
                GpuTilePlan &plan) {
  plan.blockTiles.assign(bounds.size(), 0);
  plan.threadTiles.assign(bounds.size(), 0);
  int64_t elements = 1;
  for (unsigned d : parallel) {
    if (tiles[d] == 0)
      continue;
    plan.blockTiles[d] = tiles[d] < bounds[d] ? tiles[d] : 0;
    if (tiles[d] > 1) {
      plan.threadTiles[d] = 1;
      elements *= tiles[d];
    }
  }
  plan.threads = std::clamp<int64_t>(elements, 1, limits.maxThreads);
}

} // namespace

GpuTilePlan planSimt(ArrayRef<int64_t> bounds,
                     ArrayRef<utils::IteratorType> iterators,
                     const GpuLimits &limits) {
  SmallVector<unsigned> parallel =
      loopsOfType(iterators, utils::IteratorType::parallel);
  SmallVector<int64_t> tiles(bounds.size(), 0);
  int64_t budget = limits.maxThreads;
  for (unsigned d : llvm::reverse(parallel)) {
    if (bounds[d] <= 1)
      continue;
    int64_t t = budget > 1 ? chooseTile(bounds[d], budget) : 1;
    tiles[d] = t;
    budget = std::max<int64_t>(budget / t, 1);
  }
  // A grid that cannot fit is left as is: --loom-gpu-map-forall reports it.
  (void)fitGrid(bounds, parallel, tiles, limits.maxWorkgroupCount);
  GpuTilePlan plan;
  finishPlan(bounds, parallel, tiles, limits, plan);
  return plan;
}

std::optional<GpuTilePlan>
planSharedMemoryContraction(ArrayRef<int64_t> bounds,
                            ArrayRef<utils::IteratorType> iterators,
                            int64_t parallelTileCap, int64_t reductionTileCap,
                            const GpuLimits &limits) {
  SmallVector<unsigned> parallel =
      loopsOfType(iterators, utils::IteratorType::parallel);
  SmallVector<unsigned> reduction =
      loopsOfType(iterators, utils::IteratorType::reduction);
  if (parallel.size() < 2 || reduction.empty() ||
      limits.sharedMemoryBytes <= 0)
    return std::nullopt;
  unsigned inner = parallel.back(), outer = parallel[parallel.size() - 2];
  SmallVector<int64_t> tiles(bounds.size(), 0);
  tiles[inner] = chooseTile(bounds[inner], parallelTileCap);
  tiles[outer] = chooseTile(bounds[outer], parallelTileCap);
  for (unsigned d : parallel)
    if (d != inner && d != outer && bounds[d] > 1)
      tiles[d] = 1;
  unsigned k = reduction.front();
  int64_t kTile = chooseTile(bounds[k], reductionTileCap);
  // Shared memory pays when each staged element is reused: enough outputs
  // per workgroup, and more than one step over the reduction.
  if (tiles[inner] * tiles[outer] < 64 || bounds[k] < 2 * kTile)
    return std::nullopt;
  if (!fitGrid(bounds, parallel, tiles, limits.maxWorkgroupCount))
    return std::nullopt;
  GpuTilePlan plan;
  finishPlan(bounds, parallel, tiles, limits, plan);
  plan.reductionLoop = k;
  plan.reductionTile = kTile;
  return plan;
}

std::optional<GpuTilePlan> planTensorCore(ArrayRef<int64_t> bounds,
                                         const GpuLimits &limits) {
  constexpr int64_t kFragment = 16;
  size_t rank = bounds.size();
  if (rank < 3 || limits.subgroupSize != 32 || limits.maxThreads < 32)
    return std::nullopt;
  int64_t m = bounds[rank - 3], n = bounds[rank - 2], k = bounds[rank - 1];
  if (m % kFragment || n % kFragment || k % kFragment)
    return std::nullopt;
  SmallVector<int64_t> tiles(rank, 0);
  tiles[rank - 3] = m % (2 * kFragment) == 0 ? 2 * kFragment : kFragment;
  tiles[rank - 2] = n % (2 * kFragment) == 0 ? 2 * kFragment : kFragment;
  for (size_t d = 0; d + 3 < rank; ++d)
    tiles[d] = bounds[d] > 1 ? 1 : 0;
  SmallVector<unsigned> parallel;
  for (unsigned d = 0; d + 1 < rank; ++d)
    parallel.push_back(d);
  if (!fitGrid(bounds, parallel, tiles, limits.maxWorkgroupCount))
    return std::nullopt;
  GpuTilePlan plan;
  plan.blockTiles.assign(rank, 0);
  plan.threadTiles.assign(rank, 0);
  for (unsigned d : parallel)
    plan.blockTiles[d] = tiles[d] != 0 && tiles[d] < bounds[d] ? tiles[d] : 0;
  plan.threads = limits.subgroupSize;
  return plan;
}

std::optional<GpuTilePlan>
planTreeReduction(ArrayRef<int64_t> bounds,
                  ArrayRef<utils::IteratorType> iterators,
                  const GpuLimits &limits) {
  SmallVector<unsigned> parallel =
      loopsOfType(iterators, utils::IteratorType::parallel);
  SmallVector<unsigned> reduction =
      loopsOfType(iterators, utils::IteratorType::reduction);
  if (reduction.empty())
    return std::nullopt;
  int64_t outputs = 1;
  for (unsigned d : parallel)
    outputs *= bounds[d];
  unsigned split = reduction.front();
  for (unsigned d : reduction)
    if (bounds[d] > bounds[split])
      split = d;
  int64_t length = bounds[split];
  // Short reductions, or enough outputs to keep every invocation of many
  // workgroups busy: one output per invocation is better.
  if (length < 64 || (outputs > 4 * limits.maxThreads && length < 1024))
    return std::nullopt;
  int64_t threads = floorPowerOfTwo(std::min(length, limits.maxThreads));
  if (threads < 16)
    return std::nullopt;
  SmallVector<int64_t> tiles(bounds.size(), 0);
  for (unsigned d : parallel)
    if (bounds[d] > 1)
      tiles[d] = 1;
  if (!fitGrid(bounds, parallel, tiles, limits.maxWorkgroupCount))
    return std::nullopt;
  GpuTilePlan plan;
  plan.blockTiles.assign(bounds.size(), 0);
  plan.threadTiles.assign(bounds.size(), 0);
  for (unsigned d : parallel)
    plan.blockTiles[d] = tiles[d] != 0 && tiles[d] < bounds[d] ? tiles[d] : 0;
  plan.splitLoop = split;
  plan.threads = threads;
  return plan;
}

} // namespace loom
