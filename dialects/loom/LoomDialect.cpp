//===- LoomDialect.cpp - the loom dialect ---------------------------------===//
#include "loom/dialect/LoomDialect.h"
#include "loom/dialect/KernelContract.h"
#include "loom/dialect/LoomOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace loom;

#include "dialects/loom/LoomDialect.cpp.inc"
#include "dialects/loom/LoomEnums.cpp.inc"
#include "dialects/loom/LoomKernelEnums.cpp.inc"
#define GET_ATTRDEF_CLASSES
#include "dialects/loom/LoomKernelAttrs.cpp.inc"

void LoomDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/loom/LoomOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/loom/LoomKernelAttrs.cpp.inc"
      >();
}

/// The discardable `loom.*` attributes: the kernel contract on kernel
/// functions, and the GPU code generation's markers on the ops of a kernel
/// (include/loom/dialect/KernelContract.h).
LogicalResult LoomDialect::verifyOperationAttribute(Operation *op,
                                                    NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  if (name == kKernelAttrName) {
    if (!isa<KernelAttr>(attr.getValue()))
      return op->emitError() << "'" << name
                             << "' must be a #loom.kernel attribute";
    // On func.func from outlining on, and on the gpu/llvm/spirv function
    // each lowering makes of it.
    if (!isa<FunctionOpInterface>(op))
      return op->emitError() << "'" << name
                             << "' belongs on a kernel function, not on '"
                             << op->getName() << "'";
    return success();
  }
  if (name == kWorkgroupCountMapAttrName) {
    auto map = dyn_cast<AffineMapAttr>(attr.getValue());
    if (!map || map.getValue().getNumDims() != 0 ||
        map.getValue().getNumResults() != 3)
      return op->emitError() << "'" << name
                             << "' must be an affine map ()[push constants] "
                                "-> (x, y, z)";
    return success();
  }
  if (name == kTreeMergeAttrName || name == kTensorCoreAttrName) {
    if (!isa<UnitAttr>(attr.getValue()))
      return op->emitError() << "'" << name << "' must be a unit attribute";
    return success();
  }
  if (name == kContractPathAttrName || name == kContractSlicedAttrName) {
    if (!isa<ContractOp>(op))
      return op->emitError() << "'" << name << "' belongs on a loom.contract";
    if (name == kContractPathAttrName && !isa<DenseI64ArrayAttr>(attr.getValue()))
      return op->emitError() << "'" << name
                             << "' must be an array<i64: ...> of positions";
    if (name == kContractSlicedAttrName) {
      auto labels = dyn_cast<ArrayAttr>(attr.getValue());
      if (!labels || !llvm::all_of(labels, llvm::IsaPred<StringAttr>))
        return op->emitError() << "'" << name
                               << "' must be an array of index labels";
    }
    return success();
  }
  return op->emitError() << "unknown loom dialect attribute '" << name << "'";
}

Operation *LoomDialect::materializeConstant(OpBuilder &builder,
                                            Attribute value, Type type,
                                            Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return builder.create<ConstantOp>(loc, type, elements);
}
