//===- KernelModule.cpp - where outlined kernels live ---------------------===//
#include "loom/passes/KernelModule.h"

#include "mlir/IR/Builders.h"
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

std::array<int64_t, 3> getWorkgroupCount(func::FuncOp kernel) {
  std::array<int64_t, 3> count = {1, 1, 1};
  if (auto attr =
          kernel->getAttrOfType<DenseI64ArrayAttr>(kWorkgroupCountAttrName))
    for (size_t i = 0; i < 3 && i < attr.size(); ++i)
      count[i] = attr[i];
  return count;
}

} // namespace loom
