//===- OnnxImporter.h - ONNX model -> loom dialect --------------*- C++ -*-===//
//
// Imports an .onnx file as a module holding one func.func in the loom
// dialect:
//
//   func.func @main(<graph inputs>) -> (<graph outputs>)
//
// The function is always named `main` (ONNX graph names are free text and
// often empty). Its arguments are the graph inputs that are not
// initializers, in order; its results the graph outputs, in order.
// Initializers become `loom.constant`s (large ones as dense resources).
// Every op carries the location `loc("<node name>"("<model path>":0:0))`
// fused with the node's op type, so diagnostics name the ONNX node.
//
// Element types: float, float16, bfloat16, int32, int64 and bool map to
// f32, f16, bf16, i32, i64 and i1. double is computed as f32 (inputs and
// outputs of type double become f32 in the signature). Other element types
// are reported as unsupported.
//
//===----------------------------------------------------------------------===//
#ifndef LOOM_IMPORT_ONNXIMPORTER_H
#define LOOM_IMPORT_ONNXIMPORTER_H

#include "loom/import/OnnxModel.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

#include <map>
#include <string>
#include <vector>

namespace loom {

struct OnnxImportOptions {
  /// Name of the imported function.
  std::string functionName = "main";
  /// Shapes for graph inputs by name, replacing their declared shapes
  /// (which must agree in every static dimension): binds dynamic
  /// dimensions such as a batch size.
  std::map<std::string, std::vector<int64_t>> inputShapes;
  /// Values for graph inputs by name: each such input becomes a constant
  /// and leaves the signature. Specializes a model on operands that decide
  /// shapes (a Reshape's target shape fed as an input, ...).
  std::map<std::string, onnx_model::Tensor> constantInputs;
};

/// Imports the ONNX model at `path`. Errors (a file that is not ONNX, a
/// checker failure, dynamic shapes, unsupported operators listed all at
/// once) are emitted through `context`'s diagnostic handler; returns null
/// on failure. `context` must have the loom and func dialects registered or
/// loadable.
mlir::OwningOpRef<mlir::ModuleOp>
importOnnxFile(llvm::StringRef path, mlir::MLIRContext &context,
               const OnnxImportOptions &options = {});

/// Parses an --input-shape value, "NAME:2x3x4" ("NAME:" for a scalar), into
/// `shapes`. On failure returns false and sets `error` to a one-line
/// message.
bool parseInputShapeOption(llvm::StringRef text,
                           std::map<std::string, std::vector<int64_t>> &shapes,
                           std::string &error);

/// The ONNX operator types the importer handles (of the default domain).
std::vector<std::string> supportedOnnxOperators();

} // namespace loom

#endif // LOOM_IMPORT_ONNXIMPORTER_H
