//===- KernelContract.cpp - kernels and what is known of them -------------===//
#include "loom/dialect/KernelContract.h"

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
    if (getKernelAttr(fn))
      kernels.push_back(fn);
  });
  return kernels;
}

KernelAttr getKernelAttr(Operation *kernel) {
  return kernel->getAttrOfType<KernelAttr>(kKernelAttrName);
}

namespace {

KernelAttr attrOrEmpty(Operation *kernel) {
  if (KernelAttr attr = getKernelAttr(kernel))
    return attr;
  return KernelAttr::get(kernel->getContext(), nullptr, nullptr,
                         KernelStrategy::None, nullptr);
}

std::array<int64_t, 3> triple(DenseI64ArrayAttr attr) {
  std::array<int64_t, 3> values = {1, 1, 1};
  if (attr)
    for (int64_t i = 0; i < 3 && i < attr.size(); ++i)
      values[i] = attr[i];
  return values;
}

void update(Operation *kernel, DenseI64ArrayAttr count, DenseI64ArrayAttr size,
            KernelStrategy strategy, ArrayAttr scalarOps) {
  kernel->setAttr(kKernelAttrName,
                  KernelAttr::get(kernel->getContext(), count, size, strategy,
                                  scalarOps));
}

} // namespace

void markKernel(Operation *kernel) {
  if (!getKernelAttr(kernel))
    kernel->setAttr(kKernelAttrName, attrOrEmpty(kernel));
}

std::array<int64_t, 3> getWorkgroupCount(Operation *kernel) {
  KernelAttr attr = getKernelAttr(kernel);
  return triple(attr ? attr.getWorkgroupCount() : nullptr);
}

std::array<int64_t, 3> getWorkgroupSize(Operation *kernel) {
  KernelAttr attr = getKernelAttr(kernel);
  return triple(attr ? attr.getWorkgroupSize() : nullptr);
}

bool hasWorkgroupSize(Operation *kernel) {
  KernelAttr attr = getKernelAttr(kernel);
  return attr && attr.getWorkgroupSize();
}

KernelStrategy getKernelStrategy(Operation *kernel) {
  KernelAttr attr = getKernelAttr(kernel);
  return attr ? attr.getStrategy() : KernelStrategy::None;
}

SmallVector<StringRef> getScalarOps(Operation *kernel) {
  SmallVector<StringRef> ops;
  if (KernelAttr attr = getKernelAttr(kernel))
    if (ArrayAttr names = attr.getScalarOps())
      for (Attribute name : names)
        ops.push_back(cast<StringAttr>(name).getValue());
  return ops;
}

AffineMap getWorkgroupCountMap(Operation *kernel) {
  auto attr = kernel->getAttrOfType<AffineMapAttr>(kWorkgroupCountMapAttrName);
  return attr ? attr.getValue() : AffineMap();
}

void setWorkgroupCountMap(Operation *kernel, AffineMap map) {
  kernel->setAttr(kWorkgroupCountMapAttrName, AffineMapAttr::get(map));
}

void setWorkgroupCount(Operation *kernel, ArrayRef<int64_t> count) {
  KernelAttr a = attrOrEmpty(kernel);
  update(kernel, DenseI64ArrayAttr::get(kernel->getContext(), count),
         a.getWorkgroupSize(), a.getStrategy(), a.getScalarOps());
}

void setWorkgroupSize(Operation *kernel, ArrayRef<int64_t> size) {
  KernelAttr a = attrOrEmpty(kernel);
  update(kernel, a.getWorkgroupCount(),
         DenseI64ArrayAttr::get(kernel->getContext(), size), a.getStrategy(),
         a.getScalarOps());
}

void setKernelStrategy(Operation *kernel, KernelStrategy strategy) {
  KernelAttr a = attrOrEmpty(kernel);
  update(kernel, a.getWorkgroupCount(), a.getWorkgroupSize(), strategy,
         a.getScalarOps());
}

void setScalarOps(Operation *kernel, ArrayRef<StringRef> ops) {
  KernelAttr a = attrOrEmpty(kernel);
  Builder b(kernel->getContext());
  update(kernel, a.getWorkgroupCount(), a.getWorkgroupSize(), a.getStrategy(),
         ops.empty() ? ArrayAttr() : b.getStrArrayAttr(ops));
}

//===----------------------------------------------------------------------===//
// Verification
//===----------------------------------------------------------------------===//

LogicalResult
KernelAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                   DenseI64ArrayAttr workgroupCount,
                   DenseI64ArrayAttr workgroupSize, KernelStrategy strategy,
                   ArrayAttr scalarOps) {
  for (auto [name, attr] : {std::pair{"workgroup_count", workgroupCount},
                            std::pair{"workgroup_size", workgroupSize}}) {
    if (!attr)
      continue;
    if (attr.size() != 3)
      return emitError() << name << " must have 3 elements (x, y, z), has "
                         << attr.size();
    for (int64_t v : attr.asArrayRef())
      if (v < 1)
        return emitError() << name << " must be positive in every dimension";
  }
  if (scalarOps)
    for (Attribute a : scalarOps)
      if (!isa<StringAttr>(a))
        return emitError() << "scalar_ops must be a list of op names";
  return success();
}

} // namespace loom
