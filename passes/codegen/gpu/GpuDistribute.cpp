//===- GpuDistribute.cpp - kernels -> workgroups and invocations ----------===//
#include "GpuStrategy.h"
#include "GpuUtils.h"

#include "loom/dialect/ConstantData.h"
#include "loom/passes/KernelModule.h"
#include "loom/passes/Passes.h"
#include "loom/target/GpuKernel.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace loom {
#define GEN_PASS_DEF_LOOMGPUDISTRIBUTE
#include "passes/Passes.h.inc"
} // namespace loom

using namespace mlir;
using namespace loom;

namespace {

/// The op whose result a kernel stores into its (single) output binding.
TilingInterface findRoot(func::FuncOp kernel) {
  SmallVector<bufferization::MaterializeInDestinationOp> stores;
  kernel.walk([&](bufferization::MaterializeInDestinationOp op) {
    stores.push_back(op);
  });
  if (stores.size() != 1)
    return nullptr;
  return stores.front().getSource().getDefiningOp<TilingInterface>();
}

FailureOr<SmallVector<int64_t>> staticBounds(TilingInterface op) {
  OpBuilder b(op);
  SmallVector<int64_t> bounds;
  for (Range r : op.getIterationDomain(b)) {
    std::optional<int64_t> size = getConstantIntValue(r.size);
    std::optional<int64_t> offset = getConstantIntValue(r.offset);
    if (!size || !offset || *offset != 0)
      return failure();
    bounds.push_back(*size);
  }
  return bounds;
}

/// Tiles `op` into an `scf.forall` over its loops with a non-zero tile,
/// mapped to workgroups (`block`) or invocations, fusing its producers into
/// the tile when `fuse`. Returns the tiled op (`op` itself when no loop is
/// tiled).
FailureOr<Operation *> tileToForall(RewriterBase &rewriter, TilingInterface op,
                                    ArrayRef<int64_t> tiles, bool block,
                                    bool fuse) {
  MLIRContext *ctx = op.getContext();
  unsigned tiled = llvm::count_if(tiles, [](int64_t t) { return t != 0; });
  if (tiled == 0)
    return op.getOperation();
  scf::SCFTileAndFuseOptions options;
  options.tilingOptions.setTileSizes(getAsIndexOpFoldResult(ctx, tiles))
      .setLoopType(scf::SCFTilingOptions::LoopType::ForallOp)
      .setMapping(gpuMapping(ctx, block, tiled));
  if (!fuse)
    options.setFusionControlFn(
        [](tensor::ExtractSliceOp, OpResult, bool)
            -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
          return std::nullopt;
        });
  rewriter.setInsertionPoint(op);
  FailureOr<scf::SCFTileAndFuseResult> result =
      scf::tileConsumerAndFuseProducersUsingSCF(rewriter, op, options);
  if (failed(result))
    return failure();
  for (OpResult r : op->getResults())
    rewriter.replaceAllUsesWith(r, result->replacements.lookup(r));
  return result->tiledAndFusedOps.front();
}

/// tensor.pad with static sizes and a constant padding value as an
/// elementwise gather over the result: every element reads the source at a
/// clamped position and selects the padding value outside. Tiles like any
/// elementwise op, with no control flow (tiling a tensor.pad itself makes
/// `scf.if`s that yield temporaries).
struct PadToGather : public OpRewritePattern<tensor::PadOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::PadOp pad,
                                PatternRewriter &rewriter) const override {
    Value padValue = pad.getConstantPaddingValue();
    RankedTensorType srcType = pad.getSourceType();
    RankedTensorType type = pad.getResultType();
    if (!padValue || !srcType.hasStaticShape() || !type.hasStaticShape())
      return rewriter.notifyMatchFailure(pad, "dynamic or non-constant pad");
    SmallVector<int64_t> low;
    for (OpFoldResult l : pad.getMixedLowPad()) {
      std::optional<int64_t> v = getConstantIntValue(l);
      if (!v)
        return rewriter.notifyMatchFailure(pad, "dynamic padding");
      low.push_back(*v);
    }
    Location loc = pad.getLoc();
    int64_t rank = type.getRank();
    Value source = pad.getSource();
    Value init = tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                         type.getElementType());
    auto body = [&](OpBuilder &b, Location l, ValueRange) {
      Value inBounds;
      SmallVector<Value> indices;
      for (int64_t d = 0; d < rank; ++d) {
        Value i = linalg::IndexOp::create(b, l, d);
        int64_t size = srcType.getDimSize(d);
        Value shifted = arith::SubIOp::create(
            b, l, i, arith::ConstantIndexOp::create(b, l, low[d]));
        Value zero = arith::ConstantIndexOp::create(b, l, 0);
        Value last = arith::ConstantIndexOp::create(b, l, size - 1);
        Value ge = arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge,
                                         shifted, zero);
        Value le = arith::CmpIOp::create(b, l, arith::CmpIPredicate::sle,
                                         shifted, last);
        Value ok = arith::AndIOp::create(b, l, ge, le);
        inBounds = inBounds ? arith::AndIOp::create(b, l, inBounds, ok) : ok;
        Value clamped = arith::MaxSIOp::create(
            b, l, zero, arith::MinSIOp::create(b, l, shifted, last));
        indices.push_back(clamped);
      }
      Value read = tensor::ExtractOp::create(b, l, source, indices);
      Value result =
          inBounds ? arith::SelectOp::create(b, l, inBounds, read, padValue)
                         .getResult()
                   : read;
      linalg::YieldOp::create(b, l, result);
    };
    rewriter.replaceOpWithNewOp<linalg::GenericOp>(
        pad, type, ValueRange{}, ValueRange{init},
        ArrayRef<AffineMap>{rewriter.getMultiDimIdentityMap(rank)},
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        body);
    return success();
  }
};

/// One invocation per element of every parallel loop of `op`.
SmallVector<int64_t> perElementTiles(TilingInterface op) {
  SmallVector<int64_t> tiles;
  OpBuilder b(op);
  SmallVector<Range> domain = op.getIterationDomain(b);
  for (auto [range, it] : llvm::zip(domain, op.getLoopIteratorTypes())) {
    std::optional<int64_t> size = getConstantIntValue(range.size);
    bool tile = it == utils::IteratorType::parallel && (!size || *size > 1);
    tiles.push_back(tile ? 1 : 0);
  }
  return tiles;
}

/// Copies the static operand tiles of `op` into workgroup memory (a
/// `linalg.copy` into a `bufferization.alloc_tensor` in the workgroup
/// address space), within `budget` bytes.
void promoteInputs(RewriterBase &rewriter, linalg::LinalgOp op,
                   int64_t budget) {
  MLIRContext *ctx = op.getContext();
  auto workgroup =
      gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
  for (OpOperand *operand : op.getDpsInputOperands()) {
    auto type = dyn_cast<RankedTensorType>(operand->get().getType());
    if (!type || !type.hasStaticShape() || type.getRank() == 0)
      continue;
    int64_t bytes = type.getNumElements() *
                    storageBytesPerElement(type.getElementType());
    if (bytes > budget)
      continue;
    budget -= bytes;
    rewriter.setInsertionPoint(op);
    Location loc = op.getLoc();
    auto alloc = bufferization::AllocTensorOp::create(
        rewriter, loc, type, ValueRange{}, /*copy=*/Value(),
        /*size_hint=*/Value(), workgroup);
    auto copy =
        linalg::CopyOp::create(rewriter, loc, operand->get(), alloc.getResult());
    rewriter.modifyOpInPlace(op, [&] { operand->set(copy.getResult(0)); });
  }
}

/// Reductions an invocation computes accumulate in its private memory
/// (registers, once the driver's compiler promotes them) rather than in the
/// result buffer: every op with reduction loops inside an invocation-mapped
/// forall gets a private copy of its (small, static) result tile.
void accumulateInPrivateMemory(RewriterBase &rewriter, func::FuncOp kernel) {
  MLIRContext *ctx = kernel.getContext();
  auto privateSpace = gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Private);
  SmallVector<linalg::LinalgOp> ops;
  kernel.walk([&](linalg::LinalgOp op) {
    if (op.hasPureTensorSemantics() && op.getNumReductionLoops() > 0 &&
        isInsideThreadForall(op))
      ops.push_back(op);
  });
  for (linalg::LinalgOp op : ops) {
    for (OpOperand &init : op.getDpsInitsMutable()) {
      auto type = dyn_cast<RankedTensorType>(init.get().getType());
      if (!type || !type.hasStaticShape() || type.getNumElements() > 64)
        continue;
      rewriter.setInsertionPoint(op);
      Location loc = op.getLoc();
      auto alloc = bufferization::AllocTensorOp::create(
          rewriter, loc, type, ValueRange{}, /*copy=*/Value(),
          /*size_hint=*/Value(), privateSpace);
      Value copied =
          linalg::CopyOp::create(rewriter, loc, init.get(), alloc.getResult())
              .getResult(0);
      rewriter.modifyOpInPlace(op, [&] { init.set(copied); });
    }
  }
}

/// Replaces the merge of a partial reduction (a `linalg.reduce` of
/// `threads` partial results, a power of two) with log2(threads) halving
/// steps, each an elementwise combine of the upper half into the lower
/// half, spread over the invocations; then combines the first partial with
/// the reduction's initial value.
LogicalResult buildTreeMerge(RewriterBase &rewriter, linalg::ReduceOp merge,
                             int64_t threads) {
  if (merge.getNumDpsInputs() != 1 || merge.getNumDpsInits() != 1 ||
      merge.getDimensions().size() != 1)
    return failure();
  Value partial = merge.getInputs()[0];
  auto type = cast<RankedTensorType>(partial.getType());
  int64_t k = merge.getDimensions()[0];
  if (!type.hasStaticShape() || type.getDimSize(k) != threads ||
      !llvm::isPowerOf2_64(threads))
    return failure();
  MLIRContext *ctx = merge.getContext();
  Location loc = merge.getLoc();
  Block &combiner = merge.getCombiner().front();
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
  int64_t rank = type.getRank();
  SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
  SmallVector<OpFoldResult> strides(rank, rewriter.getIndexAttr(1));
  SmallVector<OpFoldResult> sizes =
      getAsIndexOpFoldResult(ctx, type.getShape());
  AffineMap id = rewriter.getMultiDimIdentityMap(rank);
  SmallVector<utils::IteratorType> parallel(rank,
                                            utils::IteratorType::parallel);
  Value buffer = partial;
  SmallVector<linalg::GenericOp> steps;
  for (int64_t half = threads / 2; half >= 1; half /= 2) {
    sizes[k] = rewriter.getIndexAttr(half);
    offsets[k] = rewriter.getIndexAttr(0);
    Value lo = tensor::ExtractSliceOp::create(rewriter, loc, buffer, offsets,
                                              sizes, strides);
    offsets[k] = rewriter.getIndexAttr(half);
    Value hi = tensor::ExtractSliceOp::create(rewriter, loc, buffer, offsets,
                                              sizes, strides);
    auto step = linalg::GenericOp::create(
        rewriter, loc, lo.getType(), ValueRange{hi}, ValueRange{lo},
        ArrayRef<AffineMap>{id, id}, parallel, body);
    offsets[k] = rewriter.getIndexAttr(0);
    buffer = tensor::InsertSliceOp::create(rewriter, loc, step.getResult(0),
                                           buffer, offsets, sizes, strides);
    steps.push_back(step);
  }
  Value init = merge.getInits()[0];
  auto initType = cast<RankedTensorType>(init.getType());
  sizes[k] = rewriter.getIndexAttr(1);
  Value first = tensor::ExtractSliceOp::create(rewriter, loc, initType, buffer,
                                               offsets, sizes, strides);
  AffineMap initId = rewriter.getMultiDimIdentityMap(initType.getRank());
  auto final = linalg::GenericOp::create(
      rewriter, loc, initType, ValueRange{first}, ValueRange{init},
      ArrayRef<AffineMap>{initId, initId},
      SmallVector<utils::IteratorType>(initType.getRank(),
                                       utils::IteratorType::parallel),
      body);
  rewriter.replaceOp(merge, final.getResults());
  for (linalg::GenericOp step : steps) {
    auto tilingOp = cast<TilingInterface>(step.getOperation());
    if (failed(tileToForall(rewriter, tilingOp, perElementTiles(tilingOp),
                            /*block=*/false, /*fuse=*/false)))
      return failure();
  }
  return success();
}

/// Applies one strategy to one kernel. A failure may leave the kernel half
/// transformed: the pass works on a clone.
class KernelDistributor {
public:
  KernelDistributor(func::FuncOp kernel, const GpuLimits &limits)
      : kernel(kernel), limits(limits), rewriter(kernel.getContext()) {}

  LogicalResult apply(GpuStrategy strategy, const GpuTilePlan &plan) {
    TilingInterface root = findRoot(kernel);
    if (!root)
      return failure();
    LogicalResult applied = failure();
    switch (strategy) {
    case GpuStrategy::Serial:
      return success();
    case GpuStrategy::Simt:
      applied = distributeSimt(root, plan);
      break;
    case GpuStrategy::SharedMemoryContraction:
      applied = distributeContraction(root, plan);
      break;
    case GpuStrategy::TreeReduction:
      applied = distributeTreeReduction(root, plan);
      break;
    }
    if (failed(applied) || failed(canonicalizeKernels(kernel)))
      return failure();
    accumulateInPrivateMemory(rewriter, kernel);
    return distributeLeftovers();
  }

private:
  LogicalResult distributeSimt(TilingInterface root, const GpuTilePlan &plan) {
    FailureOr<Operation *> tiled = tileToForall(rewriter, root, plan.blockTiles,
                                                /*block=*/true, /*fuse=*/true);
    if (failed(tiled))
      return failure();
    return tileToForall(rewriter, cast<TilingInterface>(*tiled),
                        plan.threadTiles, /*block=*/false, /*fuse=*/true);
  }

  LogicalResult distributeContraction(TilingInterface root,
                                      const GpuTilePlan &plan) {
    FailureOr<Operation *> tiled = tileToForall(rewriter, root, plan.blockTiles,
                                                /*block=*/true, /*fuse=*/true);
    if (failed(tiled))
      return failure();
    // A serial loop over tiles of the reduction; the accumulator stays in
    // the result tile.
    auto tiledOp = cast<TilingInterface>(*tiled);
    SmallVector<int64_t> stepTiles(plan.blockTiles.size(), 0);
    stepTiles[plan.reductionLoop] = plan.reductionTile;
    scf::SCFTilingOptions options;
    options.setTileSizes(getAsIndexOpFoldResult(kernel.getContext(), stepTiles))
        .setLoopType(scf::SCFTilingOptions::LoopType::ForOp);
    rewriter.setInsertionPoint(tiledOp);
    FailureOr<scf::SCFTilingResult> steps =
        scf::tileUsingSCF(rewriter, tiledOp, options);
    if (failed(steps))
      return failure();
    rewriter.replaceOp(tiledOp, steps->replacements);
    auto step = dyn_cast<linalg::LinalgOp>(steps->tiledOps.back());
    if (!step)
      return failure();
    promoteInputs(rewriter, step, limits.sharedMemoryBytes);
    // The copies into shared memory are not fused into the invocation
    // tiles: every invocation of the workgroup reads all of them.
    return tileToForall(rewriter, cast<TilingInterface>(step.getOperation()),
                        plan.threadTiles, /*block=*/false, /*fuse=*/false);
  }

  LogicalResult distributeTreeReduction(TilingInterface root,
                                        const GpuTilePlan &plan) {
    FailureOr<Operation *> tiled = tileToForall(rewriter, root, plan.blockTiles,
                                                /*block=*/true, /*fuse=*/true);
    if (failed(tiled))
      return failure();
    auto tiledOp = cast<TilingInterface>(*tiled);
    MLIRContext *ctx = kernel.getContext();
    SmallVector<int64_t> numThreads(plan.blockTiles.size(), 0);
    numThreads[plan.splitLoop] = plan.threads;
    scf::SCFTileAndFuseOptions options;
    options.tilingOptions
        .setNumThreads(getAsIndexOpFoldResult(ctx, numThreads))
        .setLoopType(scf::SCFTilingOptions::LoopType::ForallOp)
        .setReductionTilingStrategy(
            ReductionTilingStrategy::PartialReductionOuterParallel)
        .setReductionDims({static_cast<unsigned>(plan.splitLoop)})
        .setMapping(gpuMapping(ctx, /*block=*/false, 1));
    rewriter.setInsertionPoint(tiledOp);
    FailureOr<scf::SCFTileAndFuseResult> result =
        scf::tileConsumerAndFuseProducersUsingSCF(rewriter, tiledOp, options);
    if (failed(result))
      return failure();
    Value merged = result->replacements.lookup(tiledOp->getResult(0));
    rewriter.replaceAllUsesWith(tiledOp->getResult(0), merged);
    auto merge = merged.getDefiningOp<linalg::ReduceOp>();
    if (!merge)
      return failure();
    return buildTreeMerge(rewriter, merge, plan.threads);
  }

  /// Spreads every tensor op still computed by the whole workgroup (fills
  /// of accumulators, copies into shared memory, the last step of a tree)
  /// over the invocations, one element each.
  LogicalResult distributeLeftovers() {
    SmallVector<TilingInterface> ops;
    kernel.walk<WalkOrder::PreOrder>([&](Operation *op) {
      if (auto forall = dyn_cast<scf::ForallOp>(op);
          forall && isThreadMapped(forall))
        return WalkResult::skip();
      auto tilingOp = dyn_cast<TilingInterface>(op);
      if (tilingOp && op->getNumResults() > 0 &&
          llvm::all_of(op->getResultTypes(), llvm::IsaPred<RankedTensorType>))
        ops.push_back(tilingOp);
      return WalkResult::advance();
    });
    for (TilingInterface op : ops)
      if (failed(tileToForall(rewriter, op, perElementTiles(op),
                              /*block=*/false, /*fuse=*/false)))
        return failure();
    return canonicalizeKernels(kernel);
  }

  func::FuncOp kernel;
  GpuLimits limits;
  IRRewriter rewriter;
};

/// The strategies worth trying for `root`, best first, with their plans;
/// the last one (simt) always applies to a root with static bounds.
SmallVector<std::pair<GpuStrategy, GpuTilePlan>>
candidateStrategies(TilingInterface root, ArrayRef<int64_t> bounds,
                    const GpuLimits &limits) {
  SmallVector<std::pair<GpuStrategy, GpuTilePlan>> candidates;
  SmallVector<utils::IteratorType> iterators = root.getLoopIteratorTypes();
  auto linalgOp = dyn_cast<linalg::LinalgOp>(root.getOperation());
  if (linalgOp && linalgOp.getNumDpsInputs() >= 2) {
    bool isConv = isa<linalg::ConvolutionOpInterface>(root.getOperation());
    if (isConv || linalg::isaContractionOpInterface(linalgOp)) {
      // Convolutions stage input windows, which grow with the output tile.
      if (std::optional<GpuTilePlan> plan = planSharedMemoryContraction(
              bounds, iterators, /*parallelTileCap=*/isConv ? 16 : 32,
              /*reductionTileCap=*/isConv ? 4 : 32, limits))
        candidates.push_back({GpuStrategy::SharedMemoryContraction, *plan});
    }
  }
  if (linalgOp && isa<linalg::GenericOp, linalg::ReduceOp>(root.getOperation()) &&
      linalgOp.getNumDpsInits() == 1 && linalgOp.getNumReductionLoops() > 0)
    if (std::optional<GpuTilePlan> plan =
            planTreeReduction(bounds, iterators, limits))
      candidates.push_back({GpuStrategy::TreeReduction, *plan});
  candidates.push_back({GpuStrategy::Simt, planSimt(bounds, iterators, limits)});
  return candidates;
}

struct LoomGpuDistributePass
    : public loom::impl::LoomGpuDistributeBase<LoomGpuDistributePass> {
  using LoomGpuDistributeBase::LoomGpuDistributeBase;

  void runOnOperation() override {
    GpuLimits limits;
    limits.maxThreads = maxWorkgroupSize;
    limits.sharedMemoryBytes = maxSharedMemory;
    limits.subgroupSize = subgroupSize;
    if (limits.maxThreads < 1 || limits.sharedMemoryBytes < 0) {
      getOperation().emitError()
          << "invalid GPU limits: max-workgroup-size " << maxWorkgroupSize
          << ", max-shared-memory " << maxSharedMemory;
      return signalPassFailure();
    }
    RewritePatternSet patterns(&getContext());
    patterns.add<PadToGather>(&getContext());
    FrozenRewritePatternSet frozen(std::move(patterns));
    for (func::FuncOp kernel : getKernels(getOperation())) {
      if (failed(applyPatternsGreedily(kernel, frozen)))
        return signalPassFailure();
      distribute(kernel, limits);
    }
  }

  /// Tries the candidate strategies on clones of `kernel` and keeps the
  /// first that applies; a kernel none applies to runs as one invocation.
  void distribute(func::FuncOp kernel, const GpuLimits &limits) {
    MLIRContext *ctx = kernel.getContext();
    GpuStrategy chosen = GpuStrategy::Serial;
    int64_t threads = 1;
    TilingInterface root = findRoot(kernel);
    FailureOr<SmallVector<int64_t>> bounds =
        root ? staticBounds(root) : FailureOr<SmallVector<int64_t>>(failure());
    if (root && succeeded(bounds)) {
      for (auto &[strategy, plan] : candidateStrategies(root, *bounds, limits)) {
        OpBuilder b(kernel);
        auto clone = cast<func::FuncOp>(b.clone(*kernel));
        if (failed(KernelDistributor(clone, limits).apply(strategy, plan))) {
          clone.erase();
          continue;
        }
        kernel.erase();
        kernel = clone;
        chosen = strategy;
        threads = plan.threads;
        break;
      }
      if (chosen == GpuStrategy::Serial)
        kernel.emitWarning() << "kernel '" << kernel.getName()
                             << "' could not be tiled for the GPU; it runs as "
                                "a single invocation";
    }
    kernel->setAttr(kGpuStrategyAttrName,
                    StringAttr::get(ctx, gpuStrategyName(chosen)));
    kernel->setAttr(kWorkgroupSizeAttrName,
                    DenseI64ArrayAttr::get(ctx, {threads, 1, 1}));
  }
};

} // namespace
