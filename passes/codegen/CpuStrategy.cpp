//===- CpuStrategy.cpp - how each op family is tiled on the CPU -----------===//
#include "CpuStrategy.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Builders.h"

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

} // namespace loom
