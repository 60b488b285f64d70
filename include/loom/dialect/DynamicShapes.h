//===- DynamicShapes.h - sizes of dynamic dimensions on the host -*- C++ -*-===//
//
// A dynamic dimension of a host value (in an entry function, after
// --loom-to-linalg) is an `index` value computed from the function's
// symbols: the dimensions its arguments read with tensor.dim, one per name
// in `loom.dim_names`. These helpers find that value for any tensor the
// host schedule sees, so fusion can hand sizes to dispatch regions and the
// schedule can turn them into expressions the runtime evaluates per call.
//
//===----------------------------------------------------------------------===//
#ifndef LOOM_DIALECT_DYNAMICSHAPES_H
#define LOOM_DIALECT_DYNAMICSHAPES_H

#include "mlir/IR/AffineExpr.h"
#include "mlir/IR/Builders.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

#include <string>

namespace loom {

/// The `loom.dim_names` entry of dimension `dim` of argument `arg` of `fn`;
/// "" when it has none.
std::string dimName(mlir::FunctionOpInterface fn, unsigned arg, int64_t dim);

/// The value of dimension `dim` of the host tensor `value`: a constant for
/// a static dimension, else the size its producer was built with (a
/// tensor.empty's operand, a destination's size, a dispatch's result_dims,
/// the product of a collapsed group, the tensor.dim of a function argument
/// — the first one with the same name). New ops (constants, products,
/// tensor.dim of an argument not read yet) are created at `b`'s insertion
/// point. Fails for producers whose sizes it cannot follow.
mlir::FailureOr<mlir::Value> hostDim(mlir::OpBuilder &b, mlir::Value value,
                                     int64_t dim);

/// `value`, an `index` computed from `symbols` (and constants) by integer
/// arithmetic or affine.apply, as an affine expression whose symbol i is
/// symbols[i] (products and quotients of symbols included: semi-affine).
/// Fails for anything else.
mlir::FailureOr<mlir::AffineExpr> indexExpr(mlir::Value value,
                                            mlir::ArrayRef<mlir::Value> symbols);

} // namespace loom

#endif // LOOM_DIALECT_DYNAMICSHAPES_H
