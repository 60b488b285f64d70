//===- MapWorkgroups.cpp - outer scf.forall -> workgroup ids --------------===//
#include "loom/dialect/DynamicShapes.h"
#include "loom/passes/KernelModule.h"
#include "loom/passes/Passes.h"

#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/PatternMatch.h"

namespace loom {
#define GEN_PASS_DEF_LOOMMAPWORKGROUPS
#include "passes/Passes.h.inc"
} // namespace loom

using namespace mlir;
using namespace loom;

namespace {

/// Static trip count of each dimension of `forall`, or failure.
FailureOr<SmallVector<int64_t>> tripCounts(scf::ForallOp forall) {
  SmallVector<int64_t> counts;
  for (std::optional<int64_t> count : staticTripCounts(forall)) {
    if (!count)
      return failure();
    counts.push_back(*count);
  }
  return counts;
}

/// The grid of a forall whose bounds are sizes of the call: an affine map
/// over the kernel's push constants giving [x, y, z] (x the innermost
/// dimension), or null when a bound is not computed from them.
AffineMap dynamicTripCounts(func::FuncOp kernel, scf::ForallOp forall) {
  MLIRContext *ctx = kernel.getContext();
  unsigned bindings = 0;
  for (Type t : kernel.getArgumentTypes())
    bindings += isa<MemRefType>(t);
  SmallVector<Value> pushConstants(
      kernel.getArguments().drop_front(bindings).drop_back(3));
  auto expr = [&](OpFoldResult v) -> FailureOr<AffineExpr> {
    if (std::optional<int64_t> c = getConstantIntValue(v))
      return getAffineConstantExpr(*c, ctx);
    return indexExpr(cast<Value>(v), pushConstants);
  };
  SmallVector<AffineExpr> grid(3, getAffineConstantExpr(1, ctx));
  int64_t rank = forall.getRank();
  for (int64_t d = 0; d < rank; ++d) {
    FailureOr<AffineExpr> lb = expr(forall.getMixedLowerBound()[d]),
                          ub = expr(forall.getMixedUpperBound()[d]),
                          step = expr(forall.getMixedStep()[d]);
    if (failed(lb) || failed(ub) || failed(step))
      return AffineMap();
    grid[rank - 1 - d] = (*ub - *lb).ceilDiv(*step);
  }
  return AffineMap::get(0, pushConstants.size(), grid, ctx);
}

LogicalResult mapKernel(func::FuncOp kernel) {
  MLIRContext *ctx = kernel.getContext();
  IRRewriter rewriter(ctx);
  Block &entry = kernel.front();
  SmallVector<scf::ForallOp> foralls;
  for (Operation &op : entry)
    if (auto f = dyn_cast<scf::ForallOp>(op))
      foralls.push_back(f);

  std::array<int64_t, 3> grid = {1, 1, 1};
  FailureOr<SmallVector<int64_t>> counts = failure();
  AffineMap dynamicGrid;
  if (foralls.size() == 1 && foralls[0].getRank() <= 3 &&
      foralls[0].getOutputs().empty()) {
    counts = tripCounts(foralls[0]);
    if (failed(counts))
      dynamicGrid = dynamicTripCounts(kernel, foralls[0]);
    if (dynamicGrid)
      counts = SmallVector<int64_t>(foralls[0].getRank(), 1);
  }

  if (succeeded(counts)) {
    scf::ForallOp forall = foralls[0];
    int64_t rank = forall.getRank();
    ValueRange wg = entry.getArguments().take_back(3);
    rewriter.setInsertionPoint(forall);
    Location loc = forall.getLoc();
    SmallVector<Value> ivs;
    for (int64_t d = 0; d < rank; ++d) {
      // The innermost dimension is x.
      Value id = wg[rank - 1 - d];
      Value lb = getValueOrCreateConstantIndexOp(
          rewriter, loc, forall.getMixedLowerBound()[d]);
      Value step = getValueOrCreateConstantIndexOp(rewriter, loc,
                                                   forall.getMixedStep()[d]);
      ivs.push_back(arith::AddIOp::create(
          rewriter, loc, lb, arith::MulIOp::create(rewriter, loc, id, step)));
      grid[rank - 1 - d] = (*counts)[d];
    }
    rewriter.eraseOp(forall.getTerminator());
    rewriter.inlineBlockBefore(forall.getBody(), forall, ivs);
    rewriter.eraseOp(forall);
  } else {
    // Anything else runs sequentially inside a single workgroup.
    for (scf::ForallOp f : foralls) {
      rewriter.setInsertionPoint(f);
      if (failed(scf::forallToForLoop(rewriter, f)))
        return f.emitError("cannot lower scf.forall to a loop");
    }
  }
  setWorkgroupCount(kernel, grid);
  if (dynamicGrid)
    setWorkgroupCountMap(kernel, dynamicGrid);
  return success();
}

struct LoomMapWorkgroupsPass
    : public loom::impl::LoomMapWorkgroupsBase<LoomMapWorkgroupsPass> {
  void runOnOperation() override {
    for (func::FuncOp kernel : getKernels(getOperation()))
      if (failed(mapKernel(kernel)))
        return signalPassFailure();
  }
};

} // namespace
