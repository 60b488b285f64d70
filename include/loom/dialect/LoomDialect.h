//===- LoomDialect.h - the loom dialect -------------------------*- C++ -*-===//
#ifndef LOOM_DIALECT_LOOMDIALECT_H
#define LOOM_DIALECT_LOOMDIALECT_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpImplementation.h"

#include "dialects/loom/LoomDialect.h.inc"

#endif // LOOM_DIALECT_LOOMDIALECT_H
