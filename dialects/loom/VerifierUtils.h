//===- VerifierUtils.h - checks shared by the op verifiers ------*- C++ -*-===//
//
// Private to dialects/loom: each check emits one message that names the
// operand and the shapes involved, e.g.
//   'loom.matmul' op contracting dimension mismatch: lhs is 4x8, rhs is 9x3
//
//===----------------------------------------------------------------------===//
#ifndef LOOM_DIALECTS_LOOM_VERIFIERUTILS_H
#define LOOM_DIALECTS_LOOM_VERIFIERUTILS_H

#include "mlir/IR/Operation.h"
#include "mlir/Support/LLVM.h"

#include <string>

namespace loom::verifier {

/// "[1, 2, 3]".
std::string formatList(llvm::ArrayRef<int64_t> values);

/// Checks that `result` has shape `expected` and element type `elementType`;
/// `what` names where the expectation comes from ("the convolution").
mlir::LogicalResult verifyResultType(mlir::Operation *op, mlir::Type result,
                                     llvm::ArrayRef<int64_t> expected,
                                     mlir::Type elementType,
                                     llvm::StringRef what);

/// Checks that `values` (named `names`) have one element type.
mlir::LogicalResult verifySameElementTypes(mlir::Operation *op,
                                           llvm::ArrayRef<mlir::Value> values,
                                           llvm::ArrayRef<llvm::StringRef> names);

/// `expected` values in attribute `name`.
mlir::LogicalResult checkArraySize(mlir::Operation *op,
                                   llvm::ArrayRef<int64_t> values,
                                   size_t expected, llvm::StringRef name);
/// Every value of attribute `name` at least `minimum`.
mlir::LogicalResult checkAllAtLeast(mlir::Operation *op,
                                    llvm::ArrayRef<int64_t> values,
                                    int64_t minimum, llvm::StringRef name);

} // namespace loom::verifier

#endif // LOOM_DIALECTS_LOOM_VERIFIERUTILS_H
