//===- LoomOps.h - loom dialect operations ----------------------*- C++ -*-===//
#ifndef LOOM_DIALECT_LOOMOPS_H
#define LOOM_DIALECT_LOOMOPS_H

#include "loom/dialect/LoomDialect.h"
#include "loom/dialect/Broadcast.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/loom/LoomEnums.h.inc"

namespace loom::OpTrait {

/// Marks a loom op that accepts tensors with dynamic dimensions.
template <typename ConcreteType>
class DynamicShapes
    : public mlir::OpTrait::TraitBase<ConcreteType, DynamicShapes> {};

/// On every loom op: its tensor operands and results have static shapes
/// unless the op is marked DynamicShapes.
mlir::LogicalResult verifyStaticShapes(mlir::Operation *op);

template <typename ConcreteType>
class StaticShapesUnlessDynamic
    : public mlir::OpTrait::TraitBase<ConcreteType,
                                      StaticShapesUnlessDynamic> {
public:
  static mlir::LogicalResult verifyTrait(mlir::Operation *op) {
    if (ConcreteType::template hasTrait<DynamicShapes>())
      return mlir::success();
    return verifyStaticShapes(op);
  }
};

} // namespace loom::OpTrait

#define GET_OP_CLASSES
#include "dialects/loom/LoomOps.h.inc"

#endif // LOOM_DIALECT_LOOMOPS_H
