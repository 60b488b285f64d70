//===- OnnxImporter.cpp - ONNX graph -> loom function ---------------------===//
//
// Walks the nodes of a loaded ONNX graph in order and builds one func.func
// in the loom dialect (see loom/import/OnnxImporter.h for the contract).
//
//===----------------------------------------------------------------------===//
#include "loom/import/OnnxImporter.h"

#include "Importer.h"

#include "loom/dialect/ConstantData.h"
#include "loom/dialect/LoomDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringSet.h"

#include <map>

using namespace mlir;

namespace loom {
namespace onnx_import {

namespace {

/// A graph value: the loom value built for it, and/or its contents when
/// they are known at import time.
struct Entry {
  Value value;
  std::optional<Tensor> constant;
  /// Sizes computed at run time from dynamic dimensions (a Shape output
  /// and the arithmetic on it).
  std::optional<ShapeValue> symbolic;
  /// Set when the node producing it could not be imported: nodes reading
  /// it are skipped without a second report.
  bool poisoned = false;
};

/// Operators whose import takes inputs with dynamic dimensions: their loom
/// ops accept them (Loom_DynamicShapes) and their handlers compute result
/// types from the operands'.
bool takesDynamicInputs(StringRef opType) {
  static const llvm::StringSet<> ops = {
      "Abs", "Neg", "Relu", "Exp", "Log", "Sqrt", "Tanh", "Sigmoid", "Erf",
      "Sin", "Cos", "Softplus", "Floor", "Ceil", "Round", "Add", "Sub", "Mul",
      "Div", "Pow", "Equal", "Less", "LessOrEqual", "Greater",
      "GreaterOrEqual", "Sum", "Mean", "Max", "Min", "LeakyRelu", "Elu",
      "HardSigmoid", "HardSwish", "Softsign", "Gelu", "Clip", "Where", "Cast",
      "Identity", "Dropout", "MatMul", "Gemm", "Softmax", "LogSoftmax",
      "LayerNormalization", "ReduceSum", "ReduceMean", "ReduceMax",
      "ReduceMin", "Conv", "MaxPool", "AveragePool", "GlobalAveragePool",
      "BatchNormalization", "Flatten", "Pad", "Transpose", "Concat", "Reshape",
      "Slice", "Squeeze", "Unsqueeze", "Gather", "Expand"};
  return ops.contains(opType);
}

const HandlerMap &handlers() {
  static const HandlerMap map = [] {
    HandlerMap m;
    registerElementwiseOps(m);
    registerTensorOps(m);
    registerNNOps(m);
    registerLossOps(m);
    registerRecurrentOps(m);
    registerResizeOps(m);
    return m;
  }();
  return map;
}

} // namespace

class GraphImporter {
public:
  GraphImporter(MLIRContext *ctx, StringRef path,
                const onnx_model::Graph &graph)
      : ctx(ctx), path(path.str()), graph(graph), builder(ctx) {}

  OwningOpRef<ModuleOp> run(const OnnxImportOptions &options);

  Type elementType(DType dtype) {
    switch (dtype) {
    case DType::Float: case DType::Double: return builder.getF32Type();
    case DType::Float16: return builder.getF16Type();
    case DType::BFloat16: return builder.getBF16Type();
    case DType::Int32: return builder.getI32Type();
    case DType::Int64: return builder.getI64Type();
    case DType::Bool: return builder.getI1Type();
    default: return {};
    }
  }

  /// The loom type of an ONNX tensor type with a shape, or null: its
  /// dynamic dimensions (ONNX dim_params or unnamed) stay dynamic (a graph
  /// input's type).
  RankedTensorType argumentType(const onnx_model::ValueType &type) {
    Type et = elementType(type.dtype);
    if (type.kind != onnx_model::ValueType::Kind::Tensor || !type.hasShape ||
        !et)
      return {};
    SmallVector<int64_t> shape;
    for (int64_t d : type.dims)
      shape.push_back(d < 0 ? ShapedType::kDynamic : d);
    return RankedTensorType::get(shape, et);
  }

  /// The static loom type of an ONNX value type, or null.
  RankedTensorType tensorType(const onnx_model::ValueType &type) {
    if (!type.isStaticTensor())
      return {};
    return argumentType(type);
  }

  Value materialize(const Tensor &t) {
    Type et = elementType(t.dtype);
    auto type = RankedTensorType::get(t.shape, et);
    std::vector<char> bytes;
    if (t.dtype == DType::Double) {
      bytes.resize(t.numElements() * sizeof(float));
      for (int64_t i = 0, e = t.numElements(); i < e; ++i) {
        float f = static_cast<float>(hostDouble(t, i));
        std::memcpy(bytes.data() + i * sizeof(float), &f, sizeof(float));
      }
    } else {
      bytes = t.data;
    }
    ElementsAttr attr = makeConstantAttr(type, bytes);
    return ConstantOp::create(builder, builder.getUnknownLoc(), attr)
        .getResult();
  }

  Entry *lookup(const std::string &name) {
    auto it = values.find(name);
    return it == values.end() ? nullptr : &it->second;
  }

  Value valueOf(const std::string &name) {
    Entry *e = lookup(name);
    if (!e)
      return {};
    if (!e->value && e->constant) {
      OpBuilder::InsertionGuard guard(builder);
      builder.setInsertionPointToStart(entryBlock);
      e->value = materialize(*e->constant);
    }
    return e->value;
  }

  /// Imports `node` as a shape computation (setting `handled`) when it
  /// computes sizes from dynamic dimensions; fails (through `fail`) when
  /// a node that cannot compute on such sizes is given one.
  template <typename FailFn>
  LogicalResult importShapeComputation(const Node &node, FailFn &fail,
                                       bool &handled) {
    handled = false;
    std::vector<ShapeOperand> ins;
    const std::string *symbolicInput = nullptr;
    bool dynamicData = false;
    for (const std::string &name : node.inputs) {
      ShapeOperand in;
      if (Entry *e = name.empty() ? nullptr : lookup(name)) {
        in.constant = e->constant ? &*e->constant : nullptr;
        in.symbolic = e->symbolic ? &*e->symbolic : nullptr;
        in.value = e->value;
        if (in.symbolic && !symbolicInput)
          symbolicInput = &name;
      }
      ins.push_back(in);
    }
    if ((node.opType == "Shape" || node.opType == "Size") && !ins.empty() &&
        ins[0].value)
      dynamicData = !llvm::cast<RankedTensorType>(ins[0].value.getType())
                         .hasStaticShape();
    if (!symbolicInput && !dynamicData)
      return success();
    ShapeValue out;
    if (evaluateShapeValue(node, ins, builder, nodeLocation(node), out)) {
      if (!node.outputs.empty() && !node.outputs[0].empty()) {
        Entry &e = values[node.outputs[0]];
        e.value = {};
        if (out.isConstant())
          e.constant = out.toTensor();
        else
          e.symbolic = std::move(out);
      }
      handled = true;
      return success();
    }
    // Reshape and Expand take their target shape as a shape value, and
    // ConstantOfShape its shape.
    if ((node.opType == "Reshape" || node.opType == "Expand") &&
        ins.size() > 1 && ins[1].symbolic && !ins[0].symbolic)
      return success();
    if (node.opType == "ConstantOfShape" && ins.size() == 1)
      return success();
    if (node.opType == "Range" && ins.size() == 3 && ins[1].symbolic &&
        !ins[0].symbolic && !ins[2].symbolic)
      return success();
    fail("input '" + *symbolicInput +
         "' is a size computed at run time from dynamic dimensions, which "
         "operator " + node.opType + " does not take yet; bind them with "
         "--input-shape=NAME:DIMS");
    return failure();
  }

  /// True if a node reads `name` or the graph returns it.
  bool isUsed(const std::string &name) const {
    for (const Node &node : graph.nodes)
      if (llvm::is_contained(node.inputs, name))
        return true;
    return llvm::any_of(graph.outputs,
                        [&](const auto &out) { return out.name == name; });
  }

  Location nodeLocation(const Node &node) {
    return NameLoc::get(
        StringAttr::get(ctx, node.name),
        FusedLoc::get(ctx, {FileLineColLoc::get(ctx, path, 0, 0)},
                      StringAttr::get(ctx, node.opType)));
  }

  MLIRContext *ctx;
  std::string path;
  const onnx_model::Graph &graph;
  OpBuilder builder;
  Block *entryBlock = nullptr;
  std::map<std::string, Entry> values;
};

//===----------------------------------------------------------------------===//
// NodeImporter
//===----------------------------------------------------------------------===//

NodeImporter::NodeImporter(GraphImporter &graph, const Node &node,
                           Location loc)
    : LoomBuilder(graph.builder, loc), node(node), graph(graph) {}

bool NodeImporter::hasInput(size_t i) const {
  return i < node.inputs.size() && !node.inputs[i].empty();
}

Value NodeImporter::input(size_t i) {
  if (!hasInput(i))
    return {};
  return graph.valueOf(node.inputs[i]);
}

const ShapeValue *NodeImporter::shapeInput(size_t i) {
  if (!hasInput(i))
    return nullptr;
  Entry *e = graph.lookup(node.inputs[i]);
  return e && e->symbolic ? &*e->symbolic : nullptr;
}

const Tensor *NodeImporter::constInput(size_t i) {
  if (!hasInput(i))
    return nullptr;
  Entry *e = graph.lookup(node.inputs[i]);
  return e && e->constant ? &*e->constant : nullptr;
}

std::vector<int64_t> NodeImporter::constInts(size_t i) {
  const Tensor *t = constInput(i);
  return t ? hostInts(*t) : std::vector<int64_t>{};
}

RankedTensorType NodeImporter::inputType(size_t i) {
  if (!hasInput(i))
    return {};
  Entry *e = graph.lookup(node.inputs[i]);
  if (!e)
    return {};
  if (e->value)
    return llvm::cast<RankedTensorType>(e->value.getType());
  if (e->constant)
    return RankedTensorType::get(e->constant->shape,
                                 elementType(e->constant->dtype));
  return {};
}

ArrayRef<int64_t> NodeImporter::inputShape(size_t i) {
  Entry *e = hasInput(i) ? graph.lookup(node.inputs[i]) : nullptr;
  if (!e)
    return {};
  if (e->value)
    return llvm::cast<RankedTensorType>(e->value.getType()).getShape();
  return e->constant->shape;
}

int64_t NodeImporter::inputRank(size_t i) { return inputShape(i).size(); }

DType NodeImporter::inputDType(size_t i) {
  if (!hasInput(i))
    return DType::Undefined;
  if (const Tensor *t = constInput(i))
    return t->dtype;
  auto it = graph.graph.valueTypes.find(node.inputs[i]);
  if (it != graph.graph.valueTypes.end())
    return it->second.dtype;
  return DType::Undefined;
}

bool NodeImporter::hasOutput(size_t i) const {
  return i < node.outputs.size() && !node.outputs[i].empty();
}

bool NodeImporter::outputUsed(size_t i) const {
  return hasOutput(i) && graph.isUsed(node.outputs[i]);
}

void NodeImporter::setOutput(size_t i, Value value) {
  if (!hasOutput(i))
    return;
  Entry &e = graph.values[node.outputs[i]];
  e.value = value;
  e.constant.reset();
}

void NodeImporter::setConstOutput(size_t i, Tensor value) {
  if (!hasOutput(i))
    return;
  Entry &e = graph.values[node.outputs[i]];
  value.name = node.outputs[i];
  e.value = {};
  e.constant = std::move(value);
}

RankedTensorType NodeImporter::inferredOutputType(size_t i) {
  if (!hasOutput(i))
    return {};
  auto it = graph.graph.valueTypes.find(node.outputs[i]);
  if (it == graph.graph.valueTypes.end())
    return {};
  return graph.tensorType(it->second);
}

DType NodeImporter::outputDType(size_t i) {
  if (!hasOutput(i))
    return DType::Undefined;
  auto it = graph.graph.valueTypes.find(node.outputs[i]);
  return it == graph.graph.valueTypes.end() ? DType::Undefined
                                             : it->second.dtype;
}

bool NodeImporter::hasAttr(StringRef name) const {
  return node.attributes.count(name.str()) != 0;
}

int64_t NodeImporter::attrInt(StringRef name, int64_t dflt) const {
  auto it = node.attributes.find(name.str());
  return it == node.attributes.end() ? dflt : it->second.i;
}

float NodeImporter::attrFloat(StringRef name, float dflt) const {
  auto it = node.attributes.find(name.str());
  return it == node.attributes.end() ? dflt : it->second.f;
}

std::string NodeImporter::attrString(StringRef name, StringRef dflt) const {
  auto it = node.attributes.find(name.str());
  return it == node.attributes.end() ? dflt.str() : it->second.s;
}

std::vector<int64_t> NodeImporter::attrInts(StringRef name,
                                            std::vector<int64_t> dflt) const {
  auto it = node.attributes.find(name.str());
  return it == node.attributes.end() ? dflt : it->second.ints;
}

std::vector<float> NodeImporter::attrFloats(StringRef name) const {
  auto it = node.attributes.find(name.str());
  return it == node.attributes.end() ? std::vector<float>{}
                                     : it->second.floats;
}

const Tensor *NodeImporter::attrTensor(StringRef name) const {
  auto it = node.attributes.find(name.str());
  if (it == node.attributes.end() ||
      it->second.kind != onnx_model::Attribute::Kind::Tensor)
    return nullptr;
  return &it->second.t;
}

FailureOr<int64_t> NodeImporter::axisAttr(StringRef name, int64_t dflt,
                                          int64_t rank) {
  int64_t value = attrInt(name, dflt);
  if (std::optional<int64_t> axis = normalizeDim(value, rank))
    return *axis;
  return unsupported(name + " = " + Twine(value) +
                     " is out of range for a tensor of rank " + Twine(rank));
}

Type NodeImporter::elementType(DType dtype) {
  return graph.elementType(dtype);
}

LogicalResult NodeImporter::unsupported(const Twine &why) {
  failureReason = why.str();
  return failure();
}

LogicalResult NodeImporter::requireConst(size_t i, StringRef what) {
  if (constInput(i))
    return success();
  return unsupported(what + " (input " + Twine(i) +
                     ") must be known at import time");
}

LogicalResult NodeImporter::requireFloat(size_t i) {
  if (isa<FloatType>(inputType(i).getElementType()))
    return success();
  return unsupported("input " + Twine(i) + " has element type " +
                     onnx_model::dtypeName(inputDType(i)) +
                     "; only float types are supported");
}

LogicalResult NodeImporter::requireNumeric(size_t i) {
  if (!inputType(i).getElementType().isInteger(1))
    return success();
  return unsupported("input " + Twine(i) + " is bool; bool operands are not "
                     "supported");
}

//===----------------------------------------------------------------------===//
// The walk
//===----------------------------------------------------------------------===//

namespace {

std::string describeType(const onnx_model::ValueType &type) {
  switch (type.kind) {
  case onnx_model::ValueType::Kind::Sequence: return "a sequence";
  case onnx_model::ValueType::Kind::Optional: return "an optional";
  case onnx_model::ValueType::Kind::Map: return "a map";
  case onnx_model::ValueType::Kind::SparseTensor: return "a sparse tensor";
  case onnx_model::ValueType::Kind::Unknown: return "of unknown type";
  case onnx_model::ValueType::Kind::Tensor: break;
  }
  return std::string("a tensor of ") + onnx_model::dtypeName(type.dtype);
}

/// Why a graph input/output cannot be a function argument/result ("" if it
/// can).
std::string signatureProblem(const onnx_model::ValueInfo &info,
                             GraphImporter &importer) {
  const onnx_model::ValueType &type = info.type;
  if (type.kind != onnx_model::ValueType::Kind::Tensor)
    return "is " + describeType(type) + "; Loom takes and returns tensors";
  if (!importer.elementType(type.dtype))
    return std::string("has element type ") +
           onnx_model::dtypeName(type.dtype) +
           ", which Loom does not support (supported: float, float16, "
           "bfloat16, double (computed as float), int32, int64, bool)";
  if (llvm::is_contained(type.dims, 0))
    return "is empty (a dimension of size 0); Loom does not support empty "
           "tensors";
  if (!type.hasShape)
    return "has no shape (not even a rank); give it one with --input-shape=" +
           info.name + ":DIMS (loom-compile or loom-import)";
  return "";
}

} // namespace

OwningOpRef<ModuleOp> GraphImporter::run(const OnnxImportOptions &options) {
  Location fileLoc = FileLineColLoc::get(ctx, path, 0, 0);
  ctx->getOrLoadDialect<LoomDialect>();
  ctx->getOrLoadDialect<func::FuncDialect>();
  // Sizes of dynamic dimensions are index arithmetic (ShapeValues.cpp).
  ctx->getOrLoadDialect<tensor::TensorDialect>();
  ctx->getOrLoadDialect<arith::ArithDialect>();

  // Signature.
  SmallVector<Type> argTypes;
  std::vector<std::string> problems;
  std::vector<const onnx_model::ValueInfo *> args;
  for (const auto &[name, value] : options.constantInputs) {
    auto it = llvm::find_if(graph.inputs, [&](const onnx_model::ValueInfo &v) {
      return v.name == name;
    });
    if (it == graph.inputs.end())
      problems.push_back("a value is given for input '" + name +
                         "', but the model has no such input");
    else if (it->type.dtype != value.dtype)
      problems.push_back("the value given for input '" + name + "' is " +
                         onnx_model::dtypeName(value.dtype) + ", not " +
                         onnx_model::dtypeName(it->type.dtype));
  }
  for (const onnx_model::ValueInfo &in : graph.inputs) {
    if (options.constantInputs.count(in.name))
      continue;
    args.push_back(&in);
    std::string problem = signatureProblem(in, *this);
    if (!problem.empty())
      problems.push_back("input '" + in.name + "' " + problem);
    else
      argTypes.push_back(argumentType(in.type));
  }
  if (!problems.empty()) {
    InFlightDiagnostic diag = emitError(fileLoc);
    diag << "cannot import the ONNX model:";
    for (const std::string &p : problems)
      diag << "\n  " << p;
    return nullptr;
  }

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  builder.setInsertionPointToEnd(module->getBody());
  auto func = func::FuncOp::create(builder, fileLoc, options.functionName,
                                   builder.getFunctionType(argTypes, {}));
  entryBlock = func.addEntryBlock();
  builder.setInsertionPointToEnd(entryBlock);
  for (size_t i = 0; i < args.size(); ++i) {
    BlockArgument arg = entryBlock->getArgument(i);
    arg.setLoc(NameLoc::get(StringAttr::get(ctx, args[i]->name), fileLoc));
    func.setArgAttr(i, kNameAttrName, builder.getStringAttr(args[i]->name));
    // Dynamic dimensions keep their ONNX names: two inputs' `batch` is one
    // size. An unnamed one is a size of its own.
    const onnx_model::ValueType &type = args[i]->type;
    if (llvm::any_of(type.dims, [](int64_t d) { return d < 0; })) {
      SmallVector<StringRef> names;
      for (size_t d = 0; d < type.dims.size(); ++d)
        names.push_back(type.dims[d] < 0 ? StringRef(type.dimParams[d])
                                         : StringRef());
      func.setArgAttr(i, kDimNamesAttrName, builder.getStrArrayAttr(names));
    }
    values[args[i]->name].value = arg;
  }
  for (const auto &[name, value] : options.constantInputs)
    values[name].constant = value;
  for (const Tensor &init : graph.initializers) {
    if (values.count(init.name))
      continue; // an input with a default value: the input wins
    values[init.name].constant = init;
  }

  // Nodes. Every node that cannot be imported is reported, with its reason.
  std::vector<std::string> failures;
  const HandlerMap &table = handlers();
  for (const Node &node : graph.nodes) {
    auto poisonOutputs = [&] {
      for (const std::string &out : node.outputs)
        if (!out.empty())
          values[out].poisoned = true;
    };
    auto fail = [&](const std::string &why) {
      failures.push_back("node '" + node.name + "' (" + node.opType +
                         "): " + why);
      poisonOutputs();
    };
    if (!node.domain.empty()) {
      fail("operators of domain '" + node.domain + "' are not supported");
      continue;
    }
    auto handler = table.find(node.opType);
    if (handler == table.end()) {
      fail("operator " + node.opType + " is not supported");
      continue;
    }
    bool skip = false;
    std::vector<const Tensor *> constInputs;
    bool allConstant = true;
    for (const std::string &in : node.inputs) {
      if (in.empty()) {
        constInputs.push_back(nullptr);
        continue;
      }
      Entry *e = lookup(in);
      if (!e || e->poisoned) {
        if (!e)
          fail("input '" + in + "' is not defined before the node");
        else
          poisonOutputs();
        skip = true;
        break;
      }
      constInputs.push_back(e->constant ? &*e->constant : nullptr);
      allConstant &= e->constant.has_value();
    }
    if (skip)
      continue;
    for (const auto &[name, attr] : node.attributes) {
      if (attr.kind == onnx_model::Attribute::Kind::Graph ||
          attr.kind == onnx_model::Attribute::Kind::Other) {
        fail("attribute '" + name + "' of type " + attr.typeName +
             " is not supported");
        skip = true;
        break;
      }
    }
    if (skip)
      continue;

    // Sizes of dynamic dimensions: Shape of a dynamic tensor and the
    // integer arithmetic on it are followed element by element.
    if (failed(importShapeComputation(node, fail, skip)))
      continue;
    if (skip)
      continue;

    // Values known at import time are computed here, not in kernels.
    if (allConstant && !node.inputs.empty()) {
      std::vector<Tensor> outs;
      if (evaluateOnHost(node, constInputs, outs)) {
        for (size_t i = 0; i < outs.size() && i < node.outputs.size(); ++i) {
          if (node.outputs[i].empty())
            continue;
          outs[i].name = node.outputs[i];
          Entry &e = values[node.outputs[i]];
          e.value = {};
          e.constant = std::move(outs[i]);
        }
        continue;
      }
    }

    for (size_t i = 0; i < constInputs.size() && !skip; ++i) {
      if (constInputs[i] && !elementType(constInputs[i]->dtype)) {
        fail("input '" + node.inputs[i] + "' has element type " +
             onnx_model::dtypeName(constInputs[i]->dtype) +
             ", which Loom does not support");
        skip = true;
      }
    }
    if (skip)
      continue;

    // Inputs with dynamic dimensions go only to the operators whose
    // import builds ops that take them; the others are refused by name.
    if (!takesDynamicInputs(node.opType)) {
      for (const std::string &in : node.inputs) {
        Entry *e = in.empty() ? nullptr : lookup(in);
        auto type = e && e->value
                        ? dyn_cast<RankedTensorType>(e->value.getType())
                        : RankedTensorType();
        if (type && !type.hasStaticShape()) {
          fail("operator " + node.opType +
               " does not take dynamic dimensions yet (input '" + in +
               "' is " + formatShape(type.getShape()) +
               "); bind them with --input-shape=NAME:DIMS");
          skip = true;
          break;
        }
      }
    }
    if (skip)
      continue;

    NodeImporter ni(*this, node, nodeLocation(node));
    if (failed(handler->second(ni))) {
      fail(ni.failureReason.empty() ? "cannot be imported"
                                    : ni.failureReason);
      continue;
    }
    // Cross-check with ONNX shape inference: a mismatch is an importer bug,
    // reported at the node rather than as a confusing verifier error later.
    for (size_t i = 0; i < node.outputs.size(); ++i) {
      if (node.outputs[i].empty())
        continue;
      Entry *e = lookup(node.outputs[i]);
      if ((!e || (!e->value && !e->constant)) && !isUsed(node.outputs[i]))
        continue; // an optional output nothing reads
      if (!e || (!e->value && !e->constant)) {
        fail("output '" + node.outputs[i] + "' is not supported");
        break;
      }
      RankedTensorType expected = ni.inferredOutputType(i);
      ArrayRef<int64_t> shape =
          e->value ? llvm::cast<RankedTensorType>(e->value.getType()).getShape()
                   : ArrayRef<int64_t>(e->constant->shape);
      if (e->value && llvm::is_contained(shape, 0)) {
        fail("output '" + node.outputs[i] + "' is empty (shape " +
             formatShape(shape) + "); Loom does not support empty tensors");
        break;
      }
      if (expected && expected.getShape() != shape) {
        // A graph output's expected shape includes what the model declares
        // for it: a wrong declaration is the model's error, not ours.
        bool graphOutput = llvm::any_of(graph.outputs, [&](const auto &out) {
          return out.name == node.outputs[i];
        });
        fail((graphOutput ? "output '" + node.outputs[i] + "' computes " +
                                "shape " + formatShape(shape) +
                                " but the model declares it as " +
                                formatShape(expected.getShape())
                          : "internal error: the imported output '" +
                                node.outputs[i] + "' has shape " +
                                formatShape(shape) +
                                " but ONNX shape inference gives " +
                                formatShape(expected.getShape())));
        break;
      }
    }
  }

  // Results.
  SmallVector<Value> results;
  for (const onnx_model::ValueInfo &out : graph.outputs) {
    Entry *e = lookup(out.name);
    if (!e || e->poisoned)
      continue; // reported with its node
    if (e->symbolic) {
      failures.push_back("graph output '" + out.name +
                         "' is a size computed at run time from dynamic "
                         "dimensions, which Loom cannot return yet; bind "
                         "them with --input-shape=NAME:DIMS");
      continue;
    }
    Value v = valueOf(out.name);
    if (!v) {
      failures.push_back("graph output '" + out.name + "' is not computed");
      continue;
    }
    std::string problem = signatureProblem(out, *this);
    if (!problem.empty() && out.type.kind != onnx_model::ValueType::Kind::Tensor)
      failures.push_back("output '" + out.name + "' " + problem);
    results.push_back(v);
  }
  if (!failures.empty()) {
    InFlightDiagnostic diag = emitError(fileLoc);
    diag << "cannot import the ONNX model: " << failures.size()
         << (failures.size() == 1 ? " node is" : " nodes are")
         << " not supported:";
    for (const std::string &f : failures)
      diag << "\n  " << f;
    return nullptr;
  }
  func::ReturnOp::create(builder, fileLoc, results);
  SmallVector<Type> resultTypes;
  for (Value v : results)
    resultTypes.push_back(v.getType());
  func.setFunctionType(builder.getFunctionType(argTypes, resultTypes));
  for (auto [i, out] : llvm::enumerate(graph.outputs))
    func.setResultAttr(i, kNameAttrName, builder.getStringAttr(out.name));
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

} // namespace onnx_import

OwningOpRef<ModuleOp> importOnnxFile(StringRef path, MLIRContext &context,
                                     const OnnxImportOptions &options) {
  onnx_model::Graph graph;
  onnx_model::LoadOptions loadOptions;
  loadOptions.inputShapes = options.inputShapes;
  std::string error;
  if (!onnx_model::loadOnnxModel(path.str(), loadOptions, graph, error)) {
    emitError(FileLineColLoc::get(&context, path, 0, 0)) << error;
    return nullptr;
  }
  onnx_import::GraphImporter importer(&context, path, graph);
  return importer.run(options);
}

bool parseInputShapeOption(StringRef text,
                           std::map<std::string, std::vector<int64_t>> &shapes,
                           std::string &error) {
  size_t colon = text.rfind(':');
  if (colon == StringRef::npos || colon == 0) {
    error = "--input-shape expects NAME:DIMS (e.g. x:1x3x224x224), got '" +
            text.str() + "'";
    return false;
  }
  StringRef name = text.take_front(colon), dims = text.drop_front(colon + 1);
  std::vector<int64_t> shape;
  SmallVector<StringRef> parts;
  if (!dims.empty())
    dims.split(parts, 'x');
  for (StringRef p : parts) {
    int64_t d;
    if (p.getAsInteger(10, d) || d < 0) {
      error = "--input-shape: '" + p.str() + "' in '" + text.str() +
              "' is not a dimension size";
      return false;
    }
    shape.push_back(d);
  }
  shapes[name.str()] = std::move(shape);
  return true;
}

std::vector<std::string> supportedOnnxOperators() {
  std::vector<std::string> names;
  for (const auto &entry : onnx_import::handlers())
    names.push_back(entry.getKey().str());
  std::sort(names.begin(), names.end());
  return names;
}

} // namespace loom
