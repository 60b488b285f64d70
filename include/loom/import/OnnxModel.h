//===- OnnxModel.h - an ONNX model as plain C++ data ------------*- C++ -*-===//
//
// The ONNX side of the importer. `loadOnnxModel` reads a .onnx file with the
// protobuf classes of Debian's libonnx, runs the ONNX checker, converts the
// model to opset kOnnxTargetOpset with the ONNX version converter, runs ONNX
// shape inference, and copies the result into the plain structs below.
//
// This header deliberately uses no protobuf, ONNX, LLVM or MLIR types: the
// code behind it is compiled with C++ exceptions and RTTI (ONNX throws), the
// MLIR side of the importer without them, and these structs are all that
// passes between the two.
//
//===----------------------------------------------------------------------===//
#ifndef LOOM_IMPORT_ONNXMODEL_H
#define LOOM_IMPORT_ONNXMODEL_H

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace loom {
namespace onnx_model {

/// The opset of the default ONNX domain that every model is converted to
/// before import (the newest one libonnx 1.12 knows).
constexpr int64_t kOnnxTargetOpset = 17;

/// ONNX element types (values of TensorProto.DataType).
enum class DType : int32_t {
  Undefined = 0,
  Float = 1,
  UInt8 = 2,
  Int8 = 3,
  UInt16 = 4,
  Int16 = 5,
  Int32 = 6,
  Int64 = 7,
  String = 8,
  Bool = 9,
  Float16 = 10,
  Double = 11,
  UInt32 = 12,
  UInt64 = 13,
  Complex64 = 14,
  Complex128 = 15,
  BFloat16 = 16,
};

/// "float", "int64", "bool", ... (ONNX's names, lower case).
const char *dtypeName(DType dtype);
/// Bytes per element in `Tensor::data`; 0 for string/undefined.
int64_t dtypeSize(DType dtype);

/// Element `i` of `data`, elements of `dtype` in the layout of
/// Tensor::data, as a double (0 for string/complex/undefined).
double elementAsDouble(DType dtype, const char *data, int64_t i);

/// A tensor's value: row-major, little-endian, `dtypeSize` bytes per
/// element (bool: one byte holding 0 or 1; float16/bfloat16: their 16 bits).
struct Tensor {
  std::string name;
  DType dtype = DType::Undefined;
  std::vector<int64_t> shape;
  std::vector<char> data;

  int64_t numElements() const;
};

/// The type of a graph value as ONNX shape inference left it.
struct ValueType {
  enum class Kind { Tensor, Sequence, Optional, Map, SparseTensor, Unknown };
  Kind kind = Kind::Unknown;
  DType dtype = DType::Undefined;
  bool hasShape = false;
  /// -1 for a dimension without a known value.
  std::vector<int64_t> dims;
  /// The symbolic name of each dimension ("" if none or static).
  std::vector<std::string> dimParams;

  bool isStaticTensor() const;
};

struct ValueInfo {
  std::string name;
  ValueType type;
};

struct Graph;

struct Attribute {
  enum class Kind {
    Float,
    Int,
    String,
    Tensor,
    Graph,
    Floats,
    Ints,
    Strings,
    Other, // tensors, graphs, sparse tensors, type protos: never supported
  };
  Kind kind = Kind::Other;
  float f = 0;
  int64_t i = 0;
  std::string s;
  onnx_model::Tensor t;
  std::vector<float> floats;
  std::vector<int64_t> ints;
  std::vector<std::string> strings;
  /// ONNX's name of the attribute type ("FLOAT", "GRAPH", ...).
  std::string typeName;
};

struct Node {
  std::string opType;
  std::string domain; // "" for the default ONNX domain
  std::string name;   // may be empty in the file; see Graph::nodes
  /// Input/output value names; "" for an omitted optional one.
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  std::map<std::string, Attribute> attributes;
};

struct Graph {
  std::string name;
  /// Graph inputs that are not initializers, in order: the signature.
  std::vector<ValueInfo> inputs;
  std::vector<ValueInfo> outputs;
  std::vector<Tensor> initializers;
  /// In topological order (as ONNX requires). Nodes without a name in the
  /// file get "<OpType>_<index>" so that every diagnostic can name them.
  std::vector<Node> nodes;
  /// Types of every value shape inference typed (inputs, outputs,
  /// intermediates), by name.
  std::map<std::string, ValueType> valueTypes;
  /// Opset of the default domain after conversion.
  int64_t opsetVersion = 0;
  /// Opset versions of the other domains the model imports.
  std::map<std::string, int64_t> otherOpsets;
};

struct LoadOptions {
  /// Shapes for graph inputs, by name. Each given shape replaces the
  /// input's declared shape before shape inference; it must agree with
  /// every static dimension the model declares. This is how a model with
  /// dynamic dimensions (a batch size, a sequence length) is specialized.
  std::map<std::string, std::vector<int64_t>> inputShapes;
};

/// Reads, checks, converts and shape-infers the model at `path`. On failure
/// returns false with a message in `error` (the checker's own message for
/// a malformed model).
bool loadOnnxModel(const std::string &path, const LoadOptions &options,
                   Graph &graph, std::string &error);

/// Reads a serialized TensorProto (the `input_N.pb`/`output_N.pb` files of
/// ONNX's backend tests). Fails for sequences, optionals, strings and
/// malformed files.
bool loadOnnxTensorFile(const std::string &path, Tensor &tensor,
                        std::string &error);

} // namespace onnx_model
} // namespace loom

#endif // LOOM_IMPORT_ONNXMODEL_H
