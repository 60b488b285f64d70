//===- KernelModule.cpp - where outlined kernels live ---------------------===//
#include "loom/passes/KernelModule.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Transforms/OneShotAnalysis.h"
#include "mlir/Dialect/Bufferization/Transforms/Transforms.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
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
