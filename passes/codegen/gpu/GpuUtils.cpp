//===- GpuUtils.cpp - helpers shared by the GPU codegen passes ------------===//
#include "GpuUtils.h"


#include "mlir/IR/Dominance.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/CSE.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"


using namespace mlir;

namespace loom {

std::optional<TensorCoreMatmul> matchTensorCoreMatmul(linalg::LinalgOp op) {
  if (!isa<linalg::MatmulOp, linalg::BatchMatmulOp>(op.getOperation()) ||
      op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1)
    return std::nullopt;
  Type lhs = getElementTypeOrSelf(op.getDpsInputs()[0].getType());
  Type rhs = getElementTypeOrSelf(op.getDpsInputs()[1].getType());
  Type acc = getElementTypeOrSelf(op.getDpsInits()[0].getType());
  if (!lhs.isF16() || !rhs.isF16() || !(acc.isF16() || acc.isF32()))
    return std::nullopt;
  SmallVector<int64_t> bounds = op.getStaticLoopRanges();
  unsigned loops = bounds.size();
  if (loops < 3 || llvm::any_of(bounds, ShapedType::isDynamic))
    return std::nullopt;
  // Batch loops may have any size; m, n and k are whole fragments.
  for (unsigned d = loops - 3; d < loops; ++d)
    if (bounds[d] % 16 != 0)
      return std::nullopt;
  MLIRContext *ctx = op.getContext();
  unsigned batch = loops - 3;
  auto map = [&](std::initializer_list<unsigned> inner) {
    SmallVector<AffineExpr> exprs;
    for (unsigned d = 0; d < batch; ++d)
      exprs.push_back(getAffineDimExpr(d, ctx));
    for (unsigned d : inner)
      exprs.push_back(getAffineDimExpr(batch + d, ctx));
    return AffineMap::get(loops, 0, exprs, ctx);
  };
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  const unsigned m = 0, n = 1, k = 2;
  if (maps[0] != map({m, k}) || maps[2] != map({m, n}))
    return std::nullopt;
  TensorCoreMatmul match;
  match.batchLoops = batch;
  if (maps[1] == map({n, k}))
    match.transposeRhs = true;
  else if (maps[1] != map({k, n}))
    return std::nullopt;
  return match;
}

SmallVector<Attribute> gpuMapping(MLIRContext *ctx, bool block,
                                  unsigned numLoops) {
  SmallVector<Attribute> mapping;
  for (unsigned i = 0; i < numLoops; ++i) {
    auto id = static_cast<gpu::MappingId>(
        static_cast<uint64_t>(gpu::MappingId::LinearDim0) + numLoops - 1 - i);
    if (block)
      mapping.push_back(gpu::GPUBlockMappingAttr::get(ctx, id));
    else
      mapping.push_back(gpu::GPUThreadMappingAttr::get(ctx, id));
  }
  return mapping;
}

static bool mappedTo(scf::ForallOp forall, bool block) {
  std::optional<ArrayAttr> mapping = forall.getMapping();
  if (!mapping || mapping->empty())
    return false;
  Attribute first = (*mapping)[0];
  return block ? isa<gpu::GPUBlockMappingAttr>(first)
               : isa<gpu::GPUThreadMappingAttr>(first);
}

bool isBlockMapped(scf::ForallOp forall) { return mappedTo(forall, true); }
bool isThreadMapped(scf::ForallOp forall) { return mappedTo(forall, false); }

bool isInsideThreadForall(Operation *op) {
  for (Operation *p = op->getParentOp(); p; p = p->getParentOp())
    if (auto forall = dyn_cast<scf::ForallOp>(p); forall && isThreadMapped(forall))
      return true;
  return false;
}

LogicalResult canonicalizeKernels(Operation *root) {
  MLIRContext *ctx = root->getContext();
  RewritePatternSet patterns(ctx);
  for (RegisteredOperationName op : ctx->getRegisteredOperations())
    op.getCanonicalizationPatterns(patterns, ctx);
  if (failed(applyPatternsGreedily(root, std::move(patterns))))
    return failure();
  // Tiling fuses a producer once per use: identical copies (a row's max
  // feeding two consumers) become one.
  IRRewriter rewriter(ctx);
  DominanceInfo dominance(root);
  eliminateCommonSubExpressions(rewriter, dominance, root);
  return success();
}

} // namespace loom
