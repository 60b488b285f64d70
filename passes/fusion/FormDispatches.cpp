//===- FormDispatches.cpp - group linalg ops into dispatch regions --------===//
//
// --loom-fuse. See Passes.td for the contract. The region formed for a root
// op holds the root and clones of its cheap producers; everything else it
// reads becomes an operand of the isolated region.
//
//===----------------------------------------------------------------------===//

#include "loom/dialect/DynamicShapes.h"
#include "loom/dialect/LoomOps.h"
#include "loom/passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SetVector.h"

namespace loom {
#define GEN_PASS_DEF_LOOMFUSE
#include "passes/Passes.h.inc"
} // namespace loom

using namespace mlir;
using namespace loom;

namespace {

/// Reshapes of whole tensors are views of the same bytes: they stay on the
/// host side of the schedule.
bool isView(Operation *op) {
  return isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(op);
}

/// Ops that are cheaper to recompute in every region than to pass in:
/// constants, empty tensors, fills, and slices (views: the region reads the
/// sliced tensor directly).
bool isCloneable(Operation *op) {
  if (isa<tensor::EmptyOp, tensor::ExtractSliceOp>(op))
    return true;
  if (auto c = dyn_cast<arith::ConstantOp>(op)) {
    if (!isa<ShapedType>(c.getType()))
      return true;
    auto dense = dyn_cast<DenseElementsAttr>(c.getValue());
    return dense && dense.isSplat();
  }
  if (auto fill = dyn_cast<linalg::FillOp>(op))
    return llvm::all_of(fill->getOperands(), [](Value v) {
      Operation *def = v.getDefiningOp();
      return def && isCloneable(def);
    });
  return false;
}

/// Ops that compute and become the root of a dispatch region.
bool isRoot(Operation *op) {
  if (isa<func::ReturnOp, DispatchOp, LaunchOp, SliceLoopOp>(op) || isView(op) ||
      isCloneable(op) || isa<arith::ConstantOp>(op))
    return false;
  return llvm::any_of(op->getResultTypes(),
                      [](Type t) { return isa<RankedTensorType>(t); });
}

/// Collects the cloneable producers of `op` (including values captured by
/// its regions) in topological order, and the values that must be region
/// operands.
void collectRegionContents(Operation *op, llvm::SetVector<Operation *> &clones,
                           llvm::SetVector<Value> &inputs) {
  llvm::SetVector<Value> captured;
  for (Region &r : op->getRegions())
    getUsedValuesDefinedAbove(r, captured);
  auto visit = [&](Value v, bool isCaptured) {
    Operation *def = v.getDefiningOp();
    // A tensor read element by element from inside a body (a gather's
    // table) is passed in whole: a strided view of it cannot be gathered
    // from with vector instructions.
    bool cloneable = def && isCloneable(def) &&
                     !(isCaptured && isa<tensor::ExtractSliceOp>(def));
    if (!cloneable) {
      inputs.insert(v);
      return;
    }
    if (!clones.contains(def)) {
      collectRegionContents(def, clones, inputs);
      clones.insert(def);
    }
  };
  for (Value v : op->getOperands())
    visit(v, /*isCaptured=*/false);
  for (Value v : captured)
    visit(v, /*isCaptured=*/true);
}

/// Forms one dispatch region from `members` (in program order); the last
/// member is the root whose results the region yields. The other members'
/// results are used only inside the region.
LogicalResult formRegion(OpBuilder &builder, ArrayRef<Operation *> members) {
  Operation *root = members.back();
  llvm::SetVector<Operation *> clones;
  llvm::SetVector<Value> inputs;
  llvm::SmallPtrSet<Operation *, 8> memberSet(members.begin(), members.end());
  for (Operation *m : members)
    collectRegionContents(m, clones, inputs);
  llvm::SetVector<Value> external;
  for (Value v : inputs)
    if (!memberSet.contains(v.getDefiningOp()))
      external.insert(v);

  builder.setInsertionPoint(root);
  // The host's sizes of the results' dynamic dimensions.
  SmallVector<Value> resultDims;
  for (Value r : root->getResults()) {
    auto type = cast<RankedTensorType>(r.getType());
    for (int64_t d = 0; d < type.getRank(); ++d) {
      if (!type.isDynamicDim(d))
        continue;
      FailureOr<Value> size = hostDim(builder, r, d);
      if (failed(size))
        return root->emitOpError()
               << "cannot follow the size of dynamic dimension " << d
               << " of its result to the function's inputs";
      resultDims.push_back(*size);
    }
  }
  auto dispatch = DispatchOp::create(builder, root->getLoc(),
                                     root->getResultTypes(),
                                     external.getArrayRef(), resultDims);
  Block *body = new Block();
  dispatch.getBody().push_back(body);
  IRMapping mapping;
  for (Value in : external)
    mapping.map(in, body->addArgument(in.getType(), in.getLoc()));
  OpBuilder inner = OpBuilder::atBlockEnd(body);
  for (Operation *op : clones)
    inner.clone(*op, mapping);
  for (Operation *m : members)
    inner.clone(*m, mapping);
  YieldOp::create(inner, root->getLoc(),
                  llvm::map_to_vector(root->getResults(), [&](Value v) {
                    return mapping.lookup(v);
                  }));
  root->replaceAllUsesWith(dispatch.getResults());
  for (Operation *m : llvm::reverse(members))
    m->erase();
  return success();
}

/// linalg.generic with only parallel loops.
bool isParallelGeneric(Operation *op) {
  auto g = dyn_cast<linalg::GenericOp>(op);
  return g && g.getNumReductionLoops() == 0 &&
         llvm::all_of(g.getIndexingMapsArray(),
                      [](AffineMap m) { return m.isProjectedPermutation(); });
}

/// Whether `map`'s results are the loops d0, d1, ..., d(n-1), in order.
bool readsLeadingLoops(AffineMap map, unsigned n) {
  if (map.getNumResults() != n)
    return false;
  for (unsigned i = 0; i < n; ++i)
    if (map.getResult(i) != getAffineDimExpr(i, map.getContext()))
      return false;
  return true;
}

/// A reduction along its trailing loops whose result is indexed by the
/// leading loops in order (a row reduction: softmax, layer norm). Returns
/// the number of leading (parallel) loops, 0 if not one.
unsigned rowReductionRows(Operation *op) {
  auto g = dyn_cast<linalg::GenericOp>(op);
  if (!g || g.getNumDpsInits() != 1 || g.getNumReductionLoops() == 0)
    return 0;
  unsigned rows = g.getNumParallelLoops();
  for (auto [i, it] : llvm::enumerate(g.getIteratorTypesArray()))
    if ((i < rows) != (it == utils::IteratorType::parallel))
      return 0;
  if (!readsLeadingLoops(g.getMatchingIndexingMap(g.getDpsInitOperand(0)),
                         rows))
    return 0;
  return rows;
}

/// Whether `producer` may join the region of the consumer that reads it
/// through `operand` (tiling the consumer then fuses the producer into each
/// tile): elementwise producers always; a row reduction when the consumer
/// reads it along the same leading loops; a matmul-like op when the
/// consumer is an elementwise epilogue of its whole result.
bool canJoin(Operation *producer, OpOperand &operand) {
  auto c = dyn_cast<linalg::GenericOp>(operand.getOwner());
  auto p = dyn_cast<linalg::LinalgOp>(producer);
  if (!c || !p || c.getNumDpsInits() != 1)
    return false;
  // A producer that reads its own init accumulates: keep it where it is.
  if (isParallelGeneric(producer))
    return llvm::none_of(p.getDpsInitsMutable(), [&](OpOperand &init) {
      return p.payloadUsesValueFromOperand(&init);
    });
  AffineMap readMap = c.getMatchingIndexingMap(&operand);
  if (unsigned rows = rowReductionRows(producer)) {
    unsigned leading = 0;
    for (utils::IteratorType it : c.getIteratorTypesArray()) {
      if (it != utils::IteratorType::parallel)
        break;
      ++leading;
    }
    return leading >= rows && readsLeadingLoops(readMap, rows);
  }
  // (The epilogue may change the element type: an f16 matmul accumulates
  // in f32 and its epilogue rounds.)
  if (linalg::isaContractionOpInterface(p) && isParallelGeneric(c))
    return readMap.isIdentity() &&
           cast<ShapedType>(operand.get().getType()).getShape() ==
               cast<ShapedType>(c->getResult(0).getType()).getShape();
  return false;
}

/// Groups compute ops into fusion groups: walking consumers before
/// producers, each root gathers the producers that canJoin it and whose
/// every use is inside the group. Returns the groups, members in program
/// order (the root last).
SmallVector<SmallVector<Operation *>> formGroups(func::FuncOp fn) {
  SmallVector<Operation *> ops;
  for (Operation &op : fn.getBody().front())
    if (isRoot(&op))
      ops.push_back(&op);
  llvm::DenseMap<Operation *, unsigned> groupOf;
  SmallVector<SmallVector<Operation *>> groups;
  for (Operation *root : llvm::reverse(ops)) {
    if (groupOf.count(root))
      continue;
    unsigned id = groups.size();
    groups.push_back({root});
    groupOf[root] = id;
    SmallVector<Operation *> worklist = {root};
    auto isContraction = [](Operation *op) {
      auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
      return linalgOp && linalg::isaContractionOpInterface(linalgOp);
    };
    // One contraction per kernel: two products in one workgroup tile (an
    // epilogue adding two matmuls) cannot be tiled as a matmul.
    bool hasContraction = isContraction(root);
    while (!worklist.empty()) {
      Operation *member = worklist.pop_back_val();
      for (OpOperand &operand : member->getOpOperands()) {
        Operation *producer = operand.get().getDefiningOp();
        if (!producer || groupOf.count(producer) || !isRoot(producer) ||
            !canJoin(producer, operand) ||
            (hasContraction && isContraction(producer)))
          continue;
        bool allUsesInside = llvm::all_of(producer->getUsers(), [&](Operation *u) {
          auto it = groupOf.find(u);
          return it != groupOf.end() && it->second == id;
        });
        if (!allUsesInside)
          continue;
        groupOf[producer] = id;
        groups[id].push_back(producer);
        worklist.push_back(producer);
        hasContraction |= isContraction(producer);
      }
    }
    llvm::sort(groups[id], [](Operation *a, Operation *b) {
      return a->isBeforeInBlock(b);
    });
  }
  return groups;
}

/// generic(expand_shape(x)) where the expansion only adds unit dimensions
/// (a keepdims reduction feeding a broadcast) reads x directly: the unit
/// dimensions are dropped from the operand's indexing map. Then the
/// reduction is the direct producer of its consumer and can join its group.
struct FoldUnitExpandIntoGeneric : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    bool changed = false;
    for (OpOperand *operand : op.getDpsInputOperands()) {
      auto expand = operand->get().getDefiningOp<tensor::ExpandShapeOp>();
      if (!expand)
        continue;
      ArrayRef<int64_t> result = expand.getResultType().getShape();
      AffineMap map = maps[operand->getOperandNumber()];
      SmallVector<AffineExpr> exprs;
      bool ok = true;
      for (ReassociationIndices group : expand.getReassociationIndices()) {
        SmallVector<int64_t> nonUnit;
        for (int64_t d : group)
          if (result[d] != 1)
            nonUnit.push_back(d);
        if (nonUnit.size() > 1) {
          ok = false;
          break;
        }
        exprs.push_back(map.getResult(nonUnit.empty() ? group.back()
                                                      : nonUnit.front()));
      }
      if (!ok)
        continue;
      maps[operand->getOperandNumber()] =
          AffineMap::get(map.getNumDims(), 0, exprs, op.getContext());
      rewriter.modifyOpInPlace(op, [&] { operand->set(expand.getSrc()); });
      changed = true;
    }
    if (!changed)
      return failure();
    rewriter.modifyOpInPlace(op, [&] {
      op.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps));
    });
    return success();
  }
};

/// expand_shape(extract_slice(x)) as extract_slice(expand_shape(x)) when
/// the slice keeps whole the inner dimensions of every group the reshape
/// expands (the Q, K and V thirds of an attention block's [S, 3D]
/// projection, viewed as [S, H, D/H] heads): the reshape becomes a view of
/// x and the slice, cloned into its consumer's region, is read there in
/// place instead of being copied out by a kernel of its own.
struct SwapExpandOfSlice : OpRewritePattern<tensor::ExpandShapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tensor::ExpandShapeOp expand,
                                PatternRewriter &rewriter) const override {
    auto slice = expand.getSrc().getDefiningOp<tensor::ExtractSliceOp>();
    if (!slice || !slice.getSourceType().hasStaticShape() ||
        !expand.getResultType().hasStaticShape() ||
        slice.getSourceType().getRank() != slice.getResultType().getRank() ||
        ShapedType::isDynamicShape(slice.getStaticOffsets()) ||
        llvm::any_of(slice.getStaticStrides(),
                     [](int64_t s) { return s != 1; }))
      return failure();
    ArrayRef<int64_t> source = slice.getSourceType().getShape();
    ArrayRef<int64_t> result = expand.getResultType().getShape();
    ArrayRef<int64_t> offsets = slice.getStaticOffsets();
    SmallVector<int64_t> shape, newOffsets;
    for (auto [dim, group] : llvm::enumerate(expand.getReassociationIndices())) {
      int64_t inner = 1;
      for (int64_t r : llvm::drop_begin(group))
        inner *= result[r];
      if (offsets[dim] % inner || source[dim] % inner)
        return failure();
      shape.push_back(source[dim] / inner);
      newOffsets.push_back(offsets[dim] / inner);
      for (int64_t r : llvm::drop_begin(group)) {
        shape.push_back(result[r]);
        newOffsets.push_back(0);
      }
    }
    auto viewType = RankedTensorType::get(
        shape, expand.getResultType().getElementType());
    Value view = tensor::ExpandShapeOp::create(
        rewriter, expand.getLoc(), viewType, slice.getSource(),
        expand.getReassociationIndices());
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<int64_t> strides(result.size(), 1);
    rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
        expand, expand.getResultType(), view,
        getAsIndexOpFoldResult(ctx, newOffsets),
        getAsIndexOpFoldResult(ctx, result),
        getAsIndexOpFoldResult(ctx, strides));
    return success();
  }
};

/// The tensor.expand_shape that `operand` reads when it puts the result
/// of a single-use contraction (a matmul) into another layout: the
/// [F, N*OH*OW] product of a convolution seen as [N, F, OH, OW], say.
tensor::ExpandShapeOp expandedContraction(Value operand) {
  auto expand = operand.getDefiningOp<tensor::ExpandShapeOp>();
  if (!expand || !expand->hasOneUse())
    return {};
  auto producer = expand.getSrc().getDefiningOp<linalg::LinalgOp>();
  if (!producer || !producer->hasOneUse() ||
      !linalg::isaContractionOpInterface(producer))
    return {};
  return expand;
}

/// An elementwise generic with projected-permutation maps, or null.
linalg::GenericOp elementwiseGeneric(Operation *op) {
  auto generic = dyn_cast<linalg::GenericOp>(op);
  if (!generic || generic.getNumReductionLoops() != 0 ||
      !llvm::all_of(generic.getIndexingMapsArray(), [](AffineMap m) {
        return m.isProjectedPermutation(/*allowZeroInResults=*/true);
      }))
    return {};
  return generic;
}

/// Whether `op` is an elementwise epilogue of a contraction that reads it
/// through an expand_shape: its unit loops are dropped and its iteration
/// space collapsed to the contraction's layout, so that it can join the
/// contraction's region.
bool isEpilogueThroughReshape(Operation *op) {
  linalg::GenericOp generic = elementwiseGeneric(op);
  return generic && llvm::any_of(generic.getDpsInputs(), [](Value v) {
           return static_cast<bool>(expandedContraction(v));
         });
}

/// The unit loops of an elementwise epilogue that its single-use
/// contraction's result is not indexed by (the [S, 3D] projection of an
/// attention block read as [1, S, 3D] by its bias add): dropped, the
/// epilogue has the contraction's shape and can join its region.
SmallVector<unsigned> unitLoopsBesideContraction(Operation *op) {
  linalg::GenericOp generic = elementwiseGeneric(op);
  if (!generic)
    return {};
  SmallVector<int64_t> ranges = generic.getStaticLoopRanges();
  for (OpOperand *input : generic.getDpsInputOperands()) {
    auto producer = input->get().getDefiningOp<linalg::LinalgOp>();
    if (!producer || !producer->hasOneUse() ||
        !linalg::isaContractionOpInterface(producer))
      continue;
    AffineMap map = generic.getMatchingIndexingMap(input);
    SmallVector<unsigned> unread;
    for (unsigned loop = 0; loop < generic.getNumLoops(); ++loop)
      if (!map.isFunctionOfDim(loop)) {
        if (ranges[loop] != 1)
          return {};
        unread.push_back(loop);
      }
    if (!unread.empty())
      return unread;
  }
  return {};
}

/// Epilogues of contractions that read them through a reshape (bias,
/// batch norm and activation after a convolution lowered to im2col + matmul)
/// are rewritten on the contraction's own layout: their unit loops are
/// dropped, then their loops collapsed as the reshape groups them. So are
/// epilogues with unit loops the contraction's result lacks.
LogicalResult foldEpilogueReshapes(func::FuncOp fn) {
  MLIRContext *ctx = fn.getContext();
  linalg::ControlDropUnitDims unitDims;
  unitDims.controlFn = [](Operation *op) -> SmallVector<unsigned> {
    if (!isEpilogueThroughReshape(op))
      return unitLoopsBesideContraction(op);
    return llvm::to_vector(
        llvm::seq<unsigned>(0, cast<linalg::GenericOp>(op).getNumLoops()));
  };
  RewritePatternSet dropUnitDims(ctx);
  linalg::populateFoldUnitExtentDimsPatterns(dropUnitDims, unitDims);
  walkAndApplyPatterns(fn, std::move(dropUnitDims));

  RewritePatternSet collapse(ctx);
  tensor::CollapseShapeOp::getCanonicalizationPatterns(collapse, ctx);
  tensor::ExpandShapeOp::getCanonicalizationPatterns(collapse, ctx);
  tensor::populateFoldTensorEmptyPatterns(collapse);
  linalg::populateFoldReshapeOpsByCollapsingPatterns(
      collapse, [](OpOperand *operand) {
        return isParallelGeneric(operand->getOwner()) &&
               static_cast<bool>(expandedContraction(operand->get()));
      });
  return applyPatternsGreedily(fn, std::move(collapse));
}

struct LoomFusePass : public loom::impl::LoomFuseBase<LoomFusePass> {
  using LoomFuseBase::LoomFuseBase;

  void runOnOperation() override {
    func::FuncOp fn = getOperation();
    if (fn.isExternal())
      return; // a declaration: nothing to fuse
    MLIRContext *ctx = &getContext();
    if (fuseElementwise) {
      RewritePatternSet patterns(ctx);
      // Fuse only into the single consumer: never recompute a producer.
      // A producer that reads its own init (an accumulation) would be
      // re-applied at every iteration of the consumer's extra loops.
      linalg::populateElementwiseOpsFusionPatterns(
          patterns, [](OpOperand *operand) {
            auto producer = operand->get().getDefiningOp<linalg::LinalgOp>();
            if (!producer || !producer->hasOneUse())
              return false;
            return llvm::none_of(producer.getDpsInitsMutable(),
                                 [&](OpOperand &init) {
                                   return producer.payloadUsesValueFromOperand(
                                       &init);
                                 });
          });
      linalg::FillOp::getCanonicalizationPatterns(patterns, ctx);
      tensor::EmptyOp::getCanonicalizationPatterns(patterns, ctx);
      patterns.add<FoldUnitExpandIntoGeneric, SwapExpandOfSlice>(ctx);
      if (failed(applyPatternsGreedily(fn, std::move(patterns))) ||
          failed(foldEpilogueReshapes(fn)))
        return signalPassFailure();
    }

    OpBuilder builder(ctx);
    SmallVector<SmallVector<Operation *>> groups;
    if (fuseReductions) {
      groups = formGroups(fn);
    } else {
      for (Operation &op : fn.getBody().front())
        if (isRoot(&op))
          groups.push_back({&op});
    }
    for (ArrayRef<Operation *> group : groups)
      if (failed(formRegion(builder, group)))
        return signalPassFailure();
    // A slice that is still used outside a region (returned, say) must be
    // materialized by a kernel of its own.
    SmallVector<Operation *> views;
    fn.walk([&](tensor::ExtractSliceOp op) {
      if (!op->getParentOfType<DispatchOp>() && !op->use_empty())
        views.push_back(op);
    });
    for (Operation *view : views)
      if (failed(formRegion(builder, {view})))
        return signalPassFailure();

    // Producers that were cloned into every region are now dead on the host.
    for (Operation &op : llvm::make_early_inc_range(
             llvm::reverse(fn.getBody().front().getOperations())))
      if (op.use_empty() && isCloneable(&op))
        op.erase();
  }
};

} // namespace
