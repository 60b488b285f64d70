//===- OnnxModel.cpp - reading ONNX models with libonnx -------------------===//
//
// The only translation unit that touches protobuf and libonnx. It is built
// with C++ exceptions and RTTI (libonnx's checker, shape inference and
// version converter throw), catches everything at its boundary, and hands
// plain structs (OnnxModel.h) to the MLIR side of the importer.
//
//===----------------------------------------------------------------------===//
#include "loom/import/OnnxModel.h"

#include "onnx/checker.h"
#include "onnx/defs/schema.h"
#include "onnx/onnx_pb.h"
#include "onnx/shape_inference/implementation.h"
#include "onnx/version_converter/convert.h"

#include <cctype>
#include <cstring>
#include <exception>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace loom {
namespace onnx_model {

const char *dtypeName(DType dtype) {
  switch (dtype) {
  case DType::Undefined: return "undefined";
  case DType::Float: return "float";
  case DType::UInt8: return "uint8";
  case DType::Int8: return "int8";
  case DType::UInt16: return "uint16";
  case DType::Int16: return "int16";
  case DType::Int32: return "int32";
  case DType::Int64: return "int64";
  case DType::String: return "string";
  case DType::Bool: return "bool";
  case DType::Float16: return "float16";
  case DType::Double: return "double";
  case DType::UInt32: return "uint32";
  case DType::UInt64: return "uint64";
  case DType::Complex64: return "complex64";
  case DType::Complex128: return "complex128";
  case DType::BFloat16: return "bfloat16";
  }
  return "unknown";
}

int64_t dtypeSize(DType dtype) {
  switch (dtype) {
  case DType::Float: case DType::Int32: case DType::UInt32: return 4;
  case DType::UInt8: case DType::Int8: case DType::Bool: return 1;
  case DType::UInt16: case DType::Int16: case DType::Float16:
  case DType::BFloat16: return 2;
  case DType::Int64: case DType::Double: case DType::UInt64:
  case DType::Complex64: return 8;
  case DType::Complex128: return 16;
  case DType::String: case DType::Undefined: return 0;
  }
  return 0;
}

namespace {

template <typename T> T loadAt(const char *data, int64_t i) {
  T v;
  std::memcpy(&v, data + i * sizeof(T), sizeof(T));
  return v;
}

float halfToFloat(uint16_t h) {
  uint32_t sign = (h & 0x8000u) << 16, exp = (h >> 10) & 0x1f,
           mant = h & 0x3ffu;
  uint32_t bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else { // subnormal: normalize
      exp = 127 - 15 + 1;
      while (!(mant & 0x400u)) {
        mant <<= 1;
        --exp;
      }
      bits = sign | (exp << 23) | ((mant & 0x3ffu) << 13);
    }
  } else if (exp == 0x1f) {
    bits = sign | 0x7f800000u | (mant << 13);
  } else {
    bits = sign | ((exp - 15 + 127) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

} // namespace

double elementAsDouble(DType dtype, const char *data, int64_t i) {
  switch (dtype) {
  case DType::Float: return loadAt<float>(data, i);
  case DType::Double: return loadAt<double>(data, i);
  case DType::Float16: return halfToFloat(loadAt<uint16_t>(data, i));
  case DType::BFloat16: {
    uint32_t bits = static_cast<uint32_t>(loadAt<uint16_t>(data, i)) << 16;
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
  }
  case DType::Int8: return loadAt<int8_t>(data, i);
  case DType::UInt8: case DType::Bool: return loadAt<uint8_t>(data, i);
  case DType::Int16: return loadAt<int16_t>(data, i);
  case DType::UInt16: return loadAt<uint16_t>(data, i);
  case DType::Int32: return loadAt<int32_t>(data, i);
  case DType::UInt32: return loadAt<uint32_t>(data, i);
  case DType::Int64: return static_cast<double>(loadAt<int64_t>(data, i));
  case DType::UInt64: return static_cast<double>(loadAt<uint64_t>(data, i));
  default: return 0;
  }
}

int64_t Tensor::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

bool ValueType::isStaticTensor() const {
  if (kind != Kind::Tensor || !hasShape)
    return false;
  for (int64_t d : dims)
    if (d < 0)
      return false;
  return true;
}

namespace {

using onnx::TensorProto;

std::string readFile(const std::string &path, bool &ok) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ok = false;
    return {};
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  ok = static_cast<bool>(in) || in.eof();
  return ss.str();
}

std::string directoryOf(const std::string &path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

/// Copies `n` elements of a repeated field into `out`, converting each to
/// the storage type `T`.
template <typename T, typename Field>
void copyField(const Field &field, std::vector<char> &out) {
  out.resize(field.size() * sizeof(T));
  for (int i = 0; i < field.size(); ++i) {
    T v = static_cast<T>(field.Get(i));
    std::memcpy(out.data() + i * sizeof(T), &v, sizeof(T));
  }
}

bool readExternalData(const TensorProto &proto, const std::string &baseDir,
                      std::vector<char> &out, std::string &error) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const auto &entry : proto.external_data()) {
    if (entry.key() == "location")
      location = entry.value();
    else if (entry.key() == "offset")
      offset = std::stoll(entry.value());
    else if (entry.key() == "length")
      length = std::stoll(entry.value());
  }
  if (location.empty() || location.find("..") != std::string::npos ||
      location[0] == '/') {
    error = "tensor '" + proto.name() +
            "' has external data with an invalid location '" + location + "'";
    return false;
  }
  std::string path = baseDir + "/" + location;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open external data file '" + path + "' of tensor '" +
            proto.name() + "'";
    return false;
  }
  in.seekg(0, std::ios::end);
  int64_t size = in.tellg();
  if (length < 0)
    length = size - offset;
  if (offset < 0 || offset + length > size) {
    error = "external data of tensor '" + proto.name() + "' lies outside '" +
            path + "'";
    return false;
  }
  out.resize(length);
  in.seekg(offset);
  in.read(out.data(), length);
  return static_cast<bool>(in);
}

/// TensorProto -> Tensor. `baseDir` resolves external data.
bool convertTensor(const TensorProto &proto, const std::string &baseDir,
                   Tensor &tensor, std::string &error) {
  tensor.name = proto.name();
  tensor.dtype = static_cast<DType>(proto.data_type());
  tensor.shape.assign(proto.dims().begin(), proto.dims().end());
  int64_t elementSize = dtypeSize(tensor.dtype);
  if (tensor.dtype == DType::String || elementSize == 0) {
    error = "tensor '" + proto.name() + "' has element type " +
            dtypeName(tensor.dtype) + ", which Loom does not support";
    return false;
  }
  std::vector<char> &data = tensor.data;
  if (proto.data_location() == TensorProto::EXTERNAL) {
    if (!readExternalData(proto, baseDir, data, error))
      return false;
  } else if (proto.has_raw_data()) {
    data.assign(proto.raw_data().begin(), proto.raw_data().end());
  } else {
    switch (tensor.dtype) {
    case DType::Float: copyField<float>(proto.float_data(), data); break;
    case DType::Double: copyField<double>(proto.double_data(), data); break;
    case DType::Int64: copyField<int64_t>(proto.int64_data(), data); break;
    case DType::UInt64: copyField<uint64_t>(proto.uint64_data(), data); break;
    case DType::UInt32: copyField<uint32_t>(proto.uint64_data(), data); break;
    case DType::Int32: copyField<int32_t>(proto.int32_data(), data); break;
    case DType::Int16: copyField<int16_t>(proto.int32_data(), data); break;
    case DType::UInt16: case DType::Float16: case DType::BFloat16:
      copyField<uint16_t>(proto.int32_data(), data);
      break;
    case DType::Int8: copyField<int8_t>(proto.int32_data(), data); break;
    case DType::UInt8: case DType::Bool:
      copyField<uint8_t>(proto.int32_data(), data);
      break;
    case DType::Complex64: copyField<float>(proto.float_data(), data); break;
    case DType::Complex128: copyField<double>(proto.double_data(), data); break;
    default: break;
    }
  }
  int64_t expected = tensor.numElements() * elementSize;
  if (static_cast<int64_t>(data.size()) != expected) {
    error = "tensor '" + proto.name() + "' holds " +
            std::to_string(data.size()) + " bytes of data, but its shape and " +
            dtypeName(tensor.dtype) + " elements need " +
            std::to_string(expected);
    return false;
  }
  if (tensor.dtype == DType::Bool)
    for (char &c : data)
      c = c != 0;
  return true;
}

ValueType convertType(const onnx::TypeProto &type) {
  ValueType result;
  switch (type.value_case()) {
  case onnx::TypeProto::kTensorType: {
    result.kind = ValueType::Kind::Tensor;
    const auto &t = type.tensor_type();
    result.dtype = static_cast<DType>(t.elem_type());
    result.hasShape = t.has_shape();
    for (const auto &dim : t.shape().dim()) {
      result.dims.push_back(dim.has_dim_value() ? dim.dim_value() : -1);
      result.dimParams.push_back(dim.has_dim_param() ? dim.dim_param() : "");
    }
    break;
  }
  case onnx::TypeProto::kSequenceType:
    result.kind = ValueType::Kind::Sequence;
    break;
  case onnx::TypeProto::kOptionalType:
    result.kind = ValueType::Kind::Optional;
    break;
  case onnx::TypeProto::kMapType:
    result.kind = ValueType::Kind::Map;
    break;
  case onnx::TypeProto::kSparseTensorType:
    result.kind = ValueType::Kind::SparseTensor;
    break;
  default:
    break;
  }
  return result;
}

bool convertAttribute(const onnx::AttributeProto &proto,
                      const std::string &baseDir, Attribute &attr,
                      std::string &error) {
  attr.typeName = onnx::AttributeProto::AttributeType_Name(proto.type());
  switch (proto.type()) {
  case onnx::AttributeProto::FLOAT:
    attr.kind = Attribute::Kind::Float;
    attr.f = proto.f();
    break;
  case onnx::AttributeProto::INT:
    attr.kind = Attribute::Kind::Int;
    attr.i = proto.i();
    break;
  case onnx::AttributeProto::STRING:
    attr.kind = Attribute::Kind::String;
    attr.s = proto.s();
    break;
  case onnx::AttributeProto::TENSOR:
    attr.kind = Attribute::Kind::Tensor;
    return convertTensor(proto.t(), baseDir, attr.t, error);
  case onnx::AttributeProto::GRAPH:
    attr.kind = Attribute::Kind::Graph;
    break;
  case onnx::AttributeProto::FLOATS:
    attr.kind = Attribute::Kind::Floats;
    attr.floats.assign(proto.floats().begin(), proto.floats().end());
    break;
  case onnx::AttributeProto::INTS:
    attr.kind = Attribute::Kind::Ints;
    attr.ints.assign(proto.ints().begin(), proto.ints().end());
    break;
  case onnx::AttributeProto::STRINGS:
    attr.kind = Attribute::Kind::Strings;
    attr.strings.assign(proto.strings().begin(), proto.strings().end());
    break;
  default:
    attr.kind = Attribute::Kind::Other;
    break;
  }
  return true;
}

/// Replaces the declared shape of graph input `name` by `shape`.
bool bindInputShape(onnx::GraphProto &graph, const std::string &name,
                    const std::vector<int64_t> &shape, std::string &error) {
  for (auto &input : *graph.mutable_input()) {
    if (input.name() != name)
      continue;
    if (!input.type().has_tensor_type()) {
      error = "input '" + name + "' is not a tensor; it cannot take a shape";
      return false;
    }
    auto *tensorType = input.mutable_type()->mutable_tensor_type();
    if (tensorType->has_shape()) {
      const auto &dims = tensorType->shape().dim();
      bool ok = dims.size() == static_cast<int>(shape.size());
      for (int i = 0; ok && i < dims.size(); ++i)
        ok = !dims.Get(i).has_dim_value() || dims.Get(i).dim_value() == shape[i];
      if (!ok) {
        std::string declared;
        for (int i = 0; i < dims.size(); ++i)
          declared += (i ? "x" : "") +
                      (dims.Get(i).has_dim_value()
                           ? std::to_string(dims.Get(i).dim_value())
                           : "?");
        std::string given;
        for (size_t i = 0; i < shape.size(); ++i)
          given += (i ? "x" : "") + std::to_string(shape[i]);
        error = "the shape " + (given.empty() ? "scalar" : given) +
                " given for input '" + name +
                "' does not match its declared shape " +
                (declared.empty() ? "scalar" : declared);
        return false;
      }
    }
    auto *dims = tensorType->mutable_shape()->mutable_dim();
    dims->Clear();
    for (int64_t d : shape)
      dims->Add()->set_dim_value(d);
    return true;
  }
  error = "the model has no input named '" + name + "'";
  return false;
}

/// Checks an Einsum equation's grammar: comma-separated terms of letters
/// (a-z, A-Z) with at most one "..." each, then optionally "->" and an
/// output term of the same form. Spaces are allowed anywhere.
bool checkEinsumEquation(const std::string &equation, const std::string &where,
                         std::string &error) {
  std::string eq;
  for (char c : equation)
    if (c != ' ')
      eq += c;
  auto fail = [&](const std::string &why) {
    error = where + ": equation '" + equation + "' " + why +
            "; an equation is comma-separated terms of letters (each with at "
            "most one '...'), optionally followed by '->' and the output term";
    return false;
  };
  size_t arrow = eq.find("->");
  if (arrow != std::string::npos && eq.find("->", arrow + 2) != std::string::npos)
    return fail("has more than one '->'");
  auto checkTerm = [&](const std::string &term, bool output) {
    size_t dots = term.find("...");
    std::string letters = term;
    if (dots != std::string::npos)
      letters.erase(dots, 3);
    for (char c : letters) {
      if (std::isalpha(static_cast<unsigned char>(c)))
        continue;
      if (c == '.')
        return fail(letters.find("...") != std::string::npos
                        ? "has more than one '...' in a term"
                        : "has a '.' outside an ellipsis '...'");
      if (c == ',' && output)
        return fail("has a ',' in its output term");
      return fail(std::string("has the character '") + c + "'");
    }
    return true;
  };
  std::string lhs = eq.substr(0, arrow);
  for (size_t start = 0;;) {
    size_t comma = lhs.find(',', start);
    if (!checkTerm(lhs.substr(start, comma - start), /*output=*/false))
      return false;
    if (comma == std::string::npos)
      break;
    start = comma + 1;
  }
  return arrow == std::string::npos ||
         checkTerm(eq.substr(arrow + 2), /*output=*/true);
}

/// Checks every Einsum equation of \p g and of its subgraphs (If/Loop/Scan
/// bodies); libonnx's Einsum inference indexes a 26-entry stack array by
/// `c - 'a'` for every character of an implicit equation, so anything but
/// a-z, ',' and '.' there is a stack overflow.
bool precheckEinsums(const onnx::GraphProto &g, std::string &error) {
  for (const auto &node : g.node()) {
    bool onnxDomain = node.domain().empty() || node.domain() == "ai.onnx";
    for (const auto &a : node.attribute()) {
      if (a.has_g() && !precheckEinsums(a.g(), error))
        return false;
      for (const auto &sub : a.graphs())
        if (!precheckEinsums(sub, error))
          return false;
      if (onnxDomain && node.op_type() == "Einsum" && a.name() == "equation" &&
          !checkEinsumEquation(a.s(), "node '" + node.name() + "' (Einsum)",
                               error))
        return false;
    }
  }
  return true;
}

/// Rewrites implicit Einsum equations ("ij,jk") as explicit ones
/// ("ij,jk->ik": the ellipsis first, then the labels used once in ASCII
/// order, as numpy and ONNX Runtime define it), in \p g and its subgraphs,
/// so that libonnx's implicit-output inference, which only knows a-z, never
/// runs. Equations must have passed checkEinsumEquation.
void makeEinsumOutputsExplicit(onnx::GraphProto &g) {
  for (auto &node : *g.mutable_node()) {
    bool einsum = (node.domain().empty() || node.domain() == "ai.onnx") &&
                  node.op_type() == "Einsum";
    for (auto &a : *node.mutable_attribute()) {
      if (a.has_g())
        makeEinsumOutputsExplicit(*a.mutable_g());
      for (auto &sub : *a.mutable_graphs())
        makeEinsumOutputsExplicit(sub);
      if (!einsum || a.name() != "equation" ||
          a.s().find("->") != std::string::npos)
        continue;
      std::map<char, int> uses;
      for (char c : a.s())
        if (std::isalpha(static_cast<unsigned char>(c)))
          ++uses[c];
      std::string output =
          a.s().find("...") != std::string::npos ? "..." : "";
      for (const auto &[label, count] : uses)
        if (count == 1)
          output += label;
      a.set_s(a.s() + "->" + output);
    }
  }
}

/// Checks, before libonnx's shape inference and version converter run, what
/// they would crash on: graph outputs nothing defines, convolutions whose
/// input or weight ranks cannot be a convolution's, and LayerNormalization
/// axes outside the input's rank (its inference function indexes the Mean
/// output's shape by the axis unchecked), where the ranks are known from the
/// graph's inputs, initializers and value_info.
bool precheckGraph(const onnx::GraphProto &g, std::string &error) {
  std::set<std::string> defined;
  std::map<std::string, int> ranks;
  auto noteType = [&](const onnx::ValueInfoProto &v) {
    defined.insert(v.name());
    if (v.type().has_tensor_type() && v.type().tensor_type().has_shape())
      ranks[v.name()] = v.type().tensor_type().shape().dim_size();
  };
  for (const auto &in : g.input())
    noteType(in);
  for (const auto &init : g.initializer()) {
    defined.insert(init.name());
    ranks[init.name()] = init.dims_size();
  }
  for (const auto &v : g.value_info())
    if (v.type().has_tensor_type() && v.type().tensor_type().has_shape())
      ranks[v.name()] = v.type().tensor_type().shape().dim_size();
  auto rank = [&](const std::string &name) {
    auto it = ranks.find(name);
    return it == ranks.end() ? -1 : it->second;
  };
  for (const auto &node : g.node()) {
    for (const auto &out : node.output())
      defined.insert(out);
    bool onnxDomain = node.domain().empty() || node.domain() == "ai.onnx";
    std::string where = "node '" + node.name() + "' (" + node.op_type() + ")";
    if (onnxDomain && node.op_type() == "LayerNormalization" &&
        node.input_size() >= 1) {
      int x = rank(node.input(0));
      int64_t axis = -1;
      for (const auto &a : node.attribute())
        if (a.name() == "axis")
          axis = a.i();
      if (x >= 0 && (axis < -x || axis >= x)) {
        error = where + ": axis " + std::to_string(axis) +
                " is out of range for the input's rank " + std::to_string(x);
        return false;
      }
    }
    // libonnx's shared convolution/pooling shape inference indexes the
    // input's and the weight's dims without checking their ranks ...
    const std::string &op = node.op_type();
    bool pool = onnxDomain && (op == "MaxPool" || op == "AveragePool" ||
                               op == "LpPool");
    int weightInput = op == "QLinearConv" ? 3 : 1;
    bool conv = onnxDomain && (op == "Conv" || op == "ConvTranspose" ||
                               op == "ConvInteger" || op == "QLinearConv");
    if ((!conv && !pool) || node.input_size() < 1)
      continue;
    // ... and divides by the strides (a stride of 0 is a SIGFPE there).
    for (const auto &a : node.attribute()) {
      if (a.name() != "strides")
        continue;
      std::string list;
      bool bad = false;
      for (int64_t stride : a.ints()) {
        list += (list.empty() ? "" : ", ") + std::to_string(stride);
        bad |= stride < 1;
      }
      if (bad) {
        error = where + ": strides must be >= 1, got [" + list + "]";
        return false;
      }
    }
    int x = rank(node.input(0));
    if (x >= 0 && x < 3) {
      error = where + ": input X has rank " + std::to_string(x) + "; a " +
              (pool ? "pooling" : "convolution") +
              "'s input is N x C x spatial dims (rank >= 3)";
      return false;
    }
    if (pool || node.input_size() <= weightInput)
      continue;
    int w = rank(node.input(weightInput));
    if (x >= 0 && w >= 0 && w != x) {
      error = where + ": the weight has rank " + std::to_string(w) +
              " but the input has rank " + std::to_string(x);
      return false;
    }
  }
  for (const auto &out : g.output())
    if (!defined.count(out.name())) {
      error = "graph output '" + out.name() +
              "' is not produced by any node and is not a graph input or "
              "initializer";
      return false;
    }
  return true;
}

bool loadImpl(const std::string &path, const LoadOptions &options,
              Graph &graph, std::string &error) {
  bool readOk = true;
  std::string bytes = readFile(path, readOk);
  if (!readOk) {
    error = std::string("cannot read the file: ") + std::strerror(errno);
    return false;
  }
  onnx::ModelProto model;
  if (!model.ParseFromString(bytes)) {
    error = "not an ONNX model: the file does not parse as an ONNX "
            "ModelProto";
    return false;
  }
  // The checker resolves external data relative to the model's folder only
  // when it reads the file itself.
  bool externalData = false;
  for (const auto &init : model.graph().initializer())
    externalData |= init.data_location() == TensorProto::EXTERNAL;
  try {
    if (externalData)
      onnx::checker::check_model(path);
    else
      onnx::checker::check_model(model);
  } catch (const std::exception &e) {
    error = std::string("the model fails the ONNX checker: ") + e.what();
    return false;
  }

  // What libonnx's shape inference and version converter would crash on
  // (the checker lets it through): reported here, before either runs.
  if (!precheckGraph(model.graph(), error) ||
      !precheckEinsums(model.graph(), error))
    return false;
  makeEinsumOutputsExplicit(*model.mutable_graph());

  int64_t opset = -1;
  for (const auto &imp : model.opset_import()) {
    if (imp.domain().empty() || imp.domain() == "ai.onnx")
      opset = imp.version();
    else
      graph.otherOpsets[imp.domain()] = imp.version();
  }
  if (opset > kOnnxTargetOpset) {
    error = "the model uses ONNX opset " + std::to_string(opset) +
            ", newer than the newest this importer knows (" +
            std::to_string(kOnnxTargetOpset) + ")";
    return false;
  }
  if (opset >= 0 && opset < kOnnxTargetOpset) {
    // Some adapters need the input shapes: infer them first (best effort;
    // the strict inference after conversion reports real problems).
    try {
      onnx::shape_inference::InferShapes(model);
    } catch (const std::exception &) {
    }
    try {
      model = onnx::version_conversion::ConvertVersion(model, kOnnxTargetOpset);
    } catch (const std::exception &e) {
      error = "the ONNX version converter cannot convert the model from "
              "opset " + std::to_string(opset) + " to " +
              std::to_string(kOnnxTargetOpset) + ": " + e.what();
      return false;
    }
    opset = kOnnxTargetOpset;
  }
  graph.opsetVersion = opset;

  onnx::GraphProto &g = *model.mutable_graph();
  for (const auto &[name, shape] : options.inputShapes)
    if (!bindInputShape(g, name, shape, error))
      return false;

  try {
    onnx::ShapeInferenceOptions inferenceOptions(/*check_type=*/true,
                                                 /*strict_mode=*/1,
                                                 /*data_prop=*/true);
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(),
                                       inferenceOptions);
  } catch (const std::exception &e) {
    error = std::string("ONNX shape inference failed: ") + e.what();
    return false;
  }

  std::string baseDir = directoryOf(path);
  graph.name = g.name();
  std::set<std::string> initializerNames;
  for (const auto &init : g.initializer()) {
    Tensor t;
    if (!convertTensor(init, baseDir, t, error))
      return false;
    initializerNames.insert(t.name);
    graph.initializers.push_back(std::move(t));
  }
  if (g.sparse_initializer_size() > 0) {
    error = "sparse initializers are not supported";
    return false;
  }
  for (const auto &input : g.input()) {
    ValueType type = convertType(input.type());
    graph.valueTypes[input.name()] = type;
    if (!initializerNames.count(input.name()))
      graph.inputs.push_back({input.name(), type});
  }
  for (const auto &output : g.output()) {
    ValueType type = convertType(output.type());
    graph.valueTypes[output.name()] = type;
    graph.outputs.push_back({output.name(), type});
  }
  for (const auto &info : g.value_info())
    graph.valueTypes[info.name()] = convertType(info.type());

  int index = 0;
  for (const auto &proto : g.node()) {
    Node node;
    node.opType = proto.op_type();
    node.domain = proto.domain() == "ai.onnx" ? "" : proto.domain();
    node.name = proto.name().empty()
                    ? proto.op_type() + "_" + std::to_string(index)
                    : proto.name();
    node.inputs.assign(proto.input().begin(), proto.input().end());
    node.outputs.assign(proto.output().begin(), proto.output().end());
    for (const auto &attrProto : proto.attribute()) {
      Attribute attr;
      if (!convertAttribute(attrProto, baseDir, attr, error)) {
        error = "node '" + node.name + "' (" + node.opType +
                "), attribute '" + attrProto.name() + "': " + error;
        return false;
      }
      node.attributes[attrProto.name()] = std::move(attr);
    }
    graph.nodes.push_back(std::move(node));
    ++index;
  }
  return true;
}

} // namespace

bool loadOnnxModel(const std::string &path, const LoadOptions &options,
                   Graph &graph, std::string &error) {
  try {
    return loadImpl(path, options, graph, error);
  } catch (const std::exception &e) {
    error = e.what();
  } catch (...) {
    error = "unknown error while reading the ONNX model";
  }
  return false;
}

bool loadOnnxTensorFile(const std::string &path, Tensor &tensor,
                        std::string &error) {
  try {
    bool ok = true;
    std::string bytes = readFile(path, ok);
    if (!ok) {
      error = "cannot read '" + path + "'";
      return false;
    }
    onnx::TensorProto proto;
    if (!proto.ParseFromString(bytes)) {
      error = "'" + path + "' is not a serialized ONNX TensorProto";
      return false;
    }
    return convertTensor(proto, directoryOf(path), tensor, error);
  } catch (const std::exception &e) {
    error = "'" + path + "': " + e.what();
  } catch (...) {
    error = "'" + path + "': unknown error while reading the tensor";
  }
  return false;
}

} // namespace onnx_model
} // namespace loom
