//===- KernelModule.cpp - where outlined kernels live ---------------------===//
#include "loom/passes/KernelModule.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Transforms/OneShotAnalysis.h"
#include "mlir/Dialect/Bufferization/Transforms/Transforms.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/TilingInterface.h"
#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;

namespace loom {

TilingInterface findKernelRoot(func::FuncOp kernel) {
  SmallVector<bufferization::MaterializeInDestinationOp> stores;
  kernel.walk([&](bufferization::MaterializeInDestinationOp op) {
    stores.push_back(op);
  });
  if (stores.size() != 1)
    return nullptr;
  return stores.front().getSource().getDefiningOp<TilingInterface>();
}

SmallVector<std::optional<int64_t>> staticTripCounts(scf::ForallOp forall) {
  SmallVector<std::optional<int64_t>> counts;
  for (auto [lb, ub, step] :
       llvm::zip(forall.getMixedLowerBound(), forall.getMixedUpperBound(),
                 forall.getMixedStep())) {
    std::optional<int64_t> l = getConstantIntValue(lb),
                           u = getConstantIntValue(ub),
                           s = getConstantIntValue(step);
    if (l && u && s && *s > 0)
      counts.push_back(std::max<int64_t>((*u - *l + *s - 1) / *s, 0));
    else
      counts.push_back(std::nullopt);
  }
  return counts;
}

LogicalResult bufferizeKernelsInPlace(ModuleOp kernels) {
  IRRewriter rewriter(kernels.getContext());
  if (failed(bufferization::eliminateEmptyTensors(rewriter, kernels)))
    return failure();
  bufferization::OneShotBufferizationOptions options;
  options.bufferizeFunctionBoundaries = false;
  options.memCpyFn = [](OpBuilder &b, Location loc, Value from,
                        Value to) -> LogicalResult {
    linalg::CopyOp::create(b, loc, from, to);
    return success();
  };
  bufferization::BufferizationState state;
  return bufferization::runOneShotBufferize(kernels, options, state);
}

} // namespace loom
