//===- CpuDistributeScans.cpp - scan loops split along batch rows ---------===//
//
// A scan kernel (loom.scan, lowered to an scf.for over the steps that
// carries the state) has no root op to tile, so it ran as one workgroup, on
// one thread. Most scans keep the rows of their state apart: in an RNN, GRU
// or LSTM, row r of the new state reads row r of the old state and row r of
// the step's input, never another row. Such a loop is split here into
// workgroups that each run every step for a block of rows:
//
//   scf.forall (%w) in (blocks) shared_outs(%s = results) {
//     the states' initial rows of the block, inserted into %s
//     scf.for over the steps, each op of the step computing only the rows
//       of the block (a tile of its batch loop)
//     parallel_insert_slice the block's rows of each result into %s
//   }
//
// The states live in the kernel's result buffers (each workgroup reads and
// writes its own rows), so no workgroup waits for another.
//
// Which dimension is the batch of each value is found by propagation from
// the loop's carried values (dimension 0 of a state, dimension 1 of a
// stacked per-step output) through the step's ops; a step that mixes rows
// (a reduction over the batch, a slice of part of it, an op this pass does
// not know) keeps the loop as one workgroup.
//
//===----------------------------------------------------------------------===//
#include "loom/passes/KernelModule.h"
#include "loom/passes/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/TilingInterface.h"
#include "mlir/Transforms/CSE.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace loom {
#define GEN_PASS_DEF_LOOMCPUDISTRIBUTESCANS
#include "passes/Passes.h.inc"
} // namespace loom

using namespace mlir;
using namespace loom;

namespace {

/// The batch rows of a scan loop: which dimension of each value of its
/// step holds them (values not listed are whole: every workgroup computes
/// all of them), which loop of each linalg op runs along them, and their
/// extent.
struct BatchRows {
  int64_t extent = 0;
  DenseMap<Value, int64_t> dims;
  DenseMap<Operation *, unsigned> loops;
};

bool coversWholeDim(OffsetSizeAndStrideOpInterface op, unsigned dim,
                    int64_t extent) {
  return isConstantIntValue(op.getMixedOffsets()[dim], 0) &&
         isConstantIntValue(op.getMixedSizes()[dim], extent) &&
         isConstantIntValue(op.getMixedStrides()[dim], 1);
}

/// For a (possibly rank-reducing) slice of `sliceSizes` in the full tensor
/// whose part is `partShape`: the full tensor's dimension of each dimension
/// of the part.
std::optional<SmallVector<unsigned>>
partToFullDims(ArrayRef<OpFoldResult> sliceSizes, ArrayRef<int64_t> partShape) {
  SmallVector<int64_t> sizes;
  for (OpFoldResult s : sliceSizes) {
    std::optional<int64_t> c = getConstantIntValue(s);
    sizes.push_back(c ? *c : ShapedType::kDynamic);
  }
  std::optional<llvm::SmallDenseSet<unsigned>> dropped =
      computeRankReductionMask(sizes, partShape);
  if (!dropped)
    return std::nullopt;
  SmallVector<unsigned> map;
  for (unsigned d = 0; d < sizes.size(); ++d)
    if (!dropped->contains(d))
      map.push_back(d);
  return map;
}

/// The batch loop of a linalg op reading or writing batch rows; records
/// the batch dimension of its results.
LogicalResult analyzeLinalg(linalg::LinalgOp op, BatchRows &rows) {
  if (!isa<TilingInterface>(op.getOperation()) || !op.hasPureTensorSemantics())
    return failure();
  std::optional<unsigned> loop;
  for (OpOperand &operand : op->getOpOperands()) {
    auto it = rows.dims.find(operand.get());
    if (it == rows.dims.end())
      continue;
    AffineMap map = op.getMatchingIndexingMap(&operand);
    auto dim = dyn_cast<AffineDimExpr>(map.getResult(it->second));
    if (!dim || (loop && *loop != dim.getPosition()))
      return failure();
    loop = dim.getPosition();
  }
  if (!loop || op.getIteratorTypesArray()[*loop] !=
                   utils::IteratorType::parallel)
    return failure();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (ranges[*loop] != rows.extent)
    return failure();
  for (OpResult r : op->getResults()) {
    AffineMap map = op.getIndexingMapMatchingResult(r);
    std::optional<unsigned> position =
        map.getResultPosition(getAffineDimExpr(*loop, op.getContext()));
    if (!position)
      return failure();
    rows.dims[r] = *position;
  }
  rows.loops[op] = *loop;
  return success();
}

/// Finds the batch rows of `loop`, or fails when its steps mix rows.
FailureOr<BatchRows> analyzeScan(scf::ForOp loop) {
  BatchRows rows;
  if (loop.getNumRegionIterArgs() == 0)
    return failure();
  Block *body = loop.getBody();
  auto yield = cast<scf::YieldOp>(body->getTerminator());
  for (auto [i, arg] : llvm::enumerate(loop.getRegionIterArgs())) {
    auto type = dyn_cast<RankedTensorType>(arg.getType());
    if (!type || !type.hasStaticShape())
      return failure();
    // A stacked per-step output [steps, batch, ...] is written a row per
    // step; a state is [batch, ...].
    int64_t dim = 0;
    if (auto insert = yield.getOperand(i).getDefiningOp<tensor::InsertSliceOp>())
      if (insert.getDest() == arg &&
          getAsOpFoldResult(loop.getInductionVar()) ==
              insert.getMixedOffsets()[0])
        dim = 1;
    if (type.getRank() <= dim)
      return failure();
    int64_t extent = type.getDimSize(dim);
    if (rows.extent && rows.extent != extent)
      return failure();
    rows.extent = extent;
    rows.dims[arg] = dim;
  }
  for (Operation &op : body->without_terminator()) {
    bool readsRows = llvm::any_of(op.getOperands(), [&](Value v) {
      return rows.dims.contains(v);
    });
    if (!readsRows) {
      // Whole values (a step's input row, constants): every workgroup
      // computes them; an op with regions might read rows inside.
      if (op.getNumRegions() > 0 &&
          !isa<linalg::LinalgOp>(op))
        return failure();
      continue;
    }
    if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
      if (failed(analyzeLinalg(linalgOp, rows)))
        return failure();
      continue;
    }
    if (auto extract = dyn_cast<tensor::ExtractSliceOp>(op)) {
      int64_t dim = rows.dims.lookup(extract.getSource());
      if (!coversWholeDim(extract, dim, rows.extent))
        return failure();
      std::optional<SmallVector<unsigned>> map = partToFullDims(
          extract.getMixedSizes(), extract.getType().getShape());
      auto it = map ? llvm::find(*map, dim) : nullptr;
      if (!map || it == map->end())
        return failure();
      rows.dims[extract.getResult()] = it - map->begin();
      continue;
    }
    if (auto insert = dyn_cast<tensor::InsertSliceOp>(op)) {
      std::optional<SmallVector<unsigned>> map = partToFullDims(
          insert.getMixedSizes(), insert.getSourceType().getShape());
      if (!map)
        return failure();
      auto destDim = rows.dims.find(insert.getDest());
      auto srcDim = rows.dims.find(insert.getSource());
      int64_t dim = destDim != rows.dims.end()
                        ? destDim->second
                        : static_cast<int64_t>((*map)[srcDim->second]);
      if (srcDim != rows.dims.end() &&
          static_cast<int64_t>((*map)[srcDim->second]) != dim)
        return failure();
      if (!coversWholeDim(insert, dim, rows.extent))
        return failure();
      rows.dims[insert.getResult()] = dim;
      continue;
    }
    if (auto expand = dyn_cast<tensor::ExpandShapeOp>(op)) {
      auto groups = expand.getReassociationIndices();
      const ReassociationIndices &group = groups[rows.dims.lookup(expand.getSrc())];
      if (group.size() != 1)
        return failure();
      rows.dims[expand.getResult()] = group.front();
      continue;
    }
    if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(op)) {
      int64_t dim = rows.dims.lookup(collapse.getSrc());
      auto groups = collapse.getReassociationIndices();
      auto it = llvm::find_if(groups, [&](const ReassociationIndices &g) {
        return llvm::is_contained(g, dim);
      });
      if (it->size() != 1)
        return failure();
      rows.dims[collapse.getResult()] = it - groups.begin();
      continue;
    }
    return failure();
  }
  // Whole values read only by ops that compute a block (the step's input
  // projection, a product's zero fill): computed for the block alone too.
  for (Operation &op : llvm::reverse(body->without_terminator())) {
    auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
    if (!linalgOp || rows.loops.contains(&op) || op.getNumResults() != 1 ||
        !isa<TilingInterface>(op) || !linalgOp.hasPureTensorSemantics() ||
        op.use_empty())
      continue;
    std::optional<unsigned> dim;
    bool blockOnly = llvm::all_of(op.getResult(0).getUses(), [&](OpOperand &use) {
      auto user = dyn_cast<linalg::LinalgOp>(use.getOwner());
      auto it = rows.loops.find(use.getOwner());
      if (!user || it == rows.loops.end())
        return false;
      std::optional<unsigned> position =
          user.getMatchingIndexingMap(&use).getResultPosition(
              getAffineDimExpr(it->second, op.getContext()));
      if (!position || (dim && *dim != *position))
        return false;
      dim = position;
      return true;
    });
    if (!blockOnly)
      continue;
    auto loopDim = dyn_cast<AffineDimExpr>(
        linalgOp.getIndexingMapMatchingResult(op.getResult(0))
            .getResult(*dim));
    if (!loopDim ||
        linalgOp.getIteratorTypesArray()[loopDim.getPosition()] !=
            utils::IteratorType::parallel ||
        linalgOp.getStaticLoopRanges()[loopDim.getPosition()] != rows.extent)
      continue;
    rows.loops[&op] = loopDim.getPosition();
    rows.dims[op.getResult(0)] = *dim;
  }
  for (auto [arg, value] :
       llvm::zip(loop.getRegionIterArgs(), yield.getOperands())) {
    auto it = rows.dims.find(value);
    if (it != rows.dims.end() && it->second != rows.dims.lookup(arg))
      return failure();
  }
  // The kernel stores the results; anything else reading them would read
  // other workgroups' rows.
  for (Value r : loop.getResults())
    for (Operation *user : r.getUsers())
      if (!isa<bufferization::MaterializeInDestinationOp>(user))
        return failure();
  return rows;
}

/// Rows per workgroup: at least `minRows` (the register tiles of the
/// step's products keep several rows), blocks that divide the batch, and
/// no more than `maxBlocks` of them. 0: the loop stays one workgroup.
int64_t rowsPerWorkgroup(int64_t extent, int64_t minRows, int64_t maxBlocks) {
  for (int64_t rows = std::max<int64_t>(minRows, 1); rows <= extent / 2; ++rows)
    if (extent % rows == 0 && extent / rows <= maxBlocks)
      return rows;
  return 0;
}

/// The block of rows [offset, offset + rows) along `dim` of a tensor of
/// `shape`, as slice offsets, sizes and strides.
struct BlockSlice {
  SmallVector<OpFoldResult> offsets, sizes, strides;
};

BlockSlice blockOf(OpBuilder &b, ArrayRef<int64_t> shape, unsigned dim,
                   OpFoldResult offset, int64_t rows) {
  BlockSlice block;
  block.offsets.assign(shape.size(), b.getIndexAttr(0));
  block.sizes = getAsIndexOpFoldResult(b.getContext(), shape);
  block.strides.assign(shape.size(), b.getIndexAttr(1));
  block.offsets[dim] = offset;
  block.sizes[dim] = b.getIndexAttr(rows);
  return block;
}

Value extractBlock(OpBuilder &b, Location loc, Value full,
                   const BlockSlice &block) {
  return tensor::ExtractSliceOp::create(b, loc, full, block.offsets,
                                        block.sizes, block.strides);
}

/// Computes only the block's rows of every op of the step that reads or
/// writes rows.
LogicalResult tileStep(RewriterBase &rewriter, scf::ForOp original,
                       scf::ForOp loop, const BatchRows &rows,
                       OpFoldResult offset, int64_t blockRows) {
  SmallVector<std::pair<Operation *, Operation *>> pairs;
  for (auto [from, to] : llvm::zip(original.getBody()->without_terminator(),
                                   loop.getBody()->without_terminator()))
    pairs.push_back({&from, &to});
  for (auto [from, op] : pairs) {
    Location loc = op->getLoc();
    rewriter.setInsertionPoint(op);
    if (auto it = rows.loops.find(from); it != rows.loops.end()) {
      auto tileable = cast<TilingInterface>(op);
      auto linalgOp = cast<linalg::LinalgOp>(op);
      SmallVector<OpFoldResult> offsets(linalgOp.getNumLoops(),
                                        rewriter.getIndexAttr(0));
      SmallVector<OpFoldResult> sizes = getAsIndexOpFoldResult(
          rewriter.getContext(), linalgOp.getStaticLoopRanges());
      offsets[it->second] = offset;
      sizes[it->second] = rewriter.getIndexAttr(blockRows);
      FailureOr<TilingResult> tiled =
          tileable.getTiledImplementation(rewriter, offsets, sizes);
      if (failed(tiled))
        return op->emitError("could not compute a block of rows of a scan "
                             "step's op");
      SmallVector<Value> replacements;
      for (auto [r, value] : llvm::enumerate(tiled->tiledValues)) {
        SmallVector<OpFoldResult> resultOffsets, resultSizes;
        if (failed(tileable.getResultTilePosition(
                rewriter, r, offsets, sizes, resultOffsets, resultSizes)))
          return op->emitError("no result position for a block of rows");
        SmallVector<OpFoldResult> strides(resultOffsets.size(),
                                          rewriter.getIndexAttr(1));
        replacements.push_back(tensor::InsertSliceOp::create(
            rewriter, loc, value, linalgOp.getDpsInits()[r], resultOffsets,
            resultSizes, strides));
      }
      rewriter.replaceOp(op, replacements);
      continue;
    }
    // Rows inserted into a state or a stacked output: only the block's.
    auto insert = dyn_cast<tensor::InsertSliceOp>(op);
    auto fromInsert = dyn_cast<tensor::InsertSliceOp>(from);
    if (!insert || !rows.dims.contains(fromInsert.getSource()))
      continue;
    unsigned srcDim = rows.dims.lookup(fromInsert.getSource());
    unsigned destDim = rows.dims.lookup(fromInsert.getResult());
    Value part = extractBlock(
        rewriter, loc, insert.getSource(),
        blockOf(rewriter, insert.getSourceType().getShape(), srcDim, offset,
                blockRows));
    SmallVector<OpFoldResult> offsets = insert.getMixedOffsets();
    SmallVector<OpFoldResult> sizes = insert.getMixedSizes();
    offsets[destDim] = offset;
    sizes[destDim] = rewriter.getIndexAttr(blockRows);
    rewriter.replaceOpWithNewOp<tensor::InsertSliceOp>(
        insert, part, insert.getDest(), offsets, sizes,
        insert.getMixedStrides());
  }
  return success();
}

/// Splits `loop` into workgroups of `blockRows` rows each.
LogicalResult distribute(RewriterBase &rewriter, scf::ForOp loop,
                         const BatchRows &rows, int64_t blockRows) {
  Location loc = loop.getLoc();
  rewriter.setInsertionPoint(loop);
  SmallVector<Value> outs;
  for (Value r : loop.getResults()) {
    auto type = cast<RankedTensorType>(r.getType());
    outs.push_back(tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                           type.getElementType()));
  }
  SmallVector<OpFoldResult> lbs = {rewriter.getIndexAttr(0)},
                            ubs = {rewriter.getIndexAttr(rows.extent /
                                                         blockRows)},
                            steps = {rewriter.getIndexAttr(1)};
  auto forall = scf::ForallOp::create(rewriter, loc, lbs, ubs, steps, outs,
                                      std::nullopt);
  rewriter.setInsertionPointToStart(forall.getBody());
  AffineExpr w = rewriter.getAffineDimExpr(0);
  OpFoldResult offset = affine::makeComposedFoldedAffineApply(
      rewriter, loc, w * blockRows, {getAsOpFoldResult(forall.getInductionVar(0))});
  // The states start in the results' own rows: each workgroup reads and
  // writes only its block.
  SmallVector<unsigned> dims;
  SmallVector<Value> inits;
  for (auto [i, arg] : llvm::enumerate(loop.getRegionIterArgs())) {
    unsigned dim = rows.dims.lookup(arg);
    dims.push_back(dim);
    Value shared = forall.getRegionIterArgs()[i];
    Value init = loop.getInitArgs()[i];
    if (init.getDefiningOp<tensor::EmptyOp>()) {
      inits.push_back(shared);
      continue;
    }
    BlockSlice block =
        blockOf(rewriter, cast<RankedTensorType>(init.getType()).getShape(),
                dim, offset, blockRows);
    inits.push_back(tensor::InsertSliceOp::create(
        rewriter, loc, extractBlock(rewriter, loc, init, block), shared,
        block.offsets, block.sizes, block.strides));
  }
  auto tiled = cast<scf::ForOp>(rewriter.clone(*loop));
  rewriter.modifyOpInPlace(tiled,
                           [&] { tiled.getInitArgsMutable().assign(inits); });
  if (failed(tileStep(rewriter, loop, tiled, rows, offset, blockRows)))
    return failure();
  for (auto [i, result] : llvm::enumerate(tiled.getResults())) {
    BlockSlice block =
        blockOf(rewriter, cast<RankedTensorType>(result.getType()).getShape(),
                dims[i], offset, blockRows);
    rewriter.setInsertionPoint(forall.getTerminator());
    Value part = extractBlock(rewriter, loc, result, block);
    rewriter.setInsertionPointToEnd(forall.getTerminator().getBody());
    tensor::ParallelInsertSliceOp::create(rewriter, loc, part,
                                          forall.getRegionIterArgs()[i],
                                          block.offsets, block.sizes,
                                          block.strides);
  }
  rewriter.replaceOp(loop, forall.getResults());
  // One offset for every op of the block, so that slices of the block's
  // own inserts fold.
  DominanceInfo dominance;
  eliminateCommonSubExpressions(rewriter, dominance, forall);
  return success();
}

/// The scan loop of `kernel`: an scf.for at its top level whose results
/// the kernel stores, in a kernel not yet split into workgroups.
scf::ForOp findScanLoop(func::FuncOp kernel) {
  scf::ForOp loop;
  for (Operation &op : kernel.getBody().front()) {
    if (isa<scf::ForallOp>(op))
      return nullptr;
    if (auto f = dyn_cast<scf::ForOp>(op)) {
      if (loop)
        return nullptr;
      loop = f;
    }
  }
  return loop;
}

struct LoomCpuDistributeScansPass
    : public loom::impl::LoomCpuDistributeScansBase<
          LoomCpuDistributeScansPass> {
  using LoomCpuDistributeScansBase::LoomCpuDistributeScansBase;

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    IRRewriter rewriter(ctx);
    for (func::FuncOp kernel : getKernels(getOperation())) {
      scf::ForOp loop = findScanLoop(kernel);
      if (!loop)
        continue;
      FailureOr<BatchRows> rows = analyzeScan(loop);
      if (failed(rows))
        continue;
      int64_t blockRows = rowsPerWorkgroup(
          rows->extent, std::max<int64_t>(minRows, 2),
          std::max<int64_t>(maxWorkgroups, 1));
      if (blockRows == 0)
        continue;
      if (failed(distribute(rewriter, loop, *rows, blockRows)))
        return signalPassFailure();
    }
    // Fills and empty tensors of a block instead of whole ones; slices of
    // the blocks' own inserts folded.
    RewritePatternSet patterns(ctx);
    linalg::populateSwapExtractSliceWithFillPatterns(patterns);
    for (RegisteredOperationName op : ctx->getRegisteredOperations())
      op.getCanonicalizationPatterns(patterns, ctx);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
