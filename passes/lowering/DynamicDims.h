//===- DynamicDims.h - dynamic sizes as function-argument dimensions ------===//
#ifndef LOOM_PASSES_LOWERING_DYNAMICDIMS_H
#define LOOM_PASSES_LOWERING_DYNAMICDIMS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace loom {

/// Rewrites every tensor.dim in `fn` to read a function argument, one
/// tensor.dim per symbol (dimensions that share a name are one symbol).
mlir::LogicalResult resolveDynamicDims(mlir::func::FuncOp fn);

} // namespace loom

#endif // LOOM_PASSES_LOWERING_DYNAMICDIMS_H
