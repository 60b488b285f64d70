//===- CpuPackWeights.cpp - matmul right-hand sides in column panels ------===//
//
// A matmul whose right-hand side is a constant (a layer's weights) reads it
// from a packed copy made at compile time: the K x N matrix is stored as
// N/P panels of K x P (P = 128 columns), each panel contiguous. A workgroup
// then streams its panel from memory in one run instead of reading 512 bytes
// from a new 4 KiB row of B at every step along K, which defeats the
// hardware prefetcher (it stops at page boundaries) and costs a TLB entry
// per step (about a fifth of a matrix-vector product's time when B is in
// the last-level cache; the commit that introduced packing has the figures).
//
// A right-hand side computed at run time is packed the same way by a copy
// kernel before the product, when the product is large enough to repay the
// copy (kMinRowsToPackAtRunTime, kMinDepthToPackAtRunTime).
//
// The matmul becomes a linalg.generic over (m, panel, column, k) whose
// result is M x N/P x P; the elementwise epilogue of its dispatch region
// (bias, activation) is expanded to the same shape and the region yields
// its result collapsed back to M x N (a view: the kernel writes the
// destination through an expand_shape of it).
//
//===----------------------------------------------------------------------===//
#include "loom/dialect/ConstantData.h"
#include "loom/dialect/LoomOps.h"
#include "loom/passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace loom {
#define GEN_PASS_DEF_LOOMCPUPACKWEIGHTS
#include "passes/Passes.h.inc"
} // namespace loom

using namespace mlir;
using namespace loom;

namespace {

/// Columns per panel: the widest workgroup tile of a matrix-vector product
/// (CpuStrategy), 512 bytes of f32.
constexpr int64_t kPanelColumns = 128;

/// Fewest rows of a product whose right-hand side, computed at run time, is
/// worth packing first. The copy is a kernel of its own that reads and
/// writes B once: it pays for itself only when B is reused by enough rows
/// (a large sgemm gains a few percent with the copy included; a 256-row one
/// loses more to the extra launch and copy than packing saves).
constexpr int64_t kMinRowsToPackAtRunTime = 512;
/// Nor is a run-time right-hand side shallower than one cache tile of K
/// (256): its panel stays in the cache unpacked, so packing gains nothing.
constexpr int64_t kMinDepthToPackAtRunTime = 256;

/// Whether block argument `arg` of `dispatch` (a K x N f32 matrix) may be
/// read as panels: every use of it in the region is the right-hand side of
/// a linalg.matmul of f32 with a static N (M dynamic only for a constant
/// matrix), N splits into at least two
/// whole panels, and a matrix computed at run time (which a kernel must
/// first pack) is deep enough and read by products with enough rows.
bool isPackable(DispatchOp dispatch, BlockArgument arg, bool atRunTime) {
  auto type = dyn_cast<RankedTensorType>(
      dispatch.getInputs()[arg.getArgNumber()].getType());
  if (!type || type.getRank() != 2 || !type.hasStaticShape() ||
      !type.getElementType().isF32() || type.getDimSize(1) % kPanelColumns ||
      type.getDimSize(1) < 2 * kPanelColumns || arg.use_empty() ||
      (atRunTime && type.getDimSize(0) < kMinDepthToPackAtRunTime))
    return false;
  int64_t minRows = atRunTime ? kMinRowsToPackAtRunTime : 0;
  for (OpOperand &use : arg.getUses()) {
    auto matmul = dyn_cast<linalg::MatmulOp>(use.getOwner());
    if (!matmul || use.getOperandNumber() != 1 ||
        matmul.getIndexingMapsArray() !=
            SmallVector<AffineMap>(linalg::MatmulOp::getDefaultIndexingMaps(
                matmul.getContext())))
      return false;
    // Rows known only at run time (a dynamic batch) are many, as far as
    // packing constants is concerned.
    auto resultType = cast<ShapedType>(matmul->getResult(0).getType());
    if (resultType.isDynamicDim(1) ||
        (resultType.isDynamicDim(0)
             ? atRunTime
             : resultType.getDimSize(0) < minRows) ||
        llvm::any_of(matmul->getOperandTypes(), [](Type t) {
          return !getElementTypeOrSelf(t).isF32();
        }))
      return false;
  }
  return true;
}

/// The panels of a K x N constant: a constant of N/P x K x P (the matrix
/// viewed as K x N/P x P, its first two dimensions swapped).
FailureOr<ElementsAttr> packPanels(ElementsAttr weights) {
  auto type = cast<RankedTensorType>(weights.getType());
  int64_t k = type.getDimSize(0), panels = type.getDimSize(1) / kPanelColumns;
  auto packedType = RankedTensorType::get({panels, k, kPanelColumns},
                                          type.getElementType());
  if (auto dense = dyn_cast<DenseElementsAttr>(weights); dense && dense.isSplat())
    return cast<ElementsAttr>(dense.resizeSplat(packedType));
  std::vector<char> bytes;
  if (failed(getConstantBytes(weights, bytes)))
    return failure();
  return makeConstantAttr(
      packedType,
      transposeBytes(bytes, {k, panels, kPanelColumns},
                     storageBytesPerElement(type.getElementType()), {1, 0, 2}));
}

/// A dispatch region that copies the K x N matrix `matrix` (computed at run
/// time) into N/P panels of K x P: a transpose of its expand_shape view as
/// K x N/P x P, one streaming pass.
Value packAtRunTime(RewriterBase &rewriter, Value matrix) {
  Location loc = matrix.getLoc();
  auto type = cast<RankedTensorType>(matrix.getType());
  int64_t k = type.getDimSize(0), panels = type.getDimSize(1) / kPanelColumns;
  auto viewType = RankedTensorType::get({k, panels, kPanelColumns},
                                        type.getElementType());
  auto packedType = RankedTensorType::get({panels, k, kPanelColumns},
                                          type.getElementType());
  Value view = tensor::ExpandShapeOp::create(
      rewriter, loc, viewType, matrix,
      SmallVector<ReassociationIndices>{{0}, {1, 2}});
  auto dispatch = DispatchOp::create(rewriter, loc, TypeRange{packedType},
                                     ValueRange{view}, ValueRange{});
  Block *body = rewriter.createBlock(&dispatch.getBody(), {}, {viewType},
                                     {loc});
  Value empty = tensor::EmptyOp::create(rewriter, loc, packedType.getShape(),
                                        packedType.getElementType());
  auto copy = linalg::TransposeOp::create(rewriter, loc, body->getArgument(0),
                                         empty, ArrayRef<int64_t>{1, 0, 2});
  YieldOp::create(rewriter, loc, copy->getResults());
  rewriter.setInsertionPointAfter(dispatch);
  return dispatch->getResult(0);
}

/// C = A * B with B given as panels: a generic over (m, panel, column, k)
/// into C expanded to M x N/P x P, collapsed back to M x N.
void rewriteMatmul(RewriterBase &rewriter, linalg::MatmulOp matmul,
                   Value panels) {
  Location loc = matmul.getLoc();
  rewriter.setInsertionPoint(matmul);
  Value init = matmul.getDpsInits()[0];
  auto initType = cast<RankedTensorType>(init.getType());
  int64_t m = initType.getDimSize(0), n = initType.getDimSize(1);
  SmallVector<ReassociationIndices> groups = {{0}, {1, 2}};
  auto expandedType = RankedTensorType::get(
      {m, n / kPanelColumns, kPanelColumns}, initType.getElementType());
  Value expandedInit = tensor::ExpandShapeOp::create(rewriter, loc,
                                                     expandedType, init, groups);
  MLIRContext *ctx = rewriter.getContext();
  AffineExpr dm, dp, dc, dk;
  bindDims(ctx, dm, dp, dc, dk);
  SmallVector<AffineMap> maps = {
      AffineMap::get(4, 0, {dm, dk}, ctx),
      AffineMap::get(4, 0, {dp, dk, dc}, ctx),
      AffineMap::get(4, 0, {dm, dp, dc}, ctx)};
  SmallVector<utils::IteratorType> iterators(3, utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
  auto generic = linalg::GenericOp::create(
      rewriter, loc, TypeRange{expandedType},
      ValueRange{matmul.getDpsInputs()[0], panels}, ValueRange{expandedInit},
      maps, iterators,
      [](OpBuilder &b, Location loc, ValueRange args) {
        Value product = arith::MulFOp::create(b, loc, args[0], args[1]);
        Value sum = arith::AddFOp::create(b, loc, args[2], product);
        linalg::YieldOp::create(b, loc, sum);
      });
  rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(
      matmul, initType, generic->getResult(0), groups);
}

/// Moves the collapse of packed results below the region's elementwise ops
/// (they run on M x N/P x P too), so that the kernel's ops share one shape.
LogicalResult expandEpilogues(DispatchOp dispatch) {
  RewritePatternSet patterns(dispatch.getContext());
  linalg::populateFoldReshapeOpsByExpansionPatterns(
      patterns, [](OpOperand *operand) {
        auto collapse = operand->get().getDefiningOp<tensor::CollapseShapeOp>();
        auto consumer = dyn_cast<linalg::GenericOp>(operand->getOwner());
        return collapse && consumer &&
               consumer.getNumLoops() == consumer.getNumParallelLoops() &&
               collapse.getSrcType().getRank() == 3 &&
               collapse.getSrcType().getDimSize(2) == kPanelColumns;
      });
  tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns,
                                                     dispatch.getContext());
  tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns,
                                                       dispatch.getContext());
  linalg::FillOp::getCanonicalizationPatterns(patterns, dispatch.getContext());
  tensor::populateFoldTensorEmptyPatterns(patterns);
  return applyPatternsGreedily(dispatch.getBody(), std::move(patterns));
}

struct LoomCpuPackWeightsPass
    : public loom::impl::LoomCpuPackWeightsBase<LoomCpuPackWeightsPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    // One packed copy per matrix, however many regions read it.
    llvm::DenseMap<Value, Value> packedCopies;
    SmallVector<DispatchOp> dispatches;
    getOperation().walk([&](DispatchOp d) { dispatches.push_back(d); });
    for (DispatchOp dispatch : dispatches) {
      bool changed = false;
      for (BlockArgument arg : dispatch.getBody().getArguments()) {
        Value matrix = dispatch.getInputs()[arg.getArgNumber()];
        auto constant = matrix.getDefiningOp<arith::ConstantOp>();
        if (!isPackable(dispatch, arg, /*atRunTime=*/!constant))
          continue;
        Value &packed = packedCopies[matrix];
        if (!packed && constant) {
          FailureOr<ElementsAttr> attr =
              packPanels(cast<ElementsAttr>(constant.getValue()));
          if (failed(attr))
            continue; // no data to pack (a resource without its blob)
          rewriter.setInsertionPointAfter(constant);
          packed = arith::ConstantOp::create(rewriter, constant.getLoc(),
                                             cast<TypedAttr>(*attr));
        } else if (!packed) {
          rewriter.setInsertionPoint(dispatch);
          packed = packAtRunTime(rewriter, matrix);
        }
        dispatch.getInputsMutable()[arg.getArgNumber()].set(packed);
        arg.setType(packed.getType());
        SmallVector<linalg::MatmulOp> matmuls;
        for (Operation *user : arg.getUsers())
          matmuls.push_back(cast<linalg::MatmulOp>(user));
        for (linalg::MatmulOp matmul : matmuls)
          rewriteMatmul(rewriter, matmul, arg);
        changed = true;
      }
      if (changed && failed(expandEpilogues(dispatch)))
        return signalPassFailure();
    }
    for (auto &[matrix, packed] : packedCopies)
      if (auto constant = matrix.getDefiningOp<arith::ConstantOp>();
          constant && constant->use_empty())
        constant->erase();
  }
};

} // namespace
