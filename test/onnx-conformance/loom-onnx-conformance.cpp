//===- loom-onnx-conformance.cpp - ONNX backend test cases on Loom --------===//
//
//   loom-onnx-conformance --data=DIR [--suites=node,simple,...]
//       [--expectations=FILE] [--jobs=N] [--timeout=SECONDS]
//       [--filter=SUBSTRING] [--verbose]
//
// Runs ONNX's backend test cases (DIR/SUITE/CASE/model.onnx with
// test_data_set_*/input_*.pb and output_*.pb): each case is imported,
// compiled for the CPU in process, run through the runtime's C API on every
// data set, and its outputs compared with the expected ones
// (|actual - expected| <= atol + rtol * |expected|; rtol 1e-3, atol 1e-7
// unless the expectations file says otherwise for the case).
//
// Every case runs in a forked child (crash and time-out isolation, one job
// per core). A case listed in the expectations file as expected to fail
// with a reason is counted as an expected failure; any other failure fails
// the run (exit 1); a listed case that passes is reported as newly passing.
// Per suite it prints `SUITE: P passed, F failed, X expected failures`.
//
// Expectations file, one case per line, `#` starts a comment:
//   node/test_foo     fail  <one-line reason>
//   node/test_bar     tolerance atol=1e-5 rtol=1e-3  <one-line reason>
//
// Inputs that a model needs at import time (a Reshape's shape fed as a graph
// input, ...) are bound to the data set's values when the first import
// fails for that reason (the summary counts such cases); dynamic input
// dimensions are bound to the data set's shapes.
//
//===----------------------------------------------------------------------===//

#include "loom/compiler/Driver.h"
#include "loom/import/OnnxImporter.h"
#include "loom/import/OnnxModel.h"
#include "loom/runtime.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fstream>
#include <map>
#include <poll.h>
#include <signal.h>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace om = loom::onnx_model;

namespace {

struct Options {
  std::string data;
  std::vector<std::string> suites = {"node", "pytorch-converted",
                                     "pytorch-operator", "simple"};
  std::string expectations;
  std::string filter;
  int jobs = 0;
  int timeout = 120;
  bool verbose = false;
};

struct Expectation {
  bool expectFailure = false;
  double atol = 1e-7, rtol = 1e-3;
  std::string reason;
};

struct Case {
  std::string suite, name, dir;
  std::string id() const { return suite + "/" + name; }
};

//===----------------------------------------------------------------------===//
// Files
//===----------------------------------------------------------------------===//

bool isDirectory(const std::string &path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool isFile(const std::string &path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::vector<std::string> listDirectory(const std::string &path) {
  std::vector<std::string> names;
  if (DIR *d = ::opendir(path.c_str())) {
    while (dirent *e = ::readdir(d)) {
      std::string name = e->d_name;
      if (name != "." && name != "..")
        names.push_back(name);
    }
    ::closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string trim(const std::string &s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos)
    return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

bool readExpectations(const std::string &path,
                      std::map<std::string, Expectation> &out,
                      std::string &error) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot read the expectations file '" + path + "'";
    return false;
  }
  std::string line;
  int lineNo = 0;
  while (std::getline(in, line)) {
    ++lineNo;
    line = trim(line.substr(0, line.find('#')));
    if (line.empty())
      continue;
    std::istringstream ss(line);
    std::string id, kind;
    ss >> id >> kind;
    Expectation e;
    if (kind == "fail") {
      e.expectFailure = true;
    } else if (kind == "tolerance") {
      std::string word;
      std::streampos pos = ss.tellg();
      while (ss >> word) {
        if (word.rfind("atol=", 0) == 0)
          e.atol = std::atof(word.c_str() + 5);
        else if (word.rfind("rtol=", 0) == 0)
          e.rtol = std::atof(word.c_str() + 5);
        else
          break;
        pos = ss.tellg();
      }
      ss.clear();
      ss.seekg(pos);
    } else {
      error = path + ":" + std::to_string(lineNo) +
              ": expected 'CASE fail REASON' or 'CASE tolerance atol=.. "
              "rtol=.. REASON', got '" + line + "'";
      return false;
    }
    std::string rest;
    std::getline(ss, rest);
    e.reason = trim(rest);
    if (e.reason.empty()) {
      error = path + ":" + std::to_string(lineNo) + ": '" + id +
              "' needs a reason";
      return false;
    }
    if (out.count(id)) {
      error = path + ":" + std::to_string(lineNo) + ": '" + id +
              "' is listed twice";
      return false;
    }
    out[id] = e;
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Running one case (in a child process)
//===----------------------------------------------------------------------===//

struct DataSet {
  std::vector<om::Tensor> inputs, outputs;
};

bool loadDataSets(const Case &c, std::vector<DataSet> &sets,
                  std::string &error) {
  for (const std::string &entry : listDirectory(c.dir)) {
    if (entry.rfind("test_data_set_", 0) != 0)
      continue;
    std::string dir = c.dir + "/" + entry;
    DataSet set;
    for (const char *kind : {"input", "output"}) {
      for (int i = 0;; ++i) {
        std::string file = dir + "/" + kind + "_" + std::to_string(i) + ".pb";
        if (!isFile(file))
          break;
        om::Tensor t;
        if (!om::loadOnnxTensorFile(file, t, error))
          return false;
        (std::string(kind) == "input" ? set.inputs : set.outputs)
            .push_back(std::move(t));
      }
    }
    sets.push_back(std::move(set));
  }
  if (sets.empty()) {
    error = "no test data sets";
    return false;
  }
  return true;
}

bool loomDType(om::DType t, loom_dtype_t &out) {
  switch (t) {
  case om::DType::Float: out = LOOM_DTYPE_F32; return true;
  case om::DType::Double: out = LOOM_DTYPE_F32; return true; // computed as f32
  case om::DType::Float16: out = LOOM_DTYPE_F16; return true;
  case om::DType::BFloat16: out = LOOM_DTYPE_BF16; return true;
  case om::DType::Int32: out = LOOM_DTYPE_I32; return true;
  case om::DType::Int64: out = LOOM_DTYPE_I64; return true;
  case om::DType::Bool: out = LOOM_DTYPE_I1; return true;
  default: return false;
  }
}

/// The ONNX element type with the storage layout of a runtime dtype.
om::DType onnxDType(loom_dtype_t t) {
  switch (t) {
  case LOOM_DTYPE_F32: return om::DType::Float;
  case LOOM_DTYPE_F64: return om::DType::Double;
  case LOOM_DTYPE_F16: return om::DType::Float16;
  case LOOM_DTYPE_BF16: return om::DType::BFloat16;
  case LOOM_DTYPE_I32: return om::DType::Int32;
  case LOOM_DTYPE_I64: return om::DType::Int64;
  case LOOM_DTYPE_I1: return om::DType::Bool;
  case LOOM_DTYPE_I8: return om::DType::Int8;
  default: return om::DType::Undefined;
  }
}

/// Element i of an expected ONNX tensor. ONNX's test data stores bfloat16
/// values as uint16 bits.
double onnxElement(const om::Tensor &t, size_t i) {
  om::DType dtype = t.dtype == om::DType::UInt16 ? om::DType::BFloat16 : t.dtype;
  return om::elementAsDouble(dtype, t.data.data(), i);
}

std::string formatShape(const int64_t *shape, size_t rank) {
  if (rank == 0)
    return "scalar";
  std::string s;
  for (size_t i = 0; i < rank; ++i)
    s += (i ? "x" : "") + std::to_string(shape[i]);
  return s;
}

std::string statusText(loom_status_t status) {
  std::string s = loom_status_message(status);
  loom_status_free(status);
  return s;
}

/// Imports (binding dynamic input shapes, and shape-deciding inputs when
/// needed) and compiles the model; on success `bytes` holds the module and
/// `constInputs` the inputs bound at import time.
bool compileCase(const Case &c, const DataSet &set,
                 const om::Graph &graph, std::string &bytes,
                 std::vector<bool> &constInputs, std::string &error) {
  std::string model = c.dir + "/model.onnx";
  loom::OnnxImportOptions options;
  if (set.inputs.size() != graph.inputs.size()) {
    error = "the data set has " + std::to_string(set.inputs.size()) +
            " inputs, the model " + std::to_string(graph.inputs.size());
    return false;
  }
  for (size_t i = 0; i < graph.inputs.size(); ++i)
    if (!graph.inputs[i].type.isStaticTensor())
      options.inputShapes[graph.inputs[i].name] = set.inputs[i].shape;
  constInputs.assign(graph.inputs.size(), false);

  for (int attempt = 0; attempt < 2; ++attempt) {
    mlir::DialectRegistry registry;
    loom::registerCompilerDialects(registry);
    mlir::MLIRContext context(registry, mlir::MLIRContext::Threading::DISABLED);
    context.printOpOnDiagnostic(false);
    std::string diagnostics;
    llvm::raw_string_ostream os(diagnostics);
    llvm::SourceMgr sourceMgr;
    mlir::SourceMgrDiagnosticHandler handler(sourceMgr, &context, os);
    mlir::OwningOpRef<mlir::ModuleOp> module =
        loom::importOnnxFile(model, context, options);
    if (!module) {
      if (attempt == 0 &&
          (diagnostics.find("must be known at import time") !=
               std::string::npos ||
           diagnostics.find("Loom does not support empty tensors") !=
               std::string::npos)) {
        // Specialize on the data set's integer inputs and small inputs
        // (scalars such as a pad value or a range's bounds).
        for (size_t i = 0; i < graph.inputs.size(); ++i) {
          om::DType t = set.inputs[i].dtype;
          if (t == om::DType::Int64 || t == om::DType::Int32 ||
              t == om::DType::Bool || set.inputs[i].numElements() <= 16) {
            options.constantInputs[graph.inputs[i].name] = set.inputs[i];
            options.inputShapes.erase(graph.inputs[i].name);
            constInputs[i] = true;
          }
        }
        continue;
      }
      error = "import: " + diagnostics;
      return false;
    }
    loom::DriverOptions driverOptions;
    std::string info;
    llvm::raw_string_ostream infoStream(info);
    if (failed(loom::compileModule(*module, driverOptions, bytes,
                                   infoStream))) {
      error = "compile: " + diagnostics;
      return false;
    }
    return true;
  }
  error = "import: inputs bound at import time did not help";
  return false;
}

bool runDataSet(const loom_function_t *fn, const DataSet &set,
                const std::vector<bool> &constInputs, const Expectation &tol,
                int setIndex, std::string &error) {
  std::vector<loom_tensor_t *> inputs;
  auto releaseAll = [](std::vector<loom_tensor_t *> &ts) {
    for (loom_tensor_t *t : ts)
      if (t)
        loom_tensor_release(t);
    ts.clear();
  };
  std::string where = "data set " + std::to_string(setIndex) + ": ";
  for (size_t i = 0; i < set.inputs.size(); ++i) {
    if (constInputs[i])
      continue;
    const om::Tensor &t = set.inputs[i];
    loom_dtype_t dtype;
    loom_tensor_type_t declared;
    bool bf16Bits = false;
    if (loom_status_t s =
            loom_function_input_type(fn, inputs.size(), &declared))
      loom_status_free(s);
    else // ONNX's test data stores bfloat16 as uint16 bits.
      bf16Bits = declared.dtype == LOOM_DTYPE_BF16 &&
                 t.dtype == om::DType::UInt16;
    if (bf16Bits) {
      dtype = LOOM_DTYPE_BF16;
    } else if (!loomDType(t.dtype, dtype)) {
      error = where + "input " + std::to_string(i) + " has element type " +
              om::dtypeName(t.dtype);
      releaseAll(inputs);
      return false;
    }
    std::vector<char> data;
    if (t.dtype == om::DType::Double) {
      data.resize(t.numElements() * 4);
      for (int64_t k = 0; k < t.numElements(); ++k) {
        float f = static_cast<float>(onnxElement(t, k));
        std::memcpy(data.data() + 4 * k, &f, 4);
      }
    } else {
      data = t.data;
    }
    loom_tensor_t *tensor = nullptr;
    if (loom_status_t s = loom_tensor_create_copy(
            dtype, t.shape.size(), t.shape.data(), data.data(), data.size(),
            &tensor)) {
      error = where + "input " + std::to_string(i) + ": " + statusText(s);
      releaseAll(inputs);
      return false;
    }
    inputs.push_back(tensor);
  }
  size_t outCount = loom_function_output_count(fn);
  if (outCount != set.outputs.size()) {
    error = where + "the function has " + std::to_string(outCount) +
            " outputs, the data set " + std::to_string(set.outputs.size());
    releaseAll(inputs);
    return false;
  }
  std::vector<loom_tensor_t *> outputs(outCount, nullptr);
  if (loom_status_t s = loom_function_call(fn, inputs.data(), inputs.size(),
                                           outputs.data(), outCount)) {
    error = where + "call: " + statusText(s);
    releaseAll(inputs);
    return false;
  }
  releaseAll(inputs);
  bool ok = true;
  for (size_t o = 0; o < outCount && ok; ++o) {
    const om::Tensor &expected = set.outputs[o];
    loom_tensor_t *actual = outputs[o];
    size_t rank = loom_tensor_rank(actual);
    const int64_t *shape = loom_tensor_shape(actual);
    if (rank != expected.shape.size() ||
        !std::equal(shape, shape + rank, expected.shape.begin())) {
      error = where + "output " + std::to_string(o) + " has shape " +
              formatShape(shape, rank) + ", expected " +
              formatShape(expected.shape.data(), expected.shape.size());
      ok = false;
      break;
    }
    loom_dtype_t dtype = loom_tensor_dtype(actual);
    const char *data = static_cast<const char *>(loom_tensor_data(actual));
    bool exact = !(dtype == LOOM_DTYPE_F32 || dtype == LOOM_DTYPE_F16 ||
                   dtype == LOOM_DTYPE_BF16 || dtype == LOOM_DTYPE_F64);
    size_t mismatches = 0, first = 0;
    double worstA = 0, worstE = 0;
    for (size_t i = 0, n = loom_tensor_element_count(actual); i < n; ++i) {
      double a = om::elementAsDouble(onnxDType(dtype), data, i);
      double e = onnxElement(expected, i);
      bool good;
      if (exact)
        good = a == e;
      else if (std::isnan(e))
        good = std::isnan(a);
      else if (std::isinf(e))
        good = a == e;
      else
        good = std::fabs(a - e) <= tol.atol + tol.rtol * std::fabs(e);
      if (!good) {
        if (mismatches++ == 0) {
          first = i;
          worstA = a;
          worstE = e;
        }
      }
    }
    if (mismatches) {
      char buf[256];
      std::snprintf(buf, sizeof buf,
                    "output %zu: %zu of %zu elements differ (first at %zu: "
                    "got %.9g, expected %.9g)",
                    o, mismatches, loom_tensor_element_count(actual), first,
                    worstA, worstE);
      error = where + buf;
      ok = false;
    }
  }
  for (loom_tensor_t *t : outputs)
    loom_tensor_release(t);
  return ok;
}

bool runCase(const Case &c, const Expectation &tol, bool &bound,
             std::string &error) {
  std::vector<DataSet> sets;
  if (!loadDataSets(c, sets, error))
    return false;
  om::Graph graph;
  if (!om::loadOnnxModel(c.dir + "/model.onnx", {}, graph, error)) {
    error = "import: " + error;
    return false;
  }
  std::string bytes;
  std::vector<bool> constInputs;
  if (!compileCase(c, sets[0], graph, bytes, constInputs, error))
    return false;
  bound = std::find(constInputs.begin(), constInputs.end(), true) !=
          constInputs.end();

  loom_runtime_options_t rtOptions;
  loom_runtime_options_init(&rtOptions);
  rtOptions.thread_count = 1;
  loom_runtime_t *rt = nullptr;
  if (loom_status_t s = loom_runtime_create(&rtOptions, &rt)) {
    error = "runtime: " + statusText(s);
    return false;
  }
  loom_module_t *module = nullptr;
  if (loom_status_t s = loom_module_load_memory(
          rt, bytes.data(), bytes.size(), LOOM_MEMORY_COPY, &module)) {
    error = "load: " + statusText(s);
    loom_runtime_release(rt);
    return false;
  }
  loom_function_t *fn = nullptr;
  bool ok = true;
  if (loom_status_t s = loom_module_lookup_function(module, "main", &fn)) {
    error = "lookup: " + statusText(s);
    ok = false;
  }
  for (size_t i = 0; ok && i < sets.size(); ++i) {
    // Inputs bound at import time must hold the same values in every set.
    for (size_t k = 0; k < constInputs.size() && ok; ++k)
      if (constInputs[k] && (sets[i].inputs[k].data != sets[0].inputs[k].data ||
                             sets[i].inputs[k].shape != sets[0].inputs[k].shape))
        ok = false, error = "data set " + std::to_string(i) +
                            " changes an input bound at import time";
    if (ok)
      ok = runDataSet(fn, sets[i], constInputs, tol, i, error);
  }
  loom_module_release(module);
  loom_runtime_release(rt);
  return ok;
}

//===----------------------------------------------------------------------===//
// The pool of child processes
//===----------------------------------------------------------------------===//

struct Running {
  pid_t pid;
  int fd;
  size_t index;
  std::chrono::steady_clock::time_point start;
  std::string output;
};

struct Result {
  bool passed = false;
  bool bound = false; // inputs were bound to the data set at import time
  std::string message;
};

/// One line, at most `limit` characters, for the report.
std::string oneLine(std::string s, size_t limit = 600) {
  for (char &ch : s)
    if (ch == '\n')
      ch = ' ';
  s = trim(s);
  if (s.size() > limit)
    s = s.substr(0, limit) + "...";
  return s;
}

void runAll(const std::vector<Case> &cases,
            const std::map<std::string, Expectation> &expectations,
            const Options &options, std::vector<Result> &results) {
  results.assign(cases.size(), {});
  std::vector<Running> running;
  size_t next = 0, done = 0;
  auto expectationOf = [&](const Case &c) {
    auto it = expectations.find(c.id());
    return it == expectations.end() ? Expectation() : it->second;
  };
  while (done < cases.size()) {
    while (next < cases.size() &&
           static_cast<int>(running.size()) < options.jobs) {
      int fds[2];
      if (::pipe(fds) != 0) {
        std::perror("pipe");
        std::exit(2);
      }
      std::fflush(stdout);
      std::fflush(stderr);
      pid_t pid = ::fork();
      if (pid == 0) {
        ::close(fds[0]);
        std::string error;
        bool bound = false;
        bool ok = runCase(cases[next], expectationOf(cases[next]), bound, error);
        std::string msg = (ok ? (bound ? "PASSB" : "PASS ") : "FAIL ") + error;
        for (size_t off = 0; off < msg.size();) {
          ssize_t w = ::write(fds[1], msg.data() + off, msg.size() - off);
          if (w <= 0)
            break;
          off += w;
        }
        ::_exit(0);
      }
      ::close(fds[1]);
      running.push_back({pid, fds[0], next, std::chrono::steady_clock::now(),
                         ""});
      ++next;
    }
    std::vector<pollfd> polls;
    for (const Running &r : running)
      polls.push_back({r.fd, POLLIN, 0});
    ::poll(polls.data(), polls.size(), 200);
    for (size_t i = 0; i < running.size();) {
      Running &r = running[i];
      bool finished = false;
      if (polls[i].revents & (POLLIN | POLLHUP | POLLERR)) {
        char buf[4096];
        ssize_t n = ::read(r.fd, buf, sizeof buf);
        if (n > 0)
          r.output.append(buf, n);
        else
          finished = true;
      }
      auto elapsed = std::chrono::steady_clock::now() - r.start;
      bool timedOut = !finished && elapsed > std::chrono::seconds(options.timeout);
      if (timedOut)
        ::kill(r.pid, SIGKILL);
      if (!finished && !timedOut) {
        ++i;
        continue;
      }
      int status = 0;
      ::waitpid(r.pid, &status, 0);
      ::close(r.fd);
      Result &res = results[r.index];
      if (timedOut) {
        res.message = "timed out after " + std::to_string(options.timeout) +
                      " s";
      } else if (WIFSIGNALED(status)) {
        res.message = std::string("crashed (") + strsignal(WTERMSIG(status)) +
                      ")";
      } else if (r.output.rfind("PASS", 0) == 0) {
        res.passed = true;
        res.bound = r.output.rfind("PASSB", 0) == 0;
      } else {
        res.message = r.output.size() > 5 ? r.output.substr(5)
                                          : std::string("no result");
      }
      ++done;
      if (options.verbose)
        std::printf("%s: %s %s\n", res.passed ? "PASS" : "FAIL",
                    cases[r.index].id().c_str(),
                    oneLine(res.message).c_str());
      running.erase(running.begin() + i);
      polls.erase(polls.begin() + i);
    }
  }
}

bool parseArgs(int argc, char **argv, Options &o, std::string &error) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char *prefix) -> const char * {
      size_t n = std::strlen(prefix);
      return a.compare(0, n, prefix) == 0 ? argv[i] + n : nullptr;
    };
    if (const char *v = value("--data="))
      o.data = v;
    else if (const char *v = value("--expectations="))
      o.expectations = v;
    else if (const char *v = value("--filter="))
      o.filter = v;
    else if (const char *v = value("--jobs="))
      o.jobs = std::atoi(v);
    else if (const char *v = value("--timeout="))
      o.timeout = std::atoi(v);
    else if (a == "--verbose" || a == "-v")
      o.verbose = true;
    else if (const char *v = value("--suites=")) {
      o.suites.clear();
      std::stringstream ss(v);
      std::string s;
      while (std::getline(ss, s, ','))
        if (!s.empty())
          o.suites.push_back(s);
    } else {
      error = "unknown argument '" + a + "'";
      return false;
    }
  }
  if (o.data.empty()) {
    error = "--data=DIR is required (ONNX's backend test data, e.g. "
            "/usr/share/libonnx-testdata/data)";
    return false;
  }
  if (o.jobs <= 0)
    o.jobs = std::max(1u, std::thread::hardware_concurrency());
  return true;
}

} // namespace

int main(int argc, char **argv) {
  Options options;
  std::string error;
  if (!parseArgs(argc, argv, options, error)) {
    std::fprintf(stderr, "loom-onnx-conformance: error: %s\n", error.c_str());
    return 2;
  }
  std::map<std::string, Expectation> expectations;
  if (!options.expectations.empty() &&
      !readExpectations(options.expectations, expectations, error)) {
    std::fprintf(stderr, "loom-onnx-conformance: error: %s\n", error.c_str());
    return 2;
  }
  std::vector<Case> cases;
  for (const std::string &suite : options.suites) {
    std::string dir = options.data + "/" + suite;
    if (!isDirectory(dir)) {
      std::fprintf(stderr, "loom-onnx-conformance: error: no suite '%s'\n",
                   dir.c_str());
      return 2;
    }
    for (const std::string &name : listDirectory(dir)) {
      Case c{suite, name, dir + "/" + name};
      if (!isFile(c.dir + "/model.onnx"))
        continue;
      if (!options.filter.empty() && c.id().find(options.filter) == std::string::npos)
        continue;
      cases.push_back(c);
    }
  }
  // Initialize once in the parent; every child inherits it.
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();

  std::vector<Result> results;
  runAll(cases, expectations, options, results);

  std::map<std::string, int> passed, failed, xfailed, bound;
  std::vector<std::string> unexpected, newlyPassing;
  std::map<std::string, bool> seen;
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case &c = cases[i];
    seen[c.id()] = true;
    auto it = expectations.find(c.id());
    bool expectFail = it != expectations.end() && it->second.expectFailure;
    if (results[i].passed) {
      ++passed[c.suite];
      bound[c.suite] += results[i].bound;
      if (expectFail)
        newlyPassing.push_back(c.id() + " (listed: " + it->second.reason +
                               ")");
    } else if (expectFail) {
      ++xfailed[c.suite];
    } else {
      ++failed[c.suite];
      unexpected.push_back(c.id() + ": " + oneLine(results[i].message));
    }
  }
  for (const std::string &u : unexpected)
    std::printf("FAIL: %s\n", u.c_str());
  for (const std::string &p : newlyPassing)
    std::printf("NEWLY PASSING: %s\n", p.c_str());
  if (options.filter.empty())
    for (const auto &[id, e] : expectations) {
      std::string suite = id.substr(0, id.find('/'));
      if (!seen.count(id) &&
          std::find(options.suites.begin(), options.suites.end(), suite) !=
              options.suites.end())
        std::printf("STALE: %s is listed but is not a test case\n", id.c_str());
    }
  for (const std::string &suite : options.suites)
    if (bound[suite])
      std::printf("(%s: %d of the passing cases take shape-deciding inputs, "
                  "bound to the test data at import time)\n",
                  suite.c_str(), bound[suite]);
  for (const std::string &suite : options.suites)
    std::printf("%s: %d passed, %d failed, %d expected failures\n",
                suite.c_str(), passed[suite], failed[suite], xfailed[suite]);
  std::fflush(stdout);
  return unexpected.empty() ? 0 : 1;
}
