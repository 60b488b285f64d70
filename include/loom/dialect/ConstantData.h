//===- ConstantData.h - bytes of constant tensors ---------------*- C++ -*-===//
//
// Constants reach Loom as dense attributes (small) or dense resources
// (weights). These helpers give their bytes in row-major order with one
// storage unit per element (i1: one byte, 0 or 1; f16/bf16: two bytes), the
// layout the module file and the kernels use, and build attributes back from
// such bytes.
//
//===----------------------------------------------------------------------===//
#ifndef LOOM_DIALECT_CONSTANTDATA_H
#define LOOM_DIALECT_CONSTANTDATA_H

#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/IR/BuiltinTypes.h"

#include <vector>

namespace loom {

/// Bytes per element in Loom's storage layout.
int64_t storageBytesPerElement(mlir::Type elementType);

/// Row-major bytes of `attr` (splats expanded). Fails for attributes whose
/// data is not available (e.g. a resource blob that was never provided).
mlir::LogicalResult getConstantBytes(mlir::ElementsAttr attr,
                                     std::vector<char> &bytes);

/// An elements attribute of `type` holding `bytes` (row-major, Loom storage
/// layout). Large data becomes a dense resource so that printed IR stays
/// small; small data a DenseElementsAttr.
mlir::ElementsAttr makeConstantAttr(mlir::RankedTensorType type,
                                    llvm::ArrayRef<char> bytes);

/// Permutes the dimensions of a constant: result dim i is input dim perm[i].
mlir::FailureOr<mlir::ElementsAttr>
transposeConstant(mlir::ElementsAttr attr, llvm::ArrayRef<int64_t> perm);

/// The same on row-major bytes of `shape`, `width` bytes per element.
std::vector<char> transposeBytes(llvm::ArrayRef<char> bytes,
                                 llvm::ArrayRef<int64_t> shape, int64_t width,
                                 llvm::ArrayRef<int64_t> perm);

} // namespace loom

#endif // LOOM_DIALECT_CONSTANTDATA_H
