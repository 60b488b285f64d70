//===- GpuDistribute.cpp - kernels -> workgroups and invocations ----------===//
#include "GpuStrategy.h"
#include "GpuUtils.h"

#include "loom/dialect/ConstantData.h"
#include "loom/passes/KernelModule.h"
#include "loom/passes/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/ValueBoundsOpInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/SmallBitVector.h"

namespace loom {
#define GEN_PASS_DEF_LOOMGPUDISTRIBUTE
#include "passes/Passes.h.inc"
} // namespace loom

using namespace mlir;
using namespace loom;

namespace {


/// The size a loop whose trip count is known only at dispatch (a dynamic
/// batch) is planned for: large enough that it gets workgroup tiles of its
/// own, which stay static (the last one partial).
constexpr int64_t kDynamicPlanningBound = 1024;

/// The loop bounds of `op` (lower bounds 0); a dynamic size is
/// kDynamicPlanningBound, and its loop is set in `dynamicLoops`.
FailureOr<SmallVector<int64_t>>
planningBounds(TilingInterface op, llvm::SmallBitVector &dynamicLoops) {
  OpBuilder b(op);
  SmallVector<int64_t> bounds;
  SmallVector<Range> domain = op.getIterationDomain(b);
  dynamicLoops = llvm::SmallBitVector(domain.size());
  for (auto [i, r] : llvm::enumerate(domain)) {
    std::optional<int64_t> offset = getConstantIntValue(r.offset);
    if (!offset || *offset != 0)
      return failure();
    std::optional<int64_t> size = getConstantIntValue(r.size);
    if (!size)
      dynamicLoops.set(i);
    bounds.push_back(size ? *size : kDynamicPlanningBound);
  }
  return bounds;
}

/// Gives each tensor.empty of dynamic size inside a workgroup or invocation
/// tile (a partial tile of a dynamic loop) a static buffer of the tile's
/// full size: a static tensor.empty of the sizes' constant upper bounds,
/// sliced to the dynamic sizes. Fails when a size has no constant bound.
LogicalResult boundTileTemporaries(RewriterBase &rewriter,
                                   func::FuncOp kernel) {
  // A tile of an empty tensor of dynamic size is an empty tensor of the
  // tile's sizes (kernels without dynamic sizes are left as they are).
  SmallVector<tensor::ExtractSliceOp> slices;
  kernel.walk([&](tensor::ExtractSliceOp slice) {
    auto empty = slice.getSource().getDefiningOp<tensor::EmptyOp>();
    if (empty && !empty.getType().hasStaticShape() &&
        slice->getParentOfType<scf::ForallOp>())
      slices.push_back(slice);
  });
  for (tensor::ExtractSliceOp slice : slices) {
    llvm::SmallBitVector dropped = slice.getDroppedDims();
    SmallVector<OpFoldResult> sizes;
    for (auto [i, size] : llvm::enumerate(slice.getMixedSizes()))
      if (!dropped.test(i))
        sizes.push_back(size);
    rewriter.setInsertionPoint(slice);
    auto tile = tensor::EmptyOp::create(rewriter, slice.getLoc(), sizes,
                                        slice.getType().getElementType());
    if (tile.getType() != slice.getType()) {
      rewriter.eraseOp(tile);
      continue;
    }
    rewriter.replaceOp(slice, tile);
  }
  SmallVector<tensor::EmptyOp> empties;
  kernel.walk([&](tensor::EmptyOp empty) {
    if (!empty.getType().hasStaticShape() &&
        empty->getParentOfType<scf::ForallOp>())
      empties.push_back(empty);
  });
  for (tensor::EmptyOp empty : empties) {
    RankedTensorType type = empty.getType();
    SmallVector<int64_t> shape(type.getShape());
    SmallVector<OpFoldResult> sizes = empty.getMixedSizes();
    for (auto [d, size] : llvm::enumerate(sizes)) {
      if (!type.isDynamicDim(d))
        continue;
      FailureOr<int64_t> bound = ValueBoundsConstraintSet::computeConstantBound(
          presburger::BoundType::UB, ValueBoundsConstraintSet::Variable(size),
          /*stopCondition=*/nullptr, /*closedUB=*/true);
      // (The strategy is tried on a clone: no diagnostic, the next one is
      // tried.)
      if (failed(bound) || *bound < 1)
        return failure();
      shape[d] = *bound;
    }
    rewriter.setInsertionPoint(empty);
    Value full = tensor::EmptyOp::create(rewriter, empty.getLoc(), shape,
                                         type.getElementType());
    SmallVector<OpFoldResult> zeros(type.getRank(), rewriter.getIndexAttr(0)),
        ones(type.getRank(), rewriter.getIndexAttr(1));
    rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(empty, type, full,
                                                        zeros, sizes, ones);
  }
  return success();
}

/// " (node 'NAME', TYPE)" for an op imported from an ONNX node (its
/// location names the node), else "".
std::string sourceNode(Location loc) {
  auto name = dyn_cast<NameLoc>(loc);
  if (!name)
    return "";
  std::string text = " (node '" + name.getName().str() + "'";
  if (auto fused = dyn_cast<FusedLoc>(name.getChildLoc()))
    if (auto type = dyn_cast_or_null<StringAttr>(fused.getMetadata()))
      text += ", " + type.str();
  return text + ")";
}

/// Which producers tiling fuses into each tile.
enum class Fusion {
  None,
  /// Producers without reduction loops: an invocation recomputes only its
  /// own elements; reductions (a row's max, a matmul) stay shared.
  Elementwise,
  All,
};

void setFusion(scf::SCFTileAndFuseOptions &options, Fusion fusion) {
  using Result = std::optional<scf::SCFTileAndFuseOptions::ControlFnResult>;
  if (fusion == Fusion::None)
    options.setFusionControlFn(
        [](tensor::ExtractSliceOp, OpResult, bool) -> Result {
          return std::nullopt;
        });
  if (fusion == Fusion::Elementwise)
    options.setFusionControlFn(
        [](tensor::ExtractSliceOp, OpResult producer, bool) -> Result {
          auto linalgOp = dyn_cast<linalg::LinalgOp>(producer.getOwner());
          if (linalgOp && linalgOp.getNumReductionLoops() > 0)
            return std::nullopt;
          return scf::SCFTileAndFuseOptions::ControlFnResult{};
        });
}

/// Tiles `op` into an `scf.forall` over its loops with a non-zero tile,
/// mapped to workgroups (`block`) or invocations, fusing producers into the
/// tile as `fusion` says. Returns the tiled op (`op` itself when no loop is
/// tiled).
FailureOr<Operation *> tileToForall(RewriterBase &rewriter, TilingInterface op,
                                    ArrayRef<int64_t> tiles, bool block,
                                    Fusion fusion) {
  MLIRContext *ctx = op.getContext();
  unsigned tiled = llvm::count_if(tiles, [](int64_t t) { return t != 0; });
  if (tiled == 0)
    return op.getOperation();
  scf::SCFTileAndFuseOptions options;
  options.tilingOptions.setTileSizes(getAsIndexOpFoldResult(ctx, tiles))
      .setLoopType(scf::SCFTilingOptions::LoopType::ForallOp)
      .setMapping(gpuMapping(ctx, block, tiled));
  setFusion(options, fusion);
  rewriter.setInsertionPoint(op);
  FailureOr<scf::SCFTileAndFuseResult> result =
      scf::tileConsumerAndFuseProducersUsingSCF(rewriter, op, options);
  if (failed(result))
    return failure();
  for (OpResult r : op->getResults())
    rewriter.replaceAllUsesWith(r, result->replacements.lookup(r));
  return result->tiledAndFusedOps.front();
}

/// tensor.pad with static padding and a constant padding value as an
/// elementwise gather over the result: every element reads the source at a
/// clamped position and selects the padding value outside. Tiles like any
/// elementwise op, with no control flow (tiling a tensor.pad itself makes
/// `scf.if`s that yield temporaries). A dynamic dimension (a batch) must be
/// unpadded: it is read as is.
struct PadToGather : public OpRewritePattern<tensor::PadOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::PadOp pad,
                                PatternRewriter &rewriter) const override {
    Value padValue = pad.getConstantPaddingValue();
    RankedTensorType srcType = pad.getSourceType();
    RankedTensorType type = pad.getResultType();
    if (!padValue)
      return rewriter.notifyMatchFailure(pad, "non-constant pad");
    SmallVector<int64_t> low;
    for (auto [l, h] : llvm::zip(pad.getMixedLowPad(), pad.getMixedHighPad())) {
      std::optional<int64_t> v = getConstantIntValue(l);
      if (!v)
        return rewriter.notifyMatchFailure(pad, "dynamic padding");
      unsigned d = low.size();
      if (srcType.isDynamicDim(d) != type.isDynamicDim(d) ||
          (srcType.isDynamicDim(d) && (*v != 0 || !isZeroInteger(h))))
        return rewriter.notifyMatchFailure(pad, "padded dynamic dimension");
      low.push_back(*v);
    }
    Location loc = pad.getLoc();
    int64_t rank = type.getRank();
    Value source = pad.getSource();
    SmallVector<Value> dynamicSizes;
    for (int64_t d = 0; d < rank; ++d)
      if (type.isDynamicDim(d))
        dynamicSizes.push_back(tensor::DimOp::create(rewriter, loc, source, d));
    Value init = tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                         type.getElementType(), dynamicSizes);
    auto body = [&](OpBuilder &b, Location l, ValueRange) {
      Value inBounds;
      SmallVector<Value> indices;
      for (int64_t d = 0; d < rank; ++d) {
        Value i = linalg::IndexOp::create(b, l, d);
        if (srcType.isDynamicDim(d)) {
          indices.push_back(i);
          continue;
        }
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

/// tensor.concat of dynamic shape (a batch) along a static axis as an
/// elementwise gather over the result: every element reads each input at a
/// clamped position along the axis and selects the one it lies in. Tiles
/// like any elementwise op (a concat has no tiling of its own). Static
/// concatenations are left alone.
struct ConcatToGather : public OpRewritePattern<tensor::ConcatOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::ConcatOp concat,
                                PatternRewriter &rewriter) const override {
    RankedTensorType type = concat.getResultType();
    int64_t axis = concat.getDim();
    if (type.hasStaticShape() || type.isDynamicDim(axis))
      return rewriter.notifyMatchFailure(concat, "static or dynamic axis");
    SmallVector<int64_t> offsets = {0};
    for (Value input : concat.getInputs()) {
      auto t = cast<RankedTensorType>(input.getType());
      if (t.isDynamicDim(axis))
        return rewriter.notifyMatchFailure(concat, "input of dynamic size");
      offsets.push_back(offsets.back() + t.getDimSize(axis));
    }
    Location loc = concat.getLoc();
    int64_t rank = type.getRank();
    Value first = concat.getInputs().front();
    SmallVector<Value> dynamicSizes;
    for (int64_t d = 0; d < rank; ++d)
      if (type.isDynamicDim(d))
        dynamicSizes.push_back(tensor::DimOp::create(rewriter, loc, first, d));
    Value init = tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                         type.getElementType(), dynamicSizes);
    auto body = [&](OpBuilder &b, Location l, ValueRange) {
      SmallVector<Value> indices;
      for (int64_t d = 0; d < rank; ++d)
        indices.push_back(linalg::IndexOp::create(b, l, d));
      Value i = indices[axis];
      Value result;
      // From the last input back: each earlier one wins below its end.
      for (int64_t k = concat.getInputs().size() - 1; k >= 0; --k) {
        Value zero = arith::ConstantIndexOp::create(b, l, 0);
        Value last = arith::ConstantIndexOp::create(
            b, l, offsets[k + 1] - offsets[k] - 1);
        Value local = arith::SubIOp::create(
            b, l, i, arith::ConstantIndexOp::create(b, l, offsets[k]));
        Value clamped = arith::MaxSIOp::create(
            b, l, zero, arith::MinSIOp::create(b, l, local, last));
        SmallVector<Value> at(indices);
        at[axis] = clamped;
        Value read = tensor::ExtractOp::create(b, l, concat.getInputs()[k], at);
        if (!result) {
          result = read;
          continue;
        }
        Value below = arith::CmpIOp::create(
            b, l, arith::CmpIPredicate::slt, i,
            arith::ConstantIndexOp::create(b, l, offsets[k + 1]));
        result = arith::SelectOp::create(b, l, below, read, result);
      }
      linalg::YieldOp::create(b, l, result);
    };
    rewriter.replaceOpWithNewOp<linalg::GenericOp>(
        concat, type, ValueRange{}, ValueRange{init},
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

/// Marks the merge of a partial reduction (a `linalg.reduce` of `threads`
/// partial results in shared memory, a power of two) to be combined as a
/// tree once it is on buffers (--loom-gpu-map-forall), where the halving
/// steps update the partials in place.
LogicalResult markTreeMerge(linalg::ReduceOp merge, int64_t threads) {
  if (merge.getNumDpsInputs() != 1 || merge.getNumDpsInits() != 1 ||
      merge.getDimensions().size() != 1)
    return failure();
  auto type = cast<RankedTensorType>(merge.getInputs()[0].getType());
  if (!type.hasStaticShape() ||
      type.getDimSize(merge.getDimensions()[0]) != threads ||
      !llvm::isPowerOf2_64(threads))
    return failure();
  merge->setAttr(kTreeMergeAttrName, UnitAttr::get(merge.getContext()));
  return success();
}

bool isContractionLike(Operation *op) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  return linalgOp && linalgOp.getNumDpsInputs() >= 2 &&
         linalgOp.getNumDpsInits() == 1 &&
         (isa<linalg::ConvolutionOpInterface>(op) ||
          linalg::isaContractionOpInterface(linalgOp));
}

/// The contraction a kernel is built around: its root, or the producer of
/// an elementwise root (a bias, an activation after a matmul) whose result
/// only that root reads.
linalg::LinalgOp findContraction(TilingInterface root) {
  if (isContractionLike(root))
    return cast<linalg::LinalgOp>(root.getOperation());
  auto epilogue = dyn_cast<linalg::GenericOp>(root.getOperation());
  if (!epilogue || epilogue.getNumReductionLoops() != 0)
    return nullptr;
  for (OpOperand *input : epilogue.getDpsInputOperands()) {
    Operation *producer = input->get().getDefiningOp();
    if (producer && isContractionLike(producer) &&
        input->get().hasOneUse() &&
        epilogue.getMatchingIndexingMap(input).isIdentity())
      return cast<linalg::LinalgOp>(producer);
  }
  return nullptr;
}

/// Workgroup tiles of `contraction` (per loop) as tiles of the elementwise
/// `root` that reads its result: result dimension i is contraction loop p
/// and root loop i.
std::optional<SmallVector<int64_t>>
rootTilesOf(linalg::LinalgOp contraction, ArrayRef<int64_t> contractionTiles,
            TilingInterface root) {
  if (contraction.getOperation() == root.getOperation())
    return SmallVector<int64_t>(contractionTiles);
  AffineMap result =
      contraction.getMatchingIndexingMap(contraction.getDpsInitOperand(0));
  if (!result.isProjectedPermutation())
    return std::nullopt;
  SmallVector<int64_t> tiles(result.getNumResults(), 0);
  for (unsigned i = 0; i < result.getNumResults(); ++i)
    tiles[i] = contractionTiles[result.getDimPosition(i)];
  return tiles;
}

/// Applies one strategy to one kernel. A failure may leave the kernel half
/// transformed: the pass works on a clone.
class KernelDistributor {
public:
  KernelDistributor(func::FuncOp kernel, const GpuLimits &limits)
      : kernel(kernel), limits(limits), rewriter(kernel.getContext()) {}

  /// A kernel computed by a sequential loop (no tileable root): every
  /// invocation runs the loop, and each iteration's tensor ops are spread
  /// over the invocations (one element each, a barrier after each op), so
  /// an invocation runs the loop's trip count rather than all of its work.
  LogicalResult applyToLoop(int64_t workgroupSize) {
    threads = workgroupSize;
    // No trees inside the loop: their partial results would take workgroup
    // memory at every step (a step's matmul [4, 384] over k = 128 needs
    // [4, 384, 128] partials); each invocation sums its own outputs.
    treeReductions = false;
    if (failed(distributeLeftovers()))
      return failure();
    return boundTileTemporaries(rewriter, kernel);
  }

  LogicalResult apply(GpuStrategy strategy, const GpuTilePlan &plan) {
    TilingInterface root = findKernelRoot(kernel);
    if (!root)
      return failure();
    threads = plan.threads;
    LogicalResult applied = failure();
    switch (strategy) {
    case GpuStrategy::RowReduction:
      applied = distributeRows(root, plan);
      break;
    case GpuStrategy::None:
    case GpuStrategy::Serial:
      return success();
    case GpuStrategy::LoopInvocations:
      return failure(); // kernels without a root: applyToLoop
    case GpuStrategy::Simt:
      applied = distributeSimt(root, plan);
      break;
    case GpuStrategy::SharedMemoryContraction:
      applied = distributeContraction(root, plan);
      break;
    case GpuStrategy::TreeReduction:
      applied = distributeTreeReduction(root, plan);
      break;
    case GpuStrategy::TensorCore:
      applied = distributeTensorCore(root, plan);
      break;
    }
    if (failed(applied) || failed(canonicalizeKernels(kernel)))
      return failure();
    accumulateInPrivateMemory(rewriter, kernel);
    if (failed(distributeLeftovers()) ||
        failed(boundTileTemporaries(rewriter, kernel)))
      return failure();
    // A strategy whose temporaries do not fit in shared memory is rejected
    // (the next one is tried).
    return success(sharedMemoryEstimate() <= limits.sharedMemoryBytes);
  }

  /// Bytes of workgroup memory the tiled kernel will allocate: staged
  /// tiles, and the tensors workgroups compute for their invocations
  /// (results of reductions, matmul tiles an epilogue reads).
  int64_t sharedMemoryEstimate() {
    int64_t bytes = 0;
    auto add = [&](Type t) {
      auto type = dyn_cast<RankedTensorType>(t);
      if (type && type.hasStaticShape())
        bytes += type.getNumElements() *
                 storageBytesPerElement(type.getElementType());
    };
    // A kernel of one workgroup has no workgroup loop (it folded away): its
    // temporaries are all the workgroup's.
    bool hasWorkgroupLoop = false;
    kernel.walk([&](scf::ForallOp forall) {
      hasWorkgroupLoop |= isBlockMapped(forall);
    });
    kernel.walk([&](Operation *op) {
      if (auto alloc = dyn_cast<bufferization::AllocTensorOp>(op)) {
        if (auto space = dyn_cast_or_null<gpu::AddressSpaceAttr>(
                alloc.getMemorySpaceAttr());
            space && space.getValue() == gpu::AddressSpace::Workgroup)
          add(alloc.getType());
        return;
      }
      auto empty = dyn_cast<tensor::EmptyOp>(op);
      if (!empty || isInsideThreadForall(op))
        return;
      if (!hasWorkgroupLoop) {
        add(empty.getType());
        return;
      }
      // Inside a workgroup's tile, a tensor nobody writes through to the
      // result buffer.
      for (Operation *p = op->getParentOp(); p; p = p->getParentOp())
        if (auto forall = dyn_cast<scf::ForallOp>(p);
            forall && isBlockMapped(forall)) {
          add(empty.getType());
          return;
        }
    });
    return bytes;
  }

private:
  LogicalResult distributeSimt(TilingInterface root, const GpuTilePlan &plan) {
    FailureOr<Operation *> tiled = tileToForall(rewriter, root, plan.blockTiles,
                                                /*block=*/true, Fusion::All);
    if (failed(tiled))
      return failure();
    return tileToForall(rewriter, cast<TilingInterface>(*tiled),
                        plan.threadTiles, /*block=*/false, Fusion::Elementwise);
  }

  LogicalResult distributeContraction(TilingInterface root,
                                      const GpuTilePlan &plan) {
    bool epilogue = !isContractionLike(root);
    FailureOr<Operation *> tiled = tileToForall(rewriter, root, plan.blockTiles,
                                                /*block=*/true, Fusion::All);
    if (failed(tiled))
      return failure();
    // The contraction of the workgroup tile: the tiled root, or the
    // producer fused into the tile of an elementwise root (which is spread
    // over the invocations with the other workgroup-level ops).
    Operation *contraction = *tiled;
    if (epilogue) {
      contraction = nullptr;
      for (Value operand : (*tiled)->getOperands())
        if (Operation *producer = operand.getDefiningOp();
            producer && isContractionLike(producer))
          contraction = producer;
      if (!contraction)
        return failure();
    }
    // A serial loop over tiles of the reduction; the accumulator stays in
    // the result tile.
    auto tiledOp = cast<TilingInterface>(contraction);
    SmallVector<int64_t> stepTiles(plan.threadTiles.size(), 0);
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
    // An epilogue reads the accumulated tile from shared memory too.
    int64_t budget = limits.sharedMemoryBytes;
    if (epilogue)
      if (auto type = dyn_cast<RankedTensorType>(step->getResult(0).getType());
          type && type.hasStaticShape())
        budget -= type.getNumElements() *
                  storageBytesPerElement(type.getElementType());
    promoteInputs(rewriter, step, budget);
    // The copies into shared memory are not fused into the invocation
    // tiles: every invocation of the workgroup reads all of them.
    return tileToForall(rewriter, cast<TilingInterface>(step.getOperation()),
                        plan.threadTiles, /*block=*/false, Fusion::None);
  }

  /// Workgroup tiles of the root; the tile's matmul is left whole for
  /// --loom-gpu-tensor-cores (marked), its producers (the accumulator's
  /// fill) and consumers (the epilogue) are spread over the invocations.
  LogicalResult distributeTensorCore(TilingInterface root,
                                     const GpuTilePlan &plan) {
    FailureOr<Operation *> tiled = tileToForall(rewriter, root, plan.blockTiles,
                                                /*block=*/true, Fusion::All);
    if (failed(tiled))
      return failure();
    Operation *matmul = *tiled;
    if (!isContractionLike(matmul)) {
      matmul = nullptr;
      for (Value operand : (*tiled)->getOperands())
        if (Operation *producer = operand.getDefiningOp();
            producer && isContractionLike(producer))
          matmul = producer;
    }
    auto linalgOp = dyn_cast_or_null<linalg::LinalgOp>(matmul);
    if (!linalgOp || !matchTensorCoreMatmul(linalgOp))
      return failure();
    matmul->setAttr(kTensorCoreAttrName, UnitAttr::get(kernel.getContext()));
    return success();
  }

  LogicalResult distributeTreeReduction(TilingInterface root,
                                        const GpuTilePlan &plan) {
    FailureOr<Operation *> tiled = tileToForall(rewriter, root, plan.blockTiles,
                                                /*block=*/true, Fusion::All);
    if (failed(tiled))
      return failure();
    return treeReduce(cast<TilingInterface>(*tiled), plan.splitLoop,
                      plan.threads);
  }

  /// A reduction of the workgroup tile spread over `threads` invocations
  /// (a power of two): each reduces a slice of loop `splitLoop` (with its
  /// elementwise producers) into a partial result in shared memory, and the
  /// partials are combined in log2(threads) halving steps.
  LogicalResult treeReduce(TilingInterface op, int64_t splitLoop,
                           int64_t threads) {
    MLIRContext *ctx = kernel.getContext();
    SmallVector<int64_t> numThreads(op.getLoopIteratorTypes().size(), 0);
    numThreads[splitLoop] = threads;
    scf::SCFTileAndFuseOptions options;
    options.tilingOptions
        .setNumThreads(getAsIndexOpFoldResult(ctx, numThreads))
        .setLoopType(scf::SCFTilingOptions::LoopType::ForallOp)
        .setReductionTilingStrategy(
            ReductionTilingStrategy::PartialReductionOuterParallel)
        .setReductionDims({static_cast<unsigned>(splitLoop)})
        .setMapping(gpuMapping(ctx, /*block=*/false, 1));
    setFusion(options, Fusion::Elementwise);
    rewriter.setInsertionPoint(op);
    FailureOr<scf::SCFTileAndFuseResult> result =
        scf::tileConsumerAndFuseProducersUsingSCF(rewriter, op, options);
    if (failed(result))
      return failure();
    Value merged = result->replacements.lookup(op->getResult(0));
    rewriter.replaceAllUsesWith(op->getResult(0), merged);
    auto merge = merged.getDefiningOp<linalg::ReduceOp>();
    if (!merge)
      return failure();
    return markTreeMerge(merge, threads);
  }

  /// Row kernels (softmax, norms): each workgroup takes whole rows; their
  /// reductions are computed once per row and kept in shared memory, and
  /// the elementwise root is spread over the invocations.
  LogicalResult distributeRows(TilingInterface root, const GpuTilePlan &plan) {
    FailureOr<Operation *> tiled = tileToForall(rewriter, root, plan.blockTiles,
                                                /*block=*/true, Fusion::All);
    if (failed(tiled))
      return failure();
    auto tiledOp = cast<TilingInterface>(*tiled);
    return tileToForall(rewriter, tiledOp, perElementTiles(tiledOp),
                        /*block=*/false, Fusion::Elementwise);
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
    // Consumers first: a reduction fuses the elementwise producers it
    // reads into its invocations' slices, which leaves them dead.
    for (TilingInterface op : llvm::reverse(ops)) {
      if (op->hasAttr(kTensorCoreAttrName))
        continue; // a warp's matrix ops: --loom-gpu-tensor-cores
      if (op->use_empty() && isPure(op)) {
        rewriter.eraseOp(op);
        continue;
      }
      // Long reductions (a row of a softmax) get a tree; the rest one
      // output element per invocation.
      auto linalgOp = dyn_cast<linalg::LinalgOp>(op.getOperation());
      if (treeReductions && linalgOp && linalgOp.getNumDpsInits() == 1 &&
          linalgOp.getNumReductionLoops() > 0) {
        SmallVector<int64_t> bounds = linalgOp.getStaticLoopRanges();
        SmallVector<utils::IteratorType> iterators =
            linalgOp.getIteratorTypesArray();
        int64_t split = -1;
        for (auto [i, it] : llvm::enumerate(iterators))
          if (it == utils::IteratorType::reduction &&
              !ShapedType::isDynamic(bounds[i]) &&
              (split < 0 || bounds[i] > bounds[split]))
            split = i;
        int64_t tree = 1;
        while (split >= 0 && tree * 2 <= std::min(bounds[split], threads))
          tree *= 2;
        if (split >= 0 && bounds[split] >= kMinTreeReduction && tree >= 16 &&
            succeeded(treeReduce(op, split, tree)))
          continue;
      }
      if (failed(tileToForall(rewriter, op, perElementTiles(op),
                              /*block=*/false, Fusion::None)))
        return failure();
    }
    return canonicalizeKernels(kernel);
  }

  /// Reductions this long get a tree when left to the whole workgroup.
  static constexpr int64_t kMinTreeReduction = 64;

  func::FuncOp kernel;
  GpuLimits limits;
  IRRewriter rewriter;
  int64_t threads = 1;
  bool treeReductions = true;
};

/// A plan for row kernels: an elementwise root over [..., rows, L] whose
/// kernel also reduces rows of length L along their innermost loop (the
/// max and sum of a softmax, the mean and variance of a norm). std::nullopt
/// for other kernels.
std::optional<GpuTilePlan> planRows(TilingInterface root,
                                    ArrayRef<int64_t> bounds,
                                    const GpuLimits &limits) {
  auto generic = dyn_cast<linalg::GenericOp>(root.getOperation());
  if (!generic || generic.getNumReductionLoops() != 0 || bounds.empty())
    return std::nullopt;
  int64_t length = bounds.back();
  bool rows = false;
  WalkResult walk = root->getParentOp()->walk([&](linalg::LinalgOp op) {
    if (op.getNumReductionLoops() == 0)
      return WalkResult::advance();
    SmallVector<int64_t> opBounds = op.getStaticLoopRanges();
    SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
    if (op.getNumReductionLoops() != 1 ||
        iterators.back() != utils::IteratorType::reduction ||
        opBounds.back() != length)
      return WalkResult::interrupt();
    rows = true;
    return WalkResult::advance();
  });
  if (walk.wasInterrupted() || !rows)
    return std::nullopt;
  GpuTilePlan plan;
  size_t rank = bounds.size();
  plan.blockTiles.assign(rank, 0);
  plan.threadTiles.assign(rank, 0);
  // Whole rows per workgroup: as many as fill the invocations.
  int64_t perWorkgroup = std::max<int64_t>(limits.maxThreads / length, 1);
  for (size_t d = 0; d + 1 < rank; ++d)
    plan.blockTiles[d] = bounds[d] > 1 ? 1 : 0;
  if (rank >= 2 && bounds[rank - 2] > 1) {
    int64_t r = 1;
    while (r * 2 <= perWorkgroup && bounds[rank - 2] % (r * 2) == 0)
      r *= 2;
    plan.blockTiles[rank - 2] = r >= bounds[rank - 2] ? 0 : r;
    perWorkgroup = std::min(r, bounds[rank - 2]);
  } else {
    perWorkgroup = 1;
  }
  plan.threads = std::min(limits.maxThreads, perWorkgroup * length);
  return plan;
}

/// The strategies worth trying for `root`, best first, with their plans;
/// the last one (simt) always applies to a root with static bounds.
SmallVector<std::pair<GpuStrategy, GpuTilePlan>>
candidateStrategies(TilingInterface root, ArrayRef<int64_t> bounds,
                    const llvm::SmallBitVector &dynamicLoops,
                    const GpuLimits &limits, bool tensorCores) {
  SmallVector<std::pair<GpuStrategy, GpuTilePlan>> candidates;
  SmallVector<utils::IteratorType> iterators = root.getLoopIteratorTypes();
  auto linalgOp = dyn_cast<linalg::LinalgOp>(root.getOperation());
  linalg::LinalgOp matmul = findContraction(root);
  if (tensorCores && matmul && matchTensorCoreMatmul(matmul)) {
    std::optional<GpuTilePlan> plan =
        planTensorCore(matmul.getStaticLoopRanges(), limits);
    std::optional<SmallVector<int64_t>> tiles;
    if (plan)
      tiles = rootTilesOf(matmul, plan->blockTiles, root);
    if (tiles) {
      plan->blockTiles = *tiles;
      candidates.push_back({GpuStrategy::TensorCore, *plan});
    }
  }
  if (linalg::LinalgOp contraction = matmul) {
    bool isConv = isa<linalg::ConvolutionOpInterface>(contraction.getOperation());
    SmallVector<int64_t> contractionBounds = contraction.getStaticLoopRanges();
    // Convolutions stage input windows, which grow with the output tile.
    std::optional<GpuTilePlan> plan;
    if (!llvm::any_of(contractionBounds, ShapedType::isDynamic))
      plan = planSharedMemoryContraction(
          contractionBounds, contraction.getIteratorTypesArray(),
          /*parallelTileCap=*/isConv ? 16 : 32,
          /*reductionTileCap=*/isConv ? 4 : 32, limits);
    if (plan) {
      // Workgroup tiles are tiles of the root; the rest of the plan is in
      // the contraction's loops.
      std::optional<SmallVector<int64_t>> tiles =
          rootTilesOf(contraction, plan->blockTiles, root);
      if (tiles) {
        plan->blockTiles = *tiles;
        candidates.push_back({GpuStrategy::SharedMemoryContraction, *plan});
      }
    }
  }
  if (std::optional<GpuTilePlan> plan = planRows(root, bounds, limits))
    candidates.push_back({GpuStrategy::RowReduction, *plan});
  // A tree splits a reduction of static length (a dynamic one is walked by
  // each invocation).
  bool dynamicReduction = llvm::any_of(dynamicLoops.set_bits(), [&](int d) {
    return iterators[d] == utils::IteratorType::reduction;
  });
  if (linalgOp && isa<linalg::GenericOp, linalg::ReduceOp>(root.getOperation()) &&
      linalgOp.getNumDpsInits() == 1 && linalgOp.getNumReductionLoops() > 0 &&
      !dynamicReduction)
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
          << ", max-shared-memory " << static_cast<int64_t>(maxSharedMemory);
      return signalPassFailure();
    }
    RewritePatternSet patterns(&getContext());
    patterns.add<PadToGather, ConcatToGather>(&getContext());
    FrozenRewritePatternSet frozen(std::move(patterns));
    for (func::FuncOp kernel : getKernels(getOperation())) {
      if (failed(applyPatternsGreedily(kernel, frozen)) ||
          failed(distribute(kernel, limits)))
        return signalPassFailure();
    }
  }

  static bool hasSequentialLoop(func::FuncOp kernel) {
    return llvm::any_of(kernel.getBody().front(), [](Operation &op) {
      return isa<scf::ForOp>(op);
    });
  }

  /// The first op of `kernel` that computes a tensor with a dynamic
  /// dimension, or null.
  static Operation *firstDynamicOp(func::FuncOp kernel) {
    Operation *found = nullptr;
    kernel.walk([&](Operation *op) {
      if (isa<bufferization::ToTensorOp, tensor::EmptyOp>(op))
        return WalkResult::advance();
      auto dynamic = [](Type t) {
        auto tensor = dyn_cast<RankedTensorType>(t);
        return tensor && !tensor.hasStaticShape();
      };
      if (llvm::any_of(op->getResultTypes(), dynamic)) {
        found = op;
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    return found;
  }

  /// Tries the candidate strategies on clones of `kernel` and keeps the
  /// first that applies; a static kernel none applies to runs as one
  /// invocation, a dynamic one is an error (its temporaries would have
  /// sizes known only at dispatch).
  LogicalResult distribute(func::FuncOp kernel, const GpuLimits &limits) {
    GpuStrategy chosen = GpuStrategy::Serial;
    int64_t threads = 1;
    TilingInterface root = findKernelRoot(kernel);
    llvm::SmallBitVector dynamicLoops;
    FailureOr<SmallVector<int64_t>> bounds =
        root ? planningBounds(root, dynamicLoops)
             : FailureOr<SmallVector<int64_t>>(failure());
    Operation *dynamicOp = firstDynamicOp(kernel);
    if (root && succeeded(bounds)) {
      for (auto &[strategy, plan] : candidateStrategies(
               root, *bounds, dynamicLoops, limits, tensorCores)) {
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
      if (chosen == GpuStrategy::Serial && dynamicOp)
        return root->emitError()
               << "GPU targets cannot distribute '" << root->getName() << "'"
               << sourceNode(root->getLoc()) << " of kernel '"
               << kernel.getName()
               << "' over its dynamic dimensions yet (its temporaries would "
                  "have sizes known only at dispatch); bind the input sizes "
                  "with --input-shape=NAME:DIMS";
      if (chosen == GpuStrategy::Serial)
        kernel.emitWarning() << "kernel '" << kernel.getName()
                             << "' could not be tiled for the GPU; it runs as "
                                "a single invocation";
    } else if (!root && hasSequentialLoop(kernel)) {
      OpBuilder b(kernel);
      auto clone = cast<func::FuncOp>(b.clone(*kernel));
      if (succeeded(
              KernelDistributor(clone, limits).applyToLoop(limits.maxThreads))) {
        kernel.erase();
        kernel = clone;
        chosen = GpuStrategy::LoopInvocations;
        threads = limits.maxThreads;
      } else {
        clone.erase();
      }
    }
    if (chosen == GpuStrategy::Serial && dynamicOp)
      return dynamicOp->emitError()
             << "GPU targets cannot compile '" << dynamicOp->getName() << "'"
             << sourceNode(dynamicOp->getLoc()) << " of kernel '"
             << kernel.getName()
             << "' with dynamic dimensions yet; bind the input sizes with "
                "--input-shape=NAME:DIMS";
    setKernelStrategy(kernel, chosen);
    setWorkgroupSize(kernel, {threads, 1, 1});
    return success();
  }
};

} // namespace
