//===- Broadcast.h - shape helpers shared by loom ops -----------*- C++ -*-===//
//
// numpy broadcasting and the formatting of shapes in diagnostics
// ("4x8", "scalar"), used by the verifiers, the builders and the lowerings.
//
//===----------------------------------------------------------------------===//
#ifndef LOOM_DIALECT_BROADCAST_H
#define LOOM_DIALECT_BROADCAST_H

#include "mlir/IR/Types.h"
#include "mlir/IR/Value.h"
#include "mlir/IR/ValueRange.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>

namespace loom {

/// The numpy broadcast of `shapes` (aligned at the trailing dimension; a
/// dimension of size 1 stretches), or std::nullopt if they are incompatible.
std::optional<llvm::SmallVector<int64_t>>
broadcastShapes(llvm::ArrayRef<llvm::ArrayRef<int64_t>> shapes);

/// The tensor type of an elementwise op over `operands`, with the element
/// type of `like`. If the shapes do not broadcast, returns `like`'s type; the
/// verifier then reports the mismatch.
mlir::Type inferBroadcastType(mlir::Type like, mlir::ValueRange operands);

/// "4x8" for a shape, "scalar" for rank 0.
std::string formatShape(llvm::ArrayRef<int64_t> shape);
/// The shape and element type of a ranked tensor type: "4x8xf32".
std::string formatType(mlir::Type type);

/// Maps a possibly negative dimension to [0, rank); std::nullopt if out of
/// range.
std::optional<int64_t> normalizeDim(int64_t dim, int64_t rank);

} // namespace loom

#endif // LOOM_DIALECT_BROADCAST_H
