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

/// Names the dynamic dimensions of an entry function's argument
/// (`{loom.dim_names = ["batch", ""]}`, one string per dimension, "" for a
/// static one): the ONNX importer sets it from the graph's dim_params.
/// Dynamic dimensions with one name are one size: the compiler reads it
/// from the first of them, and the runtime checks that the others agree.
/// A dynamic dimension without a name is a size of its own.
inline constexpr llvm::StringLiteral kDimNamesAttrName = "loom.dim_names";

/// A loom.contract's own contraction tree (--loom-contract-order uses it
/// instead of running the path finder): a numpy-style linear path, its pairs
/// flattened (`array<i64: 0, 1, 0, 1>`), and the labels to slice.
inline constexpr llvm::StringLiteral kContractPathAttrName = "loom.path";
inline constexpr llvm::StringLiteral kContractSlicedAttrName = "loom.sliced";
} // namespace loom

#endif // LOOM_DIALECT_LOOMDIALECT_H
