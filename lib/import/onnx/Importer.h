//===- Importer.h - internals of the ONNX importer --------------*- C++ -*-===//
//
// The MLIR side of the importer: a GraphImporter walks the nodes of an
// onnx_model::Graph (plain structs, see loom/import/OnnxModel.h) and calls
// one handler per operator type. A handler reads its inputs and attributes
// through a NodeImporter and builds loom ops with the LoomBuilder helpers;
// when it cannot import the node it returns `unsupported(why)`, and the
// importer reports every such node at once.
//
// Values whose contents are known at import time (initializers, Constant
// nodes, shape computations: Shape, Gather on shapes, Concat, Range, ...)
// are kept as host tensors and only materialized as loom.constant when a
// loom op uses them, so that Reshape/Slice/Pad/... can read their shape
// operands.
//
//===----------------------------------------------------------------------===//
#ifndef LOOM_LIB_IMPORT_ONNX_IMPORTER_H
#define LOOM_LIB_IMPORT_ONNX_IMPORTER_H

#include "loom/dialect/LoomOps.h"
#include "loom/dialect/TypeUtils.h"
#include "loom/import/OnnxModel.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/Twine.h"

#include <optional>
#include <string>
#include <vector>

namespace loom {
namespace onnx_import {

using onnx_model::DType;
using onnx_model::Node;
using onnx_model::Tensor;

//===----------------------------------------------------------------------===//
// Host tensors: values known at import time
//===----------------------------------------------------------------------===//

/// True for element types whose values the importer can compute with.
bool isHostComputable(DType dtype);
bool isFloatDType(DType dtype);
/// Element i of `t` as int64 / double (any numeric dtype or bool).
int64_t hostInt(const Tensor &t, int64_t i);
double hostDouble(const Tensor &t, int64_t i);
std::vector<int64_t> hostInts(const Tensor &t);
std::vector<double> hostDoubles(const Tensor &t);
/// A tensor of `dtype` and `shape` from values (converted to `dtype`).
Tensor makeHostTensor(DType dtype, llvm::ArrayRef<int64_t> shape,
                      llvm::ArrayRef<double> values);
Tensor makeHostTensorInts(DType dtype, llvm::ArrayRef<int64_t> shape,
                          llvm::ArrayRef<int64_t> values);

/// "[1, 2, 3]", for diagnostics.
std::string formatInts(llvm::ArrayRef<int64_t> values);

/// Row-major strides of `shape`, in elements.
llvm::SmallVector<int64_t> stridesOf(llvm::ArrayRef<int64_t> shape);
int64_t numElementsOf(llvm::ArrayRef<int64_t> shape);

//===----------------------------------------------------------------------===//
// Shape values: sizes computed from dynamic dimensions (ShapeValues.cpp)
//===----------------------------------------------------------------------===//

/// A small integer tensor (rank 0 or 1) of sizes, some of them known only at
/// run time: the Shape -> Gather -> Mul -> Concat computations that PyTorch
/// exports for a dynamic batch or sequence. Each element is a constant
/// (an index attribute) or an index value computed from dynamic dimensions
/// (tensor.dim and arith ops in the function).
struct ShapeValue {
  DType dtype = DType::Int64;
  bool scalar = false; ///< rank 0; else rank 1
  llvm::SmallVector<mlir::OpFoldResult> elems;
  /// True when every element is known at import time.
  bool isConstant() const;
  /// The host tensor of a constant shape value.
  Tensor toTensor() const;
};

/// One input of a node as shape evaluation sees it: known contents, a shape
/// value, or (for Shape and Size) the tensor whose dimensions are read.
struct ShapeOperand {
  const Tensor *constant = nullptr;
  const ShapeValue *symbolic = nullptr;
  mlir::Value value;
};

/// Evaluates `node` when it computes on sizes and some of them are dynamic
/// (Shape or Size of a tensor with dynamic dimensions, or Gather, Slice,
/// Unsqueeze, Squeeze, Concat, Cast, Identity and integer arithmetic on a
/// shape value), building the index computations at `b`'s insertion point.
/// Returns false if the node is not such a computation.
bool evaluateShapeValue(const Node &node, llvm::ArrayRef<ShapeOperand> ins,
                        mlir::OpBuilder &b, mlir::Location loc,
                        ShapeValue &out);

/// Size arithmetic that folds known sizes.
mlir::OpFoldResult sizeMul(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::OpFoldResult x, mlir::OpFoldResult y);
mlir::OpFoldResult sizeDiv(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::OpFoldResult x, mlir::OpFoldResult y);
/// Dimension `d` of `x`: its static size, or a tensor.dim.
mlir::OpFoldResult dimOf(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                         int64_t d);

//===----------------------------------------------------------------------===//
// Building loom ops
//===----------------------------------------------------------------------===//

// (tensorTypeOf, shapeOf, rankOf, elementTypeOf: loom/dialect/TypeUtils.h)

/// Shorthands for building loom ops at one location; result types are
/// computed from the operands (numpy broadcasting, reductions, ...).
class LoomBuilder {
public:
  LoomBuilder(mlir::OpBuilder &b, mlir::Location loc) : b(b), loc(loc) {}

  mlir::OpBuilder &b;
  mlir::Location loc;

  /// A rank-0 constant (or of `shape`, splat) of `elementType`.
  mlir::Value splat(mlir::Type elementType, double value,
                    llvm::ArrayRef<int64_t> shape = {});
  /// A constant holding `values` (converted to `elementType`).
  mlir::Value constant(mlir::Type elementType, llvm::ArrayRef<int64_t> shape,
                       llvm::ArrayRef<double> values);
  mlir::Value constantInts(mlir::Type elementType,
                           llvm::ArrayRef<int64_t> shape,
                           llvm::ArrayRef<int64_t> values);

  template <typename OpTy> mlir::Value binary(mlir::Value a, mlir::Value c) {
    return OpTy::create(b, loc, a, c).getResult();
  }
  mlir::Value add(mlir::Value a, mlir::Value c);
  mlir::Value sub(mlir::Value a, mlir::Value c);
  mlir::Value mul(mlir::Value a, mlir::Value c);
  mlir::Value div(mlir::Value a, mlir::Value c);
  mlir::Value max(mlir::Value a, mlir::Value c);
  mlir::Value min(mlir::Value a, mlir::Value c);
  mlir::Value pow(mlir::Value a, mlir::Value c);
  template <typename OpTy> mlir::Value unary(mlir::Value x) {
    return OpTy::create(b, loc, x.getType(), x).getResult();
  }
  mlir::Value compare(ComparePredicate predicate, mlir::Value a,
                      mlir::Value c);
  mlir::Value select(mlir::Value cond, mlir::Value t, mlir::Value f);
  /// Elementwise conversion; a no-op if the type is already `elementType`.
  mlir::Value cast(mlir::Value x, mlir::Type elementType);
  /// x op scalar(value), with the scalar in x's element type.
  mlir::Value addScalar(mlir::Value x, double value);
  mlir::Value mulScalar(mlir::Value x, double value);

  mlir::Value reshape(mlir::Value x, llvm::ArrayRef<int64_t> shape);
  mlir::Value transpose(mlir::Value x, llvm::ArrayRef<int64_t> perm);
  mlir::Value broadcastTo(mlir::Value x, llvm::ArrayRef<int64_t> shape);
  mlir::Value concat(mlir::ValueRange xs, int64_t axis);
  mlir::Value slice(mlir::Value x, llvm::ArrayRef<int64_t> starts,
                    llvm::ArrayRef<int64_t> limits,
                    llvm::ArrayRef<int64_t> strides);
  /// x[..., start:limit, ...] along one axis.
  mlir::Value sliceAxis(mlir::Value x, int64_t axis, int64_t start,
                        int64_t limit, int64_t stride = 1);
  mlir::Value pad(mlir::Value x, llvm::ArrayRef<int64_t> low,
                  llvm::ArrayRef<int64_t> high, double value);
  mlir::Value gather(mlir::Value x, mlir::Value indices, int64_t axis);
  /// Reverses `x` along `axis`.
  mlir::Value reverse(mlir::Value x, int64_t axis);
  mlir::Value matmul(mlir::Value a, mlir::Value c);
  mlir::Value contract(llvm::StringRef spec, mlir::ValueRange xs,
                       llvm::ArrayRef<int64_t> resultShape);

  enum class Reduction { Sum, Mean, Max, Min, Prod };
  mlir::Value reduce(Reduction kind, mlir::Value x,
                     llvm::ArrayRef<int64_t> dims, bool keepdims);
  /// An index tensor 0..n-1 of `elementType`, shaped to broadcast along
  /// `axis` of a rank-`rank` tensor (size 1 in every other dimension).
  mlir::Value iota(mlir::Type elementType, int64_t n, int64_t axis,
                   int64_t rank);
};

//===----------------------------------------------------------------------===//
// Importing one node
//===----------------------------------------------------------------------===//

class GraphImporter;

/// What a handler sees of its node.
class NodeImporter : public LoomBuilder {
public:
  NodeImporter(GraphImporter &graph, const Node &node, mlir::Location loc);

  const Node &node;
  GraphImporter &graph;

  mlir::MLIRContext *context() { return b.getContext(); }

  // Inputs. An omitted optional input has the empty name.
  size_t numInputs() const { return node.inputs.size(); }
  bool hasInput(size_t i) const;
  /// The value of input i (a known constant is materialized).
  mlir::Value input(size_t i);
  /// The value of input i if it is known at import time, else null.
  const Tensor *constInput(size_t i);
  /// Input i if it is a shape value with sizes known only at run time.
  const ShapeValue *shapeInput(size_t i);
  /// Input i's values as integers (it must be a known constant; the caller
  /// checked with constInput, or gets an empty vector).
  std::vector<int64_t> constInts(size_t i);
  mlir::RankedTensorType inputType(size_t i);
  llvm::ArrayRef<int64_t> inputShape(size_t i);
  int64_t inputRank(size_t i);
  /// The ONNX element type of input i.
  DType inputDType(size_t i);

  // Outputs.
  size_t numOutputs() const { return node.outputs.size(); }
  bool hasOutput(size_t i) const;
  /// True if output i is named and a later node or the graph reads it.
  bool outputUsed(size_t i) const;
  void setOutput(size_t i, mlir::Value value);
  void setConstOutput(size_t i, Tensor value);
  /// The static type ONNX shape inference gave output i, if any.
  mlir::RankedTensorType inferredOutputType(size_t i);
  DType outputDType(size_t i);

  // Attributes.
  bool hasAttr(llvm::StringRef name) const;
  int64_t attrInt(llvm::StringRef name, int64_t dflt) const;
  float attrFloat(llvm::StringRef name, float dflt) const;
  std::string attrString(llvm::StringRef name, llvm::StringRef dflt) const;
  std::vector<int64_t> attrInts(llvm::StringRef name,
                                std::vector<int64_t> dflt = {}) const;
  std::vector<float> attrFloats(llvm::StringRef name) const;
  const Tensor *attrTensor(llvm::StringRef name) const;
  /// Integer attribute `name` as an axis of a rank-`rank` tensor (negative
  /// values count from the end); records why and fails if out of range.
  mlir::FailureOr<int64_t> axisAttr(llvm::StringRef name, int64_t dflt,
                                    int64_t rank);

  /// The loom element type of an ONNX dtype (null if unsupported).
  mlir::Type elementType(DType dtype);

  /// Records why this node cannot be imported; returns failure().
  mlir::LogicalResult unsupported(const llvm::Twine &why);
  /// Fails (recording why) unless input `i` is known at import time;
  /// `what` names the operand ("the target shape").
  mlir::LogicalResult requireConst(size_t i, llvm::StringRef what);
  /// Fails (recording why) unless input `i` is a float tensor.
  mlir::LogicalResult requireFloat(size_t i);
  /// Fails (recording why) if input `i` is a bool tensor.
  mlir::LogicalResult requireNumeric(size_t i);
  std::string failureReason;
};

using OpHandler = mlir::LogicalResult (*)(NodeImporter &);
using HandlerMap = llvm::StringMap<OpHandler>;

void registerElementwiseOps(HandlerMap &map);
void registerTensorOps(HandlerMap &map);
void registerNNOps(HandlerMap &map);
void registerLossOps(HandlerMap &map);
void registerRecurrentOps(HandlerMap &map);
void registerResizeOps(HandlerMap &map);

/// Evaluates `node` on host tensors when every input is known; returns
/// false (leaving `outputs` alone) if the op or its types are not handled
/// at import time. `outputTypes` holds the inferred type of each output.
bool evaluateOnHost(const Node &node, llvm::ArrayRef<const Tensor *> inputs,
                    std::vector<Tensor> &outputs);

//===----------------------------------------------------------------------===//
// Shape arithmetic shared by host evaluation and import
//===----------------------------------------------------------------------===//

/// The dimensions [first, second) of a rank-`rank` tensor that Shape with
/// attributes `start` and `end` reads (negative values count from the end,
/// both clamped).
std::pair<int64_t, int64_t> shapeRange(int64_t start, int64_t end,
                                       int64_t rank);

/// ONNX Reshape's target shape (0 copies the input dim unless allowzero,
/// -1 is inferred); std::nullopt if invalid.
std::optional<std::vector<int64_t>>
reshapeTarget(llvm::ArrayRef<int64_t> inShape, llvm::ArrayRef<int64_t> spec,
              bool allowZero);

/// Normalized ONNX Slice parameters along every dimension of `shape`:
/// start, step and the number of elements taken.
struct SliceDim {
  int64_t start = 0, step = 1, count = 0;
};
std::optional<std::vector<SliceDim>>
sliceDims(llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<int64_t> starts,
          llvm::ArrayRef<int64_t> ends, llvm::ArrayRef<int64_t> axes,
          llvm::ArrayRef<int64_t> steps);

/// Normalizes possibly negative axes of a rank-`rank` tensor; std::nullopt
/// if one is out of range or repeated.
std::optional<std::vector<int64_t>> normalizeAxes(llvm::ArrayRef<int64_t> axes,
                                                  int64_t rank);

} // namespace onnx_import
} // namespace loom

#endif // LOOM_LIB_IMPORT_ONNX_IMPORTER_H
