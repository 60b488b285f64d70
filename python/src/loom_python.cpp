//===- loom_python.cpp - the loom._loom extension module ------------------===//
//
// Python bindings over the runtime's public C API (include/loom/runtime.h)
// and the compiler's plain C++ entry points (include/loom/compiler/compile.h,
// include/loom/contraction/). The Python package (python/loom/) builds the
// user-facing API on these; everything that touches numpy arrays without a
// copy, releases the GIL or translates statuses into exceptions is here.
//
//===----------------------------------------------------------------------===//
#include "loom/runtime.h"

#ifdef LOOM_PYTHON_HAS_COMPILER
#include "loom/compiler/compile.h"
#include "loom/contraction/Parse.h"
#include "loom/contraction/PathFinder.h"
#endif

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace py = pybind11;

namespace {

// Exception types, created in PYBIND11_MODULE.
PyObject *compileErrorType = nullptr;
PyObject *runtimeErrorType = nullptr;

/// Raises loom.RuntimeError(message) with `.code` set to the status code's
/// name ("INVALID_ARGUMENT", ...), and frees the status.
[[noreturn]] void raiseStatus(loom_status_t status, const std::string &prefix = "") {
  std::string message = prefix + loom_status_message(status);
  std::string code = loom_status_code_name(loom_status_code(status));
  loom_status_free(status);
  py::object type = py::reinterpret_borrow<py::object>(runtimeErrorType);
  py::object error = type(message);
  error.attr("code") = code;
  PyErr_SetObject(runtimeErrorType, error.ptr());
  throw py::error_already_set();
}

void check(loom_status_t status, const std::string &prefix = "") {
  if (status)
    raiseStatus(status, prefix);
}

/// Holds one reference to a runtime object; released with the GIL held or
/// not (the C API is thread-safe).
template <typename T, void (*Retain)(T *), void (*Release)(T *)>
class Ref {
public:
  Ref() = default;
  explicit Ref(T *adopt) : ptr(adopt) {}
  Ref(const Ref &other) : ptr(other.ptr) { if (ptr) Retain(ptr); }
  Ref &operator=(const Ref &other) {
    if (other.ptr) Retain(other.ptr);
    if (ptr) Release(ptr);
    ptr = other.ptr;
    return *this;
  }
  ~Ref() { if (ptr) Release(ptr); }
  T *get() const { return ptr; }

private:
  T *ptr = nullptr;
};
using RuntimeRef = Ref<loom_runtime_t, loom_runtime_retain, loom_runtime_release>;
using ModuleRef = Ref<loom_module_t, loom_module_retain, loom_module_release>;
using TensorRef = Ref<loom_tensor_t, loom_tensor_retain, loom_tensor_release>;

//===----------------------------------------------------------------------===//
// dtypes
//===----------------------------------------------------------------------===//

/// numpy's dtype for a Loom dtype. NumPy has no bfloat16: bf16 tensors are
/// uint16 arrays holding the upper 16 bits of the float32 (as .npy files).
py::dtype numpyDtype(loom_dtype_t dtype) {
  switch (dtype) {
  case LOOM_DTYPE_F32: return py::dtype("float32");
  case LOOM_DTYPE_F16: return py::dtype("float16");
  case LOOM_DTYPE_BF16: return py::dtype("uint16");
  case LOOM_DTYPE_I32: return py::dtype("int32");
  case LOOM_DTYPE_I64: return py::dtype("int64");
  case LOOM_DTYPE_I1: return py::dtype("bool");
  case LOOM_DTYPE_I8: return py::dtype("int8");
  case LOOM_DTYPE_F64: return py::dtype("float64");
  default: break;
  }
  throw std::runtime_error("unknown Loom dtype");
}

std::string typeText(loom_tensor_type_t type) {
  char buffer[256];
  size_t needed = loom_tensor_type_format(type, buffer, sizeof buffer);
  if (needed < sizeof buffer)
    return buffer;
  std::string text(needed + 1, '\0');
  loom_tensor_type_format(type, text.data(), text.size());
  text.resize(needed);
  return text;
}

std::string arrayText(const py::array &array) {
  std::string text = "array of shape (";
  for (py::ssize_t i = 0; i < array.ndim(); ++i)
    text += (i ? ", " : "") + std::to_string(array.shape(i)) +
            (array.ndim() == 1 ? "," : "");
  return text + ") and dtype " + py::str(array.dtype()).cast<std::string>();
}

//===----------------------------------------------------------------------===//
// Runtime, Module, Function
//===----------------------------------------------------------------------===//

class Runtime {
public:
  Runtime(const std::string &device, int32_t threads, uint64_t maxCallMemory) {
    loom_runtime_options_t options;
    loom_runtime_options_init(&options);
    options.device = device.c_str();
    options.thread_count = threads;
    options.max_call_memory_bytes = maxCallMemory;
    loom_runtime_t *runtime = nullptr;
    check(loom_runtime_create(&options, &runtime));
    ref = RuntimeRef(runtime);
  }
  std::string device() const { return loom_runtime_device_name(ref.get()); }
  int32_t threads() const { return loom_runtime_thread_count(ref.get()); }
  uint64_t maxCallMemory() const {
    return loom_runtime_max_call_memory_bytes(ref.get());
  }
  loom_runtime_t *get() const { return ref.get(); }

private:
  RuntimeRef ref;
};

struct TensorType {
  std::string name;           // "" when the module records none
  std::string dtype;          // Loom's name ("f32")
  py::dtype numpy;            // numpy's dtype for it
  std::vector<int64_t> shape;
  std::string text;           // "tensor<2x3xf32>"
};

TensorType describe(loom_tensor_type_t type, const char *name) {
  TensorType t;
  t.name = name ? name : "";
  t.dtype = loom_dtype_name(type.dtype);
  t.numpy = numpyDtype(type.dtype);
  t.shape.assign(type.shape, type.shape + type.rank);
  t.text = typeText(type);
  return t;
}

class Function {
public:
  Function(ModuleRef module, loom_function_t *fn) : module(std::move(module)), fn(fn) {
    for (size_t i = 0, e = loom_function_input_count(fn); i < e; ++i) {
      loom_tensor_type_t type;
      check(loom_function_input_type(fn, i, &type));
      inputTypes.push_back(type);
      inputShapes.emplace_back(type.shape, type.shape + type.rank);
      inputDtypes.push_back(numpyDtype(type.dtype));
    }
    for (size_t i = 0, e = loom_function_output_count(fn); i < e; ++i) {
      loom_tensor_type_t type;
      check(loom_function_output_type(fn, i, &type));
      outputTypes.push_back(type);
      outputDtypes.push_back(numpyDtype(type.dtype));
    }
  }

  std::string name() const { return loom_function_name(fn); }
  std::string signature() const { return loom_function_signature(fn); }
  std::vector<TensorType> inputs() const {
    std::vector<TensorType> out;
    for (size_t i = 0; i < inputTypes.size(); ++i)
      out.push_back(describe(inputTypes[i], loom_function_input_name(fn, i)));
    return out;
  }
  std::vector<TensorType> outputs() const {
    std::vector<TensorType> out;
    for (size_t i = 0; i < outputTypes.size(); ++i)
      out.push_back(describe(outputTypes[i], loom_function_output_name(fn, i)));
    return out;
  }

  /// Calls the function on numpy arrays: C-contiguous inputs are read in
  /// place (the runtime stages a misaligned one through an aligned copy),
  /// others are copied once; results are numpy arrays over the runtime's
  /// buffers, which they keep alive. The GIL is released during the call.
  /// "input 0 ('x')", or "input 0" for an unnamed one.
  std::string inputText(size_t i) const {
    const char *name = loom_function_input_name(fn, i);
    std::string text = "input " + std::to_string(i);
    if (name && *name)
      text += std::string(" ('") + name + "')";
    return text;
  }

  /// Calls the function: `args` are numpy arrays, or objects `convert(value,
  /// index)` turns into arrays (torch tensors, lists, ...). Returns the
  /// result array, or a tuple of them for several results.
  py::object call(const py::tuple &args, const py::object &convert) const {
    size_t n = args.size();
    if (n != inputTypes.size())
      throw py::type_error("function '" + name() + "' takes " +
                           std::to_string(inputTypes.size()) + " input" +
                           (inputTypes.size() == 1 ? "" : "s") + ", got " +
                           std::to_string(n) + "; signature: " + signature());
    std::vector<py::array> keep; // the arrays read, alive through the call
    std::vector<TensorRef> tensors;
    std::vector<loom_tensor_t *> inputs;
    keep.reserve(n);
    tensors.reserve(n);
    inputs.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      py::object arg = args[i];
      if (!py::isinstance<py::array>(arg) && !convert.is_none())
        arg = convert(arg, i);
      if (!py::isinstance<py::array>(arg))
        throw py::type_error(inputText(i) + " of function '" +
                             name() + "' is a " +
                             py::str(py::type::of(arg).attr("__name__"))
                                 .cast<std::string>() +
                             ", not an array; signature: " + signature());
      py::array array = py::reinterpret_borrow<py::array>(arg);
      const loom_tensor_type_t &expected = inputTypes[i];
      // (numpy's builtin dtypes are singletons: `is` is the common case.)
      py::dtype dtype = array.dtype();
      if (!dtype.is(inputDtypes[i]) && !dtype.equal(inputDtypes[i]))
        throw py::type_error(
            inputText(i) + " of function '" + name() +
            "' is an " + arrayText(array) + " but the function expects " +
            typeText(expected) + " (numpy dtype " +
            py::str(py::handle(inputDtypes[i])).cast<std::string>() +
            "); signature: " + signature());
      if (!(array.flags() & py::array::c_style))
        array = py::array::ensure(array, py::array::c_style |
                                             py::array::forcecast);
      // A dynamic dimension (-1) takes any size here; the runtime checks
      // it against the function's symbols.
      const std::vector<int64_t> &expectedShape = inputShapes[i];
      bool matches =
          array.ndim() == static_cast<py::ssize_t>(expectedShape.size());
      for (size_t d = 0; matches && d < expectedShape.size(); ++d)
        matches = expectedShape[d] < 0 || expectedShape[d] == array.shape(d);
      std::vector<int64_t> shape(array.shape(), array.shape() + array.ndim());
      if (!matches) {
        throw py::value_error(inputText(i) + " of function '" +
                              name() + "' is an " + arrayText(array) +
                              " but the function expects " +
                              typeText(expected) +
                              "; signature: " + signature());
      }
      loom_tensor_t *tensor = nullptr;
      // The runtime only reads inputs; the array outlives the tensor.
      check(loom_tensor_wrap(expected.dtype, shape.size(), shape.data(),
                             const_cast<void *>(array.data()),
                             static_cast<size_t>(array.nbytes()), nullptr,
                             nullptr, &tensor));
      tensors.emplace_back(tensor);
      inputs.push_back(tensor);
      keep.push_back(std::move(array));
    }
    std::vector<loom_tensor_t *> outputs(outputTypes.size(), nullptr);
    loom_status_t status;
    {
      py::gil_scoped_release release;
      status = loom_function_call(fn, inputs.data(), inputs.size(),
                                  outputs.data(), outputs.size());
    }
    if (status)
      raiseStatus(status);
    // Adopt every result first so none leaks if wrapping one throws.
    std::vector<TensorRef> owned;
    for (loom_tensor_t *t : outputs)
      owned.emplace_back(t);
    if (owned.size() == 1)
      return toNumpy(owned[0], outputDtypes[0]);
    py::tuple results(owned.size());
    for (size_t i = 0; i < owned.size(); ++i)
      results[i] = toNumpy(owned[i], outputDtypes[i]);
    return std::move(results);
  }

  /// A numpy array over the tensor's memory; the array keeps a reference.
  static py::array toNumpy(const TensorRef &tensor, const py::dtype &dtype) {
    loom_tensor_t *t = tensor.get();
    loom_tensor_retain(t);
    py::capsule owner(t, [](void *p) {
      loom_tensor_release(static_cast<loom_tensor_t *>(p));
    });
    const int64_t *shape = loom_tensor_shape(t);
    std::vector<py::ssize_t> dims(shape, shape + loom_tensor_rank(t));
    return py::array(dtype, dims, loom_tensor_data(t), owner);
  }

private:
  ModuleRef module; // keeps `fn` valid
  loom_function_t *fn;
  std::vector<loom_tensor_type_t> inputTypes, outputTypes;
  std::vector<std::vector<int64_t>> inputShapes;
  std::vector<py::dtype> inputDtypes, outputDtypes; // numpy's, per input/result
};

class Module {
public:
  static Module fromBytes(const Runtime &runtime, const py::bytes &bytes) {
    std::string_view view = bytes; // borrowed from the bytes object
    loom_module_t *module = nullptr;
    loom_status_t status;
    {
      py::gil_scoped_release release;
      status = loom_module_load_memory(runtime.get(), view.data(), view.size(),
                                       LOOM_MEMORY_COPY, &module);
    }
    check(status);
    return Module(ModuleRef(module));
  }
  static Module fromFile(const Runtime &runtime, const std::string &path) {
    loom_module_t *module = nullptr;
    loom_status_t status;
    {
      py::gil_scoped_release release;
      status = loom_module_load_file(runtime.get(), path.c_str(), &module);
    }
    check(status);
    return Module(ModuleRef(module));
  }

  std::string target() const { return loom_module_target(ref.get()); }
  std::string producer() const { return loom_module_producer(ref.get()); }
  std::vector<Function> functions() const {
    std::vector<Function> out;
    for (size_t i = 0, e = loom_module_function_count(ref.get()); i < e; ++i) {
      loom_function_t *fn = nullptr;
      check(loom_module_function_at(ref.get(), i, &fn));
      out.emplace_back(ref, fn);
    }
    return out;
  }
  Function function(const std::string &name) const {
    loom_function_t *fn = nullptr;
    check(loom_module_lookup_function(ref.get(), name.c_str(), &fn));
    return Function(ref, fn);
  }

private:
  explicit Module(ModuleRef ref) : ref(std::move(ref)) {}
  ModuleRef ref;
};

//===----------------------------------------------------------------------===//
// Compiler
//===----------------------------------------------------------------------===//

#ifdef LOOM_PYTHON_HAS_COMPILER

[[noreturn]] void raiseCompileError(const std::string &message) {
  PyErr_SetString(compileErrorType, message.c_str());
  throw py::error_already_set();
}

/// Compilations run one at a time (LLVM's global registries are set up on
/// first use), with the GIL released.
std::mutex compileMutex;

loom::CompileOptions compileOptions(const py::dict &options) {
  loom::CompileOptions o;
  for (auto [key, value] : options) {
    std::string k = py::str(key);
    if (k == "target")
      o.target = value.cast<std::string>();
    else if (k == "opt_level")
      o.optLevel = value.cast<int>();
    else if (k == "contraction_optimizer")
      o.contractionOptimizer = value.cast<std::string>();
    else if (k == "contraction_memory_limit")
      o.contractionMemoryLimit = value.cast<double>();
    else if (k == "target_options")
      o.targetOptions = value.cast<std::map<std::string, std::string>>();
    else
      throw py::type_error("unknown compile option '" + k + "'");
  }
  if (o.optLevel < 0 || o.optLevel > 3)
    throw py::value_error("opt_level must be 0, 1, 2 or 3");
  return o;
}

py::bytes compileFile(const std::string &path, const py::dict &options) {
  loom::CompileOptions o = compileOptions(options);
  std::string bytes, error;
  bool ok;
  {
    py::gil_scoped_release release;
    std::lock_guard<std::mutex> lock(compileMutex);
    ok = loom::compileModelFile(path, o, bytes, error);
  }
  if (!ok)
    raiseCompileError(error);
  return py::bytes(bytes);
}

py::bytes compileText(const std::string &text, const std::string &name,
                      const py::dict &options) {
  loom::CompileOptions o = compileOptions(options);
  std::string bytes, error;
  bool ok;
  {
    py::gil_scoped_release release;
    std::lock_guard<std::mutex> lock(compileMutex);
    ok = loom::compileModelText(text, name, o, bytes, error);
  }
  if (!ok)
    raiseCompileError(error);
  return py::bytes(bytes);
}

/// The contraction path Loom's finder picks for a network (the JSON of
/// loom-einsum-path --network): a dict with the numpy-style path and the
/// tree's cost.
py::dict networkPath(const std::string &networkJson,
                     const std::string &optimizer, const std::string &minimize,
                     double memoryLimit, double timeBudget) {
  using namespace loom::contraction;
  PathOptions options;
  Result<Optimizer> opt = parseOptimizer(optimizer);
  if (!opt)
    throw py::value_error(opt.error());
  options.optimizer = *opt;
  Result<Objective> objective = parseObjective(minimize);
  if (!objective)
    throw py::value_error(objective.error());
  options.objective.kind = *objective;
  options.memoryLimit = memoryLimit;
  options.timeBudget = timeBudget;
  Result<Network> network = parseNetworkJson(networkJson);
  if (!network)
    throw py::value_error(network.error());
  ContractionResult result;
  {
    py::gil_scoped_release release;
    result = optimizeContraction(*network, options);
  }
  if (!result.ok())
    throw py::value_error(result.error);
  py::list path;
  for (const NodePair &step : result.tree.toLinearPath())
    path.append(py::make_tuple(step.first, step.second));
  py::list sliced;
  for (IndexId i : result.sliced)
    sliced.append(network->indexName(i));
  py::dict out;
  out["path"] = path;
  out["flops"] = result.cost.flops;
  out["largest_intermediate"] = result.cost.largestIntermediate;
  out["total_write"] = result.cost.totalWrite;
  out["sliced"] = sliced;
  out["num_slices"] = result.numSlices;
  out["method"] = result.method;
  out["seconds"] = result.seconds;
  return out;
}

#endif // LOOM_PYTHON_HAS_COMPILER

} // namespace

PYBIND11_MODULE(_loom, m) {
  m.doc() = "Loom's native bindings; use the `loom` package instead.";

  compileErrorType = PyErr_NewExceptionWithDoc(
      "loom.CompileError",
      "A model did not compile. The message holds the compiler's "
      "diagnostics, with file:line:col locations.",
      PyExc_Exception, nullptr);
  runtimeErrorType = PyErr_NewExceptionWithDoc(
      "loom.RuntimeError",
      "The Loom runtime refused a call, a module or a device. `code` is the "
      "runtime's status code name (\"INVALID_ARGUMENT\", \"DATA_LOSS\", ...).",
      PyExc_RuntimeError, nullptr);
  m.attr("CompileError") = py::handle(compileErrorType);
  m.attr("RuntimeError") = py::handle(runtimeErrorType);
  m.attr("runtime_version") = std::string(loom_runtime_version());
  m.attr("module_format_version") = loom_runtime_module_format_version();
#ifdef LOOM_PYTHON_HAS_COMPILER
  m.attr("has_compiler") = true;
#else
  m.attr("has_compiler") = false;
#endif

  py::class_<TensorType>(m, "TensorType")
      .def_readonly("name", &TensorType::name)
      .def_readonly("dtype", &TensorType::dtype)
      .def_readonly("numpy_dtype", &TensorType::numpy)
      .def_property_readonly(
          "shape",
          [](const TensorType &t) {
            // A dynamic dimension (any size at each call) is None.
            py::tuple shape(t.shape.size());
            for (size_t i = 0; i < t.shape.size(); ++i)
              shape[i] = t.shape[i] < 0 ? py::object(py::none())
                                        : py::object(py::int_(t.shape[i]));
            return shape;
          })
      .def("__str__", [](const TensorType &t) { return t.text; })
      .def("__repr__", [](const TensorType &t) { return t.text; });

  py::class_<Runtime>(m, "Runtime")
      .def(py::init<const std::string &, int32_t, uint64_t>(),
           py::arg("device"), py::arg("threads"), py::arg("max_call_memory"))
      .def_property_readonly("device", &Runtime::device)
      .def_property_readonly("threads", &Runtime::threads)
      .def_property_readonly("max_call_memory", &Runtime::maxCallMemory);

  py::class_<Function>(m, "Function")
      .def_property_readonly("name", &Function::name)
      .def_property_readonly("signature", &Function::signature)
      .def_property_readonly("inputs", &Function::inputs)
      .def_property_readonly("outputs", &Function::outputs)
      .def("call", &Function::call, py::arg("args"), py::arg("convert"));

  py::class_<Module>(m, "Module")
      .def_static("from_bytes", &Module::fromBytes, py::arg("runtime"),
                  py::arg("data"))
      .def_static("from_file", &Module::fromFile, py::arg("runtime"),
                  py::arg("path"))
      .def_property_readonly("target", &Module::target)
      .def_property_readonly("producer", &Module::producer)
      .def_property_readonly("functions", &Module::functions)
      .def("function", &Module::function, py::arg("name"));

#ifdef LOOM_PYTHON_HAS_COMPILER
  m.def("compile_file", &compileFile, py::arg("path"), py::arg("options"));
  m.def("compile_text", &compileText, py::arg("text"), py::arg("name"),
        py::arg("options"));
  m.def("network_path", &networkPath, py::arg("network_json"),
        py::arg("optimizer"), py::arg("minimize"), py::arg("memory_limit"),
        py::arg("time_budget"));
#endif
}
