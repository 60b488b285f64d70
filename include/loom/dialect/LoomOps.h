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

#define GET_OP_CLASSES
#include "dialects/loom/LoomOps.h.inc"

#endif // LOOM_DIALECT_LOOMOPS_H
