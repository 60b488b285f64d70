//===- CpuDistribute.cpp - tile kernel roots into workgroups --------------===//
#include "CpuStrategy.h"

#include "loom/passes/KernelModule.h"
#include "loom/passes/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/CSE.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace loom {
#define GEN_PASS_DEF_LOOMCPUDISTRIBUTE
#include "passes/Passes.h.inc"
} // namespace loom

using namespace mlir;
using namespace loom;

namespace {

/// Largest workgroup tile of a kernel that fuses a reduction into its root
/// (softmax, norms): about one 1024-wide row, so that the row and its
/// temporaries stay in L1 from the reduction to the normalization.
constexpr int64_t kFusedReductionTileElements = 1024;

/// Most scalar ops in the payload of an elementwise op that is recomputed in
/// each of its consumers rather than materialized.
constexpr int64_t kMaxRecomputedOps = 4;

/// True for an elementwise linalg op cheap enough to recompute: a few arith
/// ops per element (a subtraction of the row mean, a scaling), no math
/// functions, and no accumulation into its init.
bool isCheapElementwise(linalg::LinalgOp op) {
  if (!op || op.getNumLoops() != op.getNumParallelLoops() ||
      op->getNumResults() != 1)
    return false;
  if (llvm::any_of(op.getDpsInitsMutable(), [&](OpOperand &init) {
        return op.payloadUsesValueFromOperand(&init);
      }))
    return false;
  Block *body = op.getBlock();
  if (!body)
    return false;
  int64_t count = 0;
  for (Operation &inner : body->without_terminator()) {
    if (isa<math::MathDialect>(inner.getDialect()) ||
        inner.getNumRegions() > 0)
      return false;
    ++count;
  }
  return count <= kMaxRecomputedOps;
}

/// Within a kernel, a cheap elementwise op read by several ops (a softmax
/// or norm's centred input, read by the variance and by the normalization)
/// is fused into each of them: recomputing it from data already in cache
/// costs less than storing a tile of it and reading it back.
LogicalResult recomputeCheapProducers(func::FuncOp kernel) {
  MLIRContext *ctx = kernel.getContext();
  RewritePatternSet patterns(ctx);
  linalg::populateElementwiseOpsFusionPatterns(
      patterns, [](OpOperand *operand) {
        // Once fused into all but one reader, the producer has a single
        // use left: fuse that one too.
        return isCheapElementwise(
            operand->get().getDefiningOp<linalg::LinalgOp>());
      });
  return applyPatternsGreedily(kernel, std::move(patterns));
}

/// An elementwise op read element for element by the kernel's elementwise
/// root, shaped like the root's result: the root can overwrite it in place.
bool isInPlaceSource(linalg::GenericOp root, OpOperand &input) {
  auto producer = input.get().getDefiningOp<linalg::GenericOp>();
  if (!producer || producer->getNumResults() != 1 ||
      producer.getNumLoops() != producer.getNumParallelLoops() ||
      input.get().getType() != root->getResult(0).getType() ||
      root.getMatchingIndexingMap(&input) !=
          root.getIndexingMapMatchingResult(root->getResult(0)))
    return false;
  OpOperand &producerInit = producer.getDpsInitsMutable()[0];
  return producer.getMatchingIndexingMap(&producerInit).isIdentity() &&
         !producer.payloadUsesValueFromOperand(&producerInit);
}

/// A kernel whose elementwise root normalizes an intermediate of its own
/// (softmax: exp(x - max) / sum) computes that intermediate where the
/// result goes and normalizes it there in place: within the workgroup tile,
/// the intermediate is computed into the root's destination and the root
/// takes it as its init instead of an input. The result's cache lines are
/// then first written while the intermediate is computed (the costly pass)
/// and the normalization reads and rewrites lines already in L1; with a
/// separate temporary, the normalization pass would fetch every line of
/// the result for its stores (16% of a 4096x1024 softmax here). Done on the
/// tiles: before tiling, the intermediate would be fused into the tile
/// twice, once for its reduction and once for the root's destination.
void normalizeIntermediateInPlace(linalg::GenericOp root) {
  if (root->getNumResults() != 1 ||
      root.getNumLoops() != root.getNumParallelLoops() ||
      !root.getIndexingMapMatchingResult(root->getResult(0)).isIdentity() ||
      root.payloadUsesValueFromOperand(&root.getDpsInitsMutable()[0]))
    return;
  OpOperand *source = nullptr;
  for (OpOperand *input : root.getDpsInputOperands())
    if (isInPlaceSource(root, *input)) {
      source = input;
      break;
    }
  if (!source)
    return;
  auto producer = source->get().getDefiningOp<linalg::GenericOp>();
  Value destination = root.getDpsInits()[0];
  // The destination (a slice of the workgroup's output) must exist before
  // the producer writes into it.
  DominanceInfo dominance;
  if (!dominance.properlyDominates(destination, producer)) {
    Operation *def = destination.getDefiningOp();
    if (!def || def->getBlock() != producer->getBlock() ||
        llvm::any_of(def->getOperands(), [&](Value v) {
          return !dominance.properlyDominates(v, producer);
        }))
      return;
    def->moveBefore(producer);
  }

  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  for (OpOperand *input : root.getDpsInputOperands())
    if (input != source) {
      inputs.push_back(input->get());
      maps.push_back(root.getMatchingIndexingMap(input));
    }
  maps.push_back(root.getMatchingIndexingMap(source));
  IRRewriter rewriter(root.getContext());
  rewriter.modifyOpInPlace(producer, [&] {
    producer.getDpsInitsMutable()[0].set(destination);
  });
  rewriter.setInsertionPoint(root);
  auto inPlace = linalg::GenericOp::create(
      rewriter, root.getLoc(), root->getResultTypes(), inputs,
      ValueRange{source->get()}, maps, root.getIteratorTypesArray());
  // The payload is the root's, with the source's block argument now the
  // init's and the old init's (unused) dropped.
  Block *body = root.getBlock();
  Block *newBody = rewriter.createBlock(&inPlace.getRegion());
  IRMapping mapping;
  BlockArgument sourceArg = root.getMatchingBlockArgument(source);
  for (BlockArgument arg : body->getArguments())
    if (arg != sourceArg && arg.getArgNumber() < root.getNumDpsInputs())
      mapping.map(arg, newBody->addArgument(arg.getType(), arg.getLoc()));
  mapping.map(sourceArg,
              newBody->addArgument(sourceArg.getType(), sourceArg.getLoc()));
  rewriter.setInsertionPointToStart(newBody);
  for (Operation &op : *body)
    rewriter.clone(op, mapping);
  rewriter.replaceOp(root, inPlace->getResults());
}

/// The loops of `root` that run along dimensions `reduction` reduces: for
/// each input of the reduction shaped like the root's result, the
/// dimensions its reduction loops index, as root loops.
SmallVector<unsigned> reducedRootLoops(linalg::LinalgOp reduction,
                                       TilingInterface root) {
  SmallVector<unsigned> loops;
  auto rootOp = dyn_cast<linalg::LinalgOp>(root.getOperation());
  if (!rootOp || rootOp->getNumResults() != 1)
    return loops;
  Type rootType = rootOp->getResult(0).getType();
  AffineMap rootOut = rootOp.getIndexingMapMatchingResult(rootOp->getResult(0));
  if (!rootOut.isPermutation())
    return loops;
  SmallVector<utils::IteratorType> iterators =
      reduction.getIteratorTypesArray();
  for (OpOperand *input : reduction.getDpsInputOperands()) {
    if (input->get().getType() != rootType)
      continue;
    AffineMap map = reduction.getMatchingIndexingMap(input);
    for (auto [pos, expr] : llvm::enumerate(map.getResults()))
      if (auto dim = dyn_cast<AffineDimExpr>(expr);
          dim && iterators[dim.getPosition()] == utils::IteratorType::reduction)
        loops.push_back(rootOut.getDimPosition(pos));
  }
  return loops;
}

/// The workgroup tiles of the root of `kernel`. A root that is the epilogue
/// of a contraction (matmul + bias + relu: the root is the elementwise op)
/// is tiled as that contraction would be: the contraction's work decides how
/// many workgroups there are and its register blocks bound the tiles (sized
/// on the epilogue alone, a matmul's kernel would run as one workgroup).
SmallVector<int64_t> kernelTileSizes(func::FuncOp kernel, TilingInterface root,
                                     const DistributionLimits &limits) {
  auto rootOp = dyn_cast<linalg::LinalgOp>(root.getOperation());
  linalg::LinalgOp anchor;
  int64_t anchorWork = 0;
  kernel.walk([&](linalg::LinalgOp op) {
    if (!rootOp || op == rootOp || !linalg::isaContractionOpInterface(op) ||
        op->getNumResults() != 1 ||
        op->getResult(0).getType() != rootOp->getResult(0).getType())
      return;
    int64_t work = 1;
    for (int64_t bound : op.getStaticLoopRanges())
      work *= ShapedType::isDynamic(bound) ? 1 : bound;
    if (work > anchorWork) {
      anchor = op;
      anchorWork = work;
    }
  });
  if (!anchor)
    return workgroupTileSizes(root, limits);
  AffineMap anchorOut = anchor.getIndexingMapMatchingResult(
      anchor->getResult(0));
  AffineMap rootOut = rootOp.getIndexingMapMatchingResult(rootOp->getResult(0));
  if (!anchorOut.isProjectedPermutation() || !rootOut.isPermutation())
    return workgroupTileSizes(root, limits);
  SmallVector<int64_t> anchorTiles = workgroupTileSizes(
      cast<TilingInterface>(anchor.getOperation()), limits);
  if (anchorTiles.empty())
    return {};
  SmallVector<int64_t> tiles(rootOp.getNumLoops(), 0);
  for (unsigned r = 0; r < anchorOut.getNumResults(); ++r)
    tiles[rootOut.getDimPosition(r)] = anchorTiles[anchorOut.getDimPosition(r)];
  return tiles;
}

struct LoomCpuDistributePass
    : public loom::impl::LoomCpuDistributeBase<LoomCpuDistributePass> {
  using LoomCpuDistributeBase::LoomCpuDistributeBase;

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    DistributionLimits limits{minWorkPerWorkgroup, maxWorkgroups};
    for (func::FuncOp kernel : getKernels(getOperation())) {
      if (failed(recomputeCheapProducers(kernel)))
        return signalPassFailure();
      TilingInterface root = findKernelRoot(kernel);
      if (!root)
        continue;
      // Kernels that fuse a reduction into an elementwise root (softmax,
      // norms) materialize per-tile intermediates: small tiles.
      DistributionLimits kernelLimits = limits;
      kernel.walk([&](linalg::LinalgOp op) {
        if (op.getOperation() != root.getOperation() &&
            op.getNumReductionLoops() > 0 &&
            !linalg::isaContractionOpInterface(op)) {
          kernelLimits.maxTileElements = kFusedReductionTileElements;
          llvm::append_range(kernelLimits.wholeLoops,
                             reducedRootLoops(op, root));
        }
      });
      SmallVector<int64_t> tiles = kernelTileSizes(kernel, root, kernelLimits);
      if (tiles.empty())
        continue;
      IRRewriter rewriter(ctx);
      rewriter.setInsertionPoint(root);
      scf::SCFTileAndFuseOptions options;
      options.tilingOptions.setTileSizes(getAsIndexOpFoldResult(ctx, tiles))
          .setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
      FailureOr<scf::SCFTileAndFuseResult> result =
          scf::tileConsumerAndFuseProducersUsingSCF(rewriter, root, options);
      if (failed(result)) {
        root.emitWarning("could not tile into workgroups; the kernel runs as "
                         "a single workgroup");
        continue;
      }
      for (OpResult r : root->getResults())
        rewriter.replaceAllUsesWith(r, result->replacements.lookup(r));
      // Tile-and-fuse fuses a producer once per reader; merge the copies
      // before rewriting the root to normalize in place.
      if (auto forall = dyn_cast_or_null<scf::ForallOp>(
              result->loops.empty() ? nullptr
                                    : result->loops.front().getOperation())) {
        DominanceInfo dominance;
        eliminateCommonSubExpressions(rewriter, dominance, forall);
        for (Operation &op : forall.getTerminator().getYieldingOps())
          if (auto insert = dyn_cast<tensor::ParallelInsertSliceOp>(op))
            if (auto tiledRoot =
                    insert.getSource().getDefiningOp<linalg::GenericOp>())
              normalizeIntermediateInPlace(tiledRoot);
      }
    }
    // Clean up the producers that were fused into the tiles.
    RewritePatternSet patterns(ctx);
    for (RegisteredOperationName op : ctx->getRegisteredOperations())
      op.getCanonicalizationPatterns(patterns, ctx);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
