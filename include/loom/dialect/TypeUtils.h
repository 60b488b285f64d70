//===- TypeUtils.h - ranked tensor accessors --------------------*- C++ -*-===//
//
// The one set of shorthands for the ranked tensors every loom value is:
// used by the dialect's verifiers, the passes and the ONNX importer.
//
//===----------------------------------------------------------------------===//
#ifndef LOOM_DIALECT_TYPEUTILS_H
#define LOOM_DIALECT_TYPEUTILS_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Value.h"

namespace loom {

inline mlir::RankedTensorType tensorTypeOf(mlir::Value v) {
  return llvm::cast<mlir::RankedTensorType>(v.getType());
}
inline llvm::ArrayRef<int64_t> shapeOf(mlir::Value v) {
  return tensorTypeOf(v).getShape();
}
inline int64_t rankOf(mlir::Value v) { return tensorTypeOf(v).getRank(); }
inline mlir::Type elementTypeOf(mlir::Value v) {
  return tensorTypeOf(v).getElementType();
}
/// The element type of a ranked tensor type.
inline mlir::Type elementTypeOf(mlir::Type t) {
  return llvm::cast<mlir::RankedTensorType>(t).getElementType();
}

} // namespace loom

#endif // LOOM_DIALECT_TYPEUTILS_H
