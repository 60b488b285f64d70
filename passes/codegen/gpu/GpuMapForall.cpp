//===- GpuMapForall.cpp - workgroup/invocation loops -> GPU ids -----------===//
#include "GpuUtils.h"

#include "loom/dialect/DynamicShapes.h"
#include "loom/passes/KernelModule.h"
#include "loom/passes/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"

namespace loom {
#define GEN_PASS_DEF_LOOMGPUMAPFORALL
#include "passes/Passes.h.inc"
} // namespace loom

using namespace mlir;
using namespace loom;

namespace {

/// Number of iterations of each loop of `forall`, as values (constants
/// where static).
SmallVector<Value> tripCounts(RewriterBase &rewriter, scf::ForallOp forall) {
  Location loc = forall.getLoc();
  SmallVector<Value> counts;
  for (auto [count, lb, ub, step] :
       llvm::zip(staticTripCounts(forall), forall.getMixedLowerBound(),
                 forall.getMixedUpperBound(), forall.getMixedStep())) {
    if (count) {
      counts.push_back(arith::ConstantIndexOp::create(rewriter, loc, *count));
      continue;
    }
    Value lv = getValueOrCreateConstantIndexOp(rewriter, loc, lb);
    Value uv = getValueOrCreateConstantIndexOp(rewriter, loc, ub);
    Value sv = getValueOrCreateConstantIndexOp(rewriter, loc, step);
    Value span = arith::SubIOp::create(rewriter, loc, uv, lv);
    counts.push_back(arith::CeilDivSIOp::create(rewriter, loc, span, sv));
  }
  return counts;
}

/// Induction variables of `forall` for the linear iteration `linear`
/// (the innermost loop varies fastest).
SmallVector<Value> delinearize(RewriterBase &rewriter, scf::ForallOp forall,
                               ArrayRef<Value> counts, Value linear) {
  Location loc = forall.getLoc();
  unsigned rank = counts.size();
  SmallVector<Value> ivs(rank);
  Value rest = linear;
  for (int d = rank - 1; d >= 0; --d) {
    Value index = d == 0 ? rest
                         : arith::RemUIOp::create(rewriter, loc, rest, counts[d])
                               .getResult();
    if (d > 0)
      rest = arith::DivUIOp::create(rewriter, loc, rest, counts[d]);
    Value lb = getValueOrCreateConstantIndexOp(rewriter, loc,
                                               forall.getMixedLowerBound()[d]);
    Value step = getValueOrCreateConstantIndexOp(rewriter, loc,
                                                 forall.getMixedStep()[d]);
    ivs[d] = arith::AddIOp::create(
        rewriter, loc, lb, arith::MulIOp::create(rewriter, loc, index, step));
  }
  return ivs;
}

/// Moves the body of `forall` before `before` with `ivs` for its
/// induction variables, and erases the loop.
void inlineForallBody(RewriterBase &rewriter, scf::ForallOp forall,
                      Operation *before, ArrayRef<Value> ivs) {
  rewriter.eraseOp(forall.getTerminator());
  rewriter.inlineBlockBefore(forall.getBody(), before, ivs);
  rewriter.eraseOp(forall);
}

/// The merge of an invocation-split reduction (marked by
/// --loom-gpu-distribute), on buffers: log2(T) steps each combining the
/// upper half of the T partials into the lower half in place, then the
/// first partial into the result. The steps are workgroup-level linalg ops
/// that are then spread over the invocations with a barrier after each.
LogicalResult expandTreeMerge(RewriterBase &rewriter, linalg::ReduceOp merge) {
  Value partial = merge.getInputs()[0];
  Value init = merge.getInits()[0];
  auto type = dyn_cast<MemRefType>(partial.getType());
  auto initType = dyn_cast<MemRefType>(init.getType());
  if (!type || !initType || !type.hasStaticShape() ||
      merge.getDimensions().size() != 1)
    return merge.emitError("unexpected partial reduction merge");
  int64_t k = merge.getDimensions()[0];
  int64_t threads = type.getDimSize(k);
  int64_t rank = type.getRank();
  Location loc = merge.getLoc();
  Block &combiner = merge.getCombiner().front();
  // (an element of the upper half or the first partial, the accumulator)
  auto body = [&](OpBuilder &b, Location l, ValueRange args) {
    IRMapping map;
    map.map(combiner.getArgument(0), args[0]);
    map.map(combiner.getArgument(1), args[1]);
    for (Operation &op : combiner.without_terminator())
      b.clone(op, map);
    linalg::YieldOp::create(
        b, l, map.lookupOrDefault(combiner.getTerminator()->getOperand(0)));
  };
  rewriter.setInsertionPoint(merge);
  SmallVector<int64_t> offsets(rank, 0), sizes(type.getShape()), strides(rank, 1);
  AffineMap id = rewriter.getMultiDimIdentityMap(rank);
  SmallVector<utils::IteratorType> parallel(rank, utils::IteratorType::parallel);
  for (int64_t half = threads / 2; half >= 1; half /= 2) {
    sizes[k] = half;
    offsets[k] = 0;
    Value lo = memref::SubViewOp::create(rewriter, loc, partial, offsets,
                                         sizes, strides);
    offsets[k] = half;
    Value hi = memref::SubViewOp::create(rewriter, loc, partial, offsets,
                                         sizes, strides);
    linalg::GenericOp::create(rewriter, loc, TypeRange{}, ValueRange{hi},
                              ValueRange{lo}, ArrayRef<AffineMap>{id, id},
                              parallel, body);
  }
  offsets[k] = 0;
  sizes[k] = 1;
  MemRefType firstType = memref::SubViewOp::inferRankReducedResultType(
      initType.getShape(), type, offsets, sizes, strides);
  Value first = memref::SubViewOp::create(rewriter, loc, firstType, partial,
                                          offsets, sizes, strides);
  AffineMap initId = rewriter.getMultiDimIdentityMap(initType.getRank());
  linalg::GenericOp::create(
      rewriter, loc, TypeRange{}, ValueRange{first}, ValueRange{init},
      ArrayRef<AffineMap>{initId, initId},
      SmallVector<utils::IteratorType>(initType.getRank(),
                                       utils::IteratorType::parallel),
      body);
  rewriter.eraseOp(merge);
  return success();
}

class KernelMapper {
public:
  KernelMapper(func::FuncOp kernel)
      : kernel(kernel), rewriter(kernel.getContext()) {
    threads = getWorkgroupSize(kernel)[0];
  }

  LogicalResult run() {
    SmallVector<linalg::ReduceOp> merges;
    kernel.walk([&](linalg::ReduceOp op) {
      if (op->hasAttr(kTreeMergeAttrName))
        merges.push_back(op);
    });
    for (linalg::ReduceOp merge : merges)
      if (failed(expandTreeMerge(rewriter, merge)))
        return failure();
    spreadLinalgOps();
    if (failed(mapWorkgroups()))
      return failure();
    Value tid = threadId();
    guardWorkgroupWrites(tid);
    SmallVector<scf::ForallOp> foralls;
    kernel.walk([&](scf::ForallOp f) {
      if (isThreadMapped(f))
        foralls.push_back(f);
    });
    for (scf::ForallOp forall : foralls)
      if (failed(mapInvocations(forall, tid)))
        return failure();
    // A barrier right after another one waits for nothing.
    SmallVector<gpu::BarrierOp> redundant;
    kernel.walk([&](gpu::BarrierOp barrier) {
      if (isa_and_nonnull<gpu::BarrierOp>(barrier->getPrevNode()))
        redundant.push_back(barrier);
    });
    for (gpu::BarrierOp barrier : redundant)
      rewriter.eraseOp(barrier);
    bool leftover = false;
    kernel.walk([&](scf::ForallOp f) {
      f.emitError("scf.forall not mapped to workgroups or invocations");
      leftover = true;
    });
    return failure(leftover);
  }

private:
  Value threadId() {
    rewriter.setInsertionPointToStart(&kernel.front());
    return gpu::ThreadIdOp::create(rewriter, kernel.getLoc(),
                                   gpu::Dimension::x);
  }

  /// Linalg ops that bufferization added at workgroup level (copies) are
  /// spread over the invocations, one element each.
  void spreadLinalgOps() {
    SmallVector<linalg::LinalgOp> ops;
    kernel.walk<WalkOrder::PreOrder>([&](Operation *op) {
      if (auto f = dyn_cast<scf::ForallOp>(op); f && isThreadMapped(f))
        return WalkResult::skip();
      if (auto l = dyn_cast<linalg::LinalgOp>(op);
          l && l.hasPureBufferSemantics() && l.getNumParallelLoops() > 0)
        ops.push_back(l);
      return WalkResult::advance();
    });
    MLIRContext *ctx = kernel.getContext();
    for (linalg::LinalgOp op : ops) {
      rewriter.setInsertionPoint(op);
      Location loc = op.getLoc();
      SmallVector<Range> ranges = op.createLoopRanges(rewriter, loc);
      SmallVector<OpFoldResult> ubs;
      SmallVector<unsigned> parallel;
      for (auto [i, it] : llvm::enumerate(op.getIteratorTypesArray()))
        if (it == utils::IteratorType::parallel) {
          parallel.push_back(i);
          ubs.push_back(ranges[i].size);
        }
      auto forall = scf::ForallOp::create(
          rewriter, loc, ubs, ValueRange{},
          ArrayAttr::get(ctx, gpuMapping(ctx, /*block=*/false, ubs.size())));
      rewriter.setInsertionPointToStart(forall.getBody());
      SmallVector<OpFoldResult> offsets, sizes;
      for (auto [i, range] : llvm::enumerate(ranges)) {
        auto it = llvm::find(parallel, i);
        if (it != parallel.end()) {
          offsets.push_back(forall.getInductionVars()[it - parallel.begin()]);
          sizes.push_back(rewriter.getIndexAttr(1));
        } else {
          offsets.push_back(range.offset);
          sizes.push_back(range.size);
        }
      }
      auto tilingOp = cast<TilingInterface>(op.getOperation());
      if (failed(tilingOp.getTiledImplementation(rewriter, offsets, sizes))) {
        rewriter.eraseOp(forall);
        continue;
      }
      rewriter.eraseOp(op);
    }
  }

  /// The workgroup forall's iterations become the grid.
  LogicalResult mapWorkgroups() {
    Block &entry = kernel.front();
    SmallVector<scf::ForallOp> blocks;
    for (Operation &op : entry)
      if (auto f = dyn_cast<scf::ForallOp>(op); f && isBlockMapped(f))
        blocks.push_back(f);
    std::array<int64_t, 3> grid = {1, 1, 1};
    // The grid of a workgroup loop with a dynamic trip count, over the
    // kernel's push constants (null when static).
    AffineMap dynamicGrid;
    if (blocks.size() > 1)
      return blocks[1].emitError("a GPU kernel has one workgroup loop");
    if (blocks.size() == 1) {
      scf::ForallOp forall = blocks.front();
      rewriter.setInsertionPoint(forall);
      Location loc = forall.getLoc();
      SmallVector<Value> countValues = tripCounts(rewriter, forall);
      SmallVector<int64_t> counts;
      bool dynamic = false;
      for (Value count : countValues) {
        std::optional<int64_t> c = getConstantIntValue(count);
        dynamic |= !c;
        counts.push_back(c ? std::max<int64_t>(*c, 1) : 1);
      }
      int64_t rank = counts.size();
      if (dynamic) {
        FailureOr<AffineMap> map = dynamicGridMap(countValues);
        if (failed(map))
          return forall.emitError()
                 << "the workgroup grid of kernel '" << kernel.getName()
                 << "' is not computed from its push constants";
        dynamicGrid = *map;
      }
      ValueRange wg = entry.getArguments().take_back(3);
      // x: the innermost loop, y: the next, z: the others, linearized.
      SmallVector<Value> linear(rank);
      SmallVector<Value> zCounts;
      grid[0] = counts[rank - 1];
      linear[rank - 1] = wg[0];
      if (rank >= 2) {
        grid[1] = counts[rank - 2];
        linear[rank - 2] = wg[1];
      }
      Value rest = wg[2];
      int64_t z = 1;
      for (int64_t d = rank - 3; d >= 0; --d) {
        z *= counts[d];
        Value c = countValues[d];
        linear[d] = d == 0 ? rest : arith::RemUIOp::create(rewriter, loc, rest, c).getResult();
        if (d > 0)
          rest = arith::DivUIOp::create(rewriter, loc, rest, c);
      }
      grid[2] = z;
      SmallVector<Value> ivs;
      for (int64_t d = 0; d < rank; ++d) {
        Value lb = getValueOrCreateConstantIndexOp(
            rewriter, loc, forall.getMixedLowerBound()[d]);
        Value step = getValueOrCreateConstantIndexOp(rewriter, loc,
                                                     forall.getMixedStep()[d]);
        ivs.push_back(arith::AddIOp::create(
            rewriter, loc, lb,
            arith::MulIOp::create(rewriter, loc, linear[d], step)));
      }
      inlineForallBody(rewriter, forall, forall, ivs);
    }
    for (int64_t count : grid)
      if (count > UINT32_MAX)
        return kernel.emitError()
               << "kernel '" << kernel.getName() << "' needs a grid of "
               << grid[0] << "x" << grid[1] << "x" << grid[2]
               << " workgroups, more than a dispatch can have";
    setWorkgroupCount(kernel, grid);
    if (dynamicGrid)
      setWorkgroupCountMap(kernel, dynamicGrid);
    return success();
  }

  /// The grid [x, y, z] of a workgroup loop with trip counts `counts`
  /// (outermost first; x the innermost, y the next, z the product of the
  /// others) as an affine map over the kernel's push constants, which the
  /// runtime evaluates at each dispatch.
  FailureOr<AffineMap> dynamicGridMap(ArrayRef<Value> counts) {
    MLIRContext *ctx = kernel.getContext();
    unsigned bindings = llvm::count_if(kernel.getArgumentTypes(),
                                       llvm::IsaPred<MemRefType>);
    SmallVector<Value> pushConstants(
        kernel.getArguments().drop_front(bindings).drop_back(3));
    SmallVector<AffineExpr> exprs;
    for (Value count : counts) {
      if (std::optional<int64_t> c = getConstantIntValue(count)) {
        exprs.push_back(getAffineConstantExpr(std::max<int64_t>(*c, 1), ctx));
        continue;
      }
      FailureOr<AffineExpr> e = indexExpr(count, pushConstants);
      if (failed(e))
        return failure();
      exprs.push_back(*e);
    }
    int64_t rank = exprs.size();
    SmallVector<AffineExpr> grid(3, getAffineConstantExpr(1, ctx));
    grid[0] = exprs[rank - 1];
    if (rank >= 2)
      grid[1] = exprs[rank - 2];
    for (int64_t d = rank - 3; d >= 0; --d)
      grid[2] = grid[2] * exprs[d];
    return AffineMap::get(0, pushConstants.size(), grid, ctx);
  }

  /// Writes outside the invocation loops (scalar results, a tree's last
  /// step) are done once, by invocation 0.
  void guardWorkgroupWrites(Value tid) {
    SmallVector<Operation *> writes;
    kernel.walk<WalkOrder::PreOrder>([&](Operation *op) {
      if (auto f = dyn_cast<scf::ForallOp>(op); f && isThreadMapped(f))
        return WalkResult::skip();
      if (op == kernel.getOperation() ||
          isa<scf::ForOp, scf::IfOp, scf::ForallOp, scf::WhileOp>(op))
        return WalkResult::advance();
      // Warp-level matrix stores are collective: every invocation takes part.
      if (isa<gpu::SubgroupMmaStoreMatrixOp>(op))
        return WalkResult::advance();
      if (hasEffect<MemoryEffects::Write>(op) ||
          (!isMemoryEffectFree(op) && !isa<MemoryEffectOpInterface>(op) &&
           op->getNumRegions() > 0)) {
        writes.push_back(op);
        return WalkResult::skip();
      }
      return WalkResult::advance();
    });
    for (Operation *op : writes) {
      rewriter.setInsertionPoint(op);
      Location loc = op->getLoc();
      Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
      Value first = arith::CmpIOp::create(rewriter, loc,
                                          arith::CmpIPredicate::eq, tid, zero);
      auto ifOp = scf::IfOp::create(rewriter, loc, first, /*withElse=*/false);
      rewriter.moveOpBefore(op, ifOp.thenBlock()->getTerminator());
      rewriter.setInsertionPointAfter(ifOp);
      gpu::BarrierOp::create(rewriter, loc);
    }
  }

  /// Runs the iterations of an invocation forall on the workgroup's
  /// invocations, then synchronizes them.
  LogicalResult mapInvocations(scf::ForallOp forall, Value tid) {
    if (!forall.getOutputs().empty())
      return forall.emitError("invocation loops must be bufferized");
    rewriter.setInsertionPoint(forall);
    Location loc = forall.getLoc();
    SmallVector<Value> counts = tripCounts(rewriter, forall);
    Value total = counts.front();
    for (Value c : ArrayRef<Value>(counts).drop_front())
      total = arith::MulIOp::create(rewriter, loc, total, c);
    std::optional<int64_t> staticTotal = getConstantIntValue(total);
    Value size = arith::ConstantIndexOp::create(rewriter, loc, threads);
    Operation *anchor;
    Value linear;
    if (staticTotal && *staticTotal == threads) {
      anchor = forall;
      linear = tid;
    } else if (staticTotal && *staticTotal < threads) {
      Value inRange = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::ult, tid, total);
      auto ifOp = scf::IfOp::create(rewriter, loc, inRange, /*withElse=*/false);
      anchor = ifOp.thenBlock()->getTerminator();
      linear = tid;
    } else {
      auto loop = scf::ForOp::create(rewriter, loc, tid, total, size);
      anchor = loop.getBody()->getTerminator();
      linear = loop.getInductionVar();
    }
    // Invocations wait for each other before what follows reads what the
    // loop wrote; nothing follows the kernel's last loop.
    Operation *next = forall->getNextNode();
    if (!(next && isa<func::ReturnOp>(next) &&
          forall->getParentOp() == kernel.getOperation())) {
      rewriter.setInsertionPointAfter(forall);
      gpu::BarrierOp::create(rewriter, loc);
    }
    rewriter.setInsertionPoint(anchor);
    SmallVector<Value> ivs = delinearize(rewriter, forall, counts, linear);
    inlineForallBody(rewriter, forall, anchor, ivs);
    return success();
  }

  func::FuncOp kernel;
  IRRewriter rewriter;
  int64_t threads = 1;
};

struct LoomGpuMapForallPass
    : public loom::impl::LoomGpuMapForallBase<LoomGpuMapForallPass> {
  void runOnOperation() override {
    for (func::FuncOp kernel : getKernels(getOperation()))
      if (failed(KernelMapper(kernel).run()))
        return signalPassFailure();
  }
};

} // namespace
