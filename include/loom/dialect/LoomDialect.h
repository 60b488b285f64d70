//===- LoomDialect.h - the loom dialect -------------------------*- C++ -*-===//
#ifndef LOOM_DIALECT_LOOMDIALECT_H
#define LOOM_DIALECT_LOOMDIALECT_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpImplementation.h"

#include "dialects/loom/LoomDialect.h.inc"

namespace loom {
/// Names an entry function's argument or result (`{loom.name = "x"}`): the
/// ONNX importer sets it from the graph's input and output names, and the
/// module records it in the function's signature (loom_function_input_name).
inline constexpr llvm::StringLiteral kNameAttrName = "loom.name";
} // namespace loom

#endif // LOOM_DIALECT_LOOMDIALECT_H
