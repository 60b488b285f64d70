//===- FormDispatches.cpp - group linalg ops into dispatch regions --------===//
//
// --loom-fuse. See Passes.td for the contract. The region formed for a root
// op holds the root and clones of its cheap producers; everything else it
// reads becomes an operand of the isolated region.
//
//===----------------------------------------------------------------------===//

#include "loom/dialect/LoomOps.h"
#include "loom/passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
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
  if (isa<func::ReturnOp, DispatchOp, LaunchOp>(op) || isView(op) ||
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

void formRegion(OpBuilder &builder, Operation *root) {
  llvm::SetVector<Operation *> clones;
  llvm::SetVector<Value> inputs;
  collectRegionContents(root, clones, inputs);

  builder.setInsertionPoint(root);
  auto dispatch = DispatchOp::create(builder, root->getLoc(),
                                     root->getResultTypes(),
                                     inputs.getArrayRef());
  Block *body = new Block();
  dispatch.getBody().push_back(body);
  IRMapping mapping;
  for (Value in : inputs)
    mapping.map(in, body->addArgument(in.getType(), in.getLoc()));
  OpBuilder inner = OpBuilder::atBlockEnd(body);
  for (Operation *op : clones)
    inner.clone(*op, mapping);
  Operation *newRoot = inner.clone(*root, mapping);
  YieldOp::create(inner, root->getLoc(), newRoot->getResults());
  root->replaceAllUsesWith(dispatch.getResults());
  root->erase();
}

struct LoomFusePass : public loom::impl::LoomFuseBase<LoomFusePass> {
  using LoomFuseBase::LoomFuseBase;

  void runOnOperation() override {
    func::FuncOp fn = getOperation();
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
      if (failed(applyPatternsGreedily(fn, std::move(patterns))))
        return signalPassFailure();
    }

    SmallVector<Operation *> roots;
    for (Operation &op : fn.getBody().getOps())
      if (isRoot(&op))
        roots.push_back(&op);
    OpBuilder builder(ctx);
    for (Operation *root : roots)
      formRegion(builder, root);
    // A slice that is still used outside a region (returned, say) must be
    // materialized by a kernel of its own.
    SmallVector<Operation *> views;
    fn.walk([&](tensor::ExtractSliceOp op) {
      if (!op->getParentOfType<DispatchOp>() && !op->use_empty())
        views.push_back(op);
    });
    for (Operation *view : views)
      formRegion(builder, view);

    // Producers that were cloned into every region are now dead on the host.
    for (Operation &op : llvm::make_early_inc_range(
             llvm::reverse(fn.getBody().front().getOperations())))
      if (op.use_empty() && isCloneable(&op))
        op.erase();
  }
};

} // namespace
