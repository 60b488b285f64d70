//===- LinalgBuilders.h - building linalg on tensors ------------*- C++ -*-===//
//
// Small builders shared by the loom -> linalg patterns: empty/filled tensors,
// broadcasting elementwise linalg.generic ops, row-major reshapes, and the
// scalar arithmetic of each elementwise loom op.
//
//===----------------------------------------------------------------------===//
#ifndef LOOM_PASSES_LOWERING_LINALGBUILDERS_H
#define LOOM_PASSES_LOWERING_LINALGBUILDERS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/Value.h"

#include <functional>

namespace loom {

/// tensor.empty of `shape` x `elementType`.
mlir::Value emptyTensor(mlir::OpBuilder &b, mlir::Location loc,
                        llvm::ArrayRef<int64_t> shape, mlir::Type elementType);

/// tensor.empty of `sizes` (static sizes as attributes, dynamic ones as
/// index values) x `elementType`.
mlir::Value emptyTensor(mlir::OpBuilder &b, mlir::Location loc,
                        llvm::ArrayRef<mlir::OpFoldResult> sizes,
                        mlir::Type elementType);

/// The sizes of `value`: attributes for static dimensions, tensor.dim for
/// dynamic ones.
llvm::SmallVector<mlir::OpFoldResult> sizesOf(mlir::OpBuilder &b,
                                              mlir::Location loc,
                                              mlir::Value value);

/// The sizes of a result of `shape` that broadcasts `operands` (numpy
/// rules): a dynamic dimension is the size of an operand whose aligned
/// dimension is dynamic too (the verifiers allow a dynamic dimension to
/// meet only 1 or another dynamic one, which it then equals).
llvm::SmallVector<mlir::OpFoldResult>
broadcastSizes(mlir::OpBuilder &b, mlir::Location loc,
               llvm::ArrayRef<int64_t> shape, mlir::ValueRange operands);

/// A tensor of `type` filled with the scalar `value`.
mlir::Value filledTensor(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::RankedTensorType type, mlir::Value value);
/// A tensor of `sizes` filled with the scalar `value`.
mlir::Value filledTensor(mlir::OpBuilder &b, mlir::Location loc,
                         llvm::ArrayRef<mlir::OpFoldResult> sizes,
                         mlir::Value value);

/// An arith constant of `type` (int or float) holding `value`.
mlir::Value scalarConstant(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Type type, double value);
/// The lowest value of `type` (-inf for floats, INT_MIN for ints).
mlir::Value lowestValue(mlir::OpBuilder &b, mlir::Location loc, mlir::Type type);
/// The highest value of `type` (+inf for floats, INT_MAX for ints).
mlir::Value highestValue(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Type type);

/// Indexing map that reads an operand of `operandShape` broadcast (numpy
/// rules) into an iteration space of `outputShape`.
mlir::AffineMap broadcastMap(mlir::MLIRContext *ctx,
                             llvm::ArrayRef<int64_t> operandShape,
                             llvm::ArrayRef<int64_t> outputShape);

using ScalarBodyFn = std::function<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;

/// A linalg.generic computing `resultType` elementwise from `inputs`, which
/// are broadcast to the result shape. `body` receives one scalar per input.
/// The result's sizes come from the inputs, or from `sizes` when given (a
/// broadcast to dynamic sizes no input has).
mlir::Value elementwiseGeneric(mlir::OpBuilder &b, mlir::Location loc,
                               mlir::RankedTensorType resultType,
                               mlir::ValueRange inputs,
                               const ScalarBodyFn &body,
                               llvm::ArrayRef<mlir::OpFoldResult> sizes = {});

/// Reshapes `value` to `resultType` (same element count, row-major) with
/// tensor.collapse_shape / tensor.expand_shape. With dynamic dimensions the
/// reshape must be one collapse or one expand that keeps each dynamic
/// dimension in a group of its own static factors; else null.
mlir::Value reshapeTensor(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value value, mlir::RankedTensorType resultType);
/// The same with the result's dynamic sizes given, one per `?` of
/// `resultType`: any reshape, through one flat dimension.
mlir::Value reshapeTensor(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value value, mlir::RankedTensorType resultType,
                          mlir::ValueRange dims);

/// Converts a scalar between element types with Loom's cast semantics.
mlir::Value castScalar(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                       mlir::Type to);

/// True for f16/bf16: such values are computed in f32 inside kernels.
bool isNarrowFloat(mlir::Type t);

/// The type values of `t` are computed in (f16/bf16 in f32).
mlir::Type computeType(mlir::OpBuilder &b, mlir::Type t);

/// Casts a tensor elementwise to `elementType` (itself if already so).
mlir::Value castTensor(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                       mlir::Type elementType);

/// A tensor of `shape` x `elementType` filled with zeros.
mlir::Value zeroFilled(mlir::OpBuilder &b, mlir::Location loc,
                       llvm::ArrayRef<int64_t> shape, mlir::Type elementType);
mlir::Value zeroFilled(mlir::OpBuilder &b, mlir::Location loc,
                       llvm::ArrayRef<mlir::OpFoldResult> sizes,
                       mlir::Type elementType);

/// tensor.pad of `input` by `low`/`high` elements (one per dimension) of
/// `padValue`; `input` itself when nothing is padded.
mlir::Value padTensor(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
                      llvm::ArrayRef<int64_t> low, llvm::ArrayRef<int64_t> high,
                      mlir::Value padValue);

} // namespace loom

#endif // LOOM_PASSES_LOWERING_LINALGBUILDERS_H
