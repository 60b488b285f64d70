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

ModuleOp getKernelModule(ModuleOp top) {
  for (auto m : top.getOps<ModuleOp>())
    if (m.getSymName() == kKernelModuleName)
      return m;
  return nullptr;
}

ModuleOp getOrCreateKernelModule(ModuleOp top) {
  if (ModuleOp m = getKernelModule(top))
    return m;
  OpBuilder b = OpBuilder::atBlockEnd(top.getBody());
  return ModuleOp::create(b, top.getLoc(), kKernelModuleName);
}

SmallVector<func::FuncOp> getKernels(Operation *root) {
  SmallVector<func::FuncOp> kernels;
  root->walk([&](func::FuncOp fn) {
    if (fn->hasAttr(kKernelAttrName))
      kernels.push_back(fn);
  });
  return kernels;
}

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

std::array<int64_t, 3> getWorkgroupCount(func::FuncOp kernel) {
  std::array<int64_t, 3> count = {1, 1, 1};
  if (auto attr =
          kernel->getAttrOfType<DenseI64ArrayAttr>(kWorkgroupCountAttrName))
    for (size_t i = 0; i < 3 && i < attr.size(); ++i)
      count[i] = attr[i];
  return count;
}

} // namespace loom
