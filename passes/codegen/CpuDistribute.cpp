//===- CpuDistribute.cpp - tile kernel roots into workgroups --------------===//
#include "CpuStrategy.h"

#include "loom/passes/KernelModule.h"
#include "loom/passes/Passes.h"

#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace loom {
#define GEN_PASS_DEF_LOOMCPUDISTRIBUTE
#include "passes/Passes.h.inc"
} // namespace loom

using namespace mlir;
using namespace loom;

namespace {


struct LoomCpuDistributePass
    : public loom::impl::LoomCpuDistributeBase<LoomCpuDistributePass> {
  using LoomCpuDistributeBase::LoomCpuDistributeBase;

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    DistributionLimits limits{minWorkPerWorkgroup, maxWorkgroups};
    for (func::FuncOp kernel : getKernels(getOperation())) {
      TilingInterface root = findKernelRoot(kernel);
      if (!root)
        continue;
      // Kernels that fuse a reduction into an elementwise root (softmax,
      // norms) materialize per-tile intermediates: small tiles.
      DistributionLimits kernelLimits = limits;
      kernel.walk([&](linalg::LinalgOp op) {
        if (op.getOperation() != root.getOperation() &&
            op.getNumReductionLoops() > 0 && !linalg::isaContractionOpInterface(op))
          kernelLimits.maxTileElements = 8192;
      });
      SmallVector<int64_t> tiles = workgroupTileSizes(root, kernelLimits);
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
