#include "run_tool.h"

#include "benchmark.h"
#include "cli_options.h"
#include "input_parser.h"
#include "tensor_printer.h"

#include <string>
#include <vector>

namespace loom::run {
namespace {

std::string typeText(const loom_tensor_type_t &type) {
  char buffer[256];
  loom_tensor_type_format(type, buffer, sizeof(buffer));
  return buffer;
}

bool sameType(const loom_tensor_type_t &a, const loom_tensor_type_t &b) {
  if (a.dtype != b.dtype || a.rank != b.rank)
    return false;
  for (size_t i = 0; i < a.rank; ++i)
    if (a.shape[i] != b.shape[i])
      return false;
  return true;
}

class Runner {
public:
  Runner(const RunOptions &options, CompileModelFn compile, FILE *out,
         FILE *err)
      : options_(options), compile_(compile), out_(out), err_(err) {}

  int run() {
    if (!createRuntime() || !loadModule())
      return 1;
    if (options_.printSignature)
      return printSignatures();
    if (!selectFunction() || !checkOutputSpecs() || !buildInputs())
      return 1;
    std::vector<Tensor> results;
    if (options_.benchmark ? !benchmark(&results) : !call(&results))
      return 1;
    return emitResults(results) ? 0 : 1;
  }

private:
  bool fail(const std::string &message) {
    std::fprintf(err_, "error: %s\n", message.c_str());
    return false;
  }

  bool createRuntime() {
    loom_runtime_options_t options;
    loom_runtime_options_init(&options);
    options.device = options_.device.c_str();
    options.thread_count = options_.threads;
    options.max_call_memory_bytes = options_.maxCallMemory;
    Status s = Runtime::create(&options, &runtime_);
    return s.ok() || fail(std::string("--device=") + options_.device + ": " +
                          s.message());
  }

  bool loadModule() {
    std::string error;
    return loadModuleOrModel(runtime_, options_.modulePath, compile_,
                             &module_, &error) ||
           fail(error);
  }

  int printSignatures() {
    for (size_t i = 0; i < module_.functionCount(); ++i) {
      Function fn;
      Status s = module_.function(i, &fn);
      if (!s.ok())
        return fail(s.message()), 1;
      if (options_.function.empty() || options_.function == fn.name()) {
        std::fprintf(out_, "%s\n", fn.signature());
        printNames("inputs", fn.inputCount(),
                   [&](size_t k) { return fn.inputName(k); });
        printNames("outputs", fn.outputCount(),
                   [&](size_t k) { return fn.outputName(k); });
      }
    }
    if (!options_.function.empty()) {
      Function fn;
      Status s = module_.lookup(options_.function.c_str(), &fn);
      if (!s.ok())
        return fail("--function=" + options_.function + ": " + s.message()),
               1;
    }
    return 0;
  }

  /// "  inputs: x, h0" when the module names them (ONNX models do).
  template <typename NameAt>
  void printNames(const char *what, size_t count, NameAt nameAt) {
    std::string line;
    bool any = false;
    for (size_t k = 0; k < count; ++k) {
      std::string name = nameAt(k);
      any |= !name.empty();
      line += (k ? ", " : "") + (name.empty() ? "?" : name);
    }
    if (any)
      std::fprintf(out_, "  %s: %s\n", what, line.c_str());
  }

  bool selectFunction() {
    std::string name = options_.function;
    if (name.empty()) {
      if (module_.functionCount() == 1)
        return module_.function(0, &function_).ok() ||
               fail("cannot read the module's function");
      name = "main";
    }
    Status s = module_.lookup(name.c_str(), &function_);
    if (!s.ok())
      return fail((options_.function.empty()
                       ? std::string("no --function given and ")
                       : "--function=" + name + ": ") +
                  s.message());
    return true;
  }

  std::string signature() const { return function_.signature(); }

  bool checkOutputSpecs() {
    size_t results = function_.outputCount();
    if (options_.outputs.size() > results)
      return fail(std::to_string(options_.outputs.size()) +
                  " --output flags but function '" + function_.name() +
                  "' returns " + std::to_string(results) + " result" +
                  (results == 1 ? "" : "s") + "; signature: " + signature());
    for (size_t i = 0; i < options_.outputs.size(); ++i) {
      const std::string &spec = options_.outputs[i];
      if (spec != "-" && (spec.size() < 2 || spec[0] != '@'))
        return fail("--output #" + std::to_string(i + 1) + " ('" + spec +
                    "'): expected @FILE.npy or -");
    }
    return true;
  }

  bool buildInputs() {
    size_t expected = function_.inputCount();
    if (options_.inputs.size() != expected)
      return fail("function '" + std::string(function_.name()) + "' takes " +
                  std::to_string(expected) + " input" +
                  (expected == 1 ? "" : "s") + " but " +
                  std::to_string(options_.inputs.size()) + " --input flag" +
                  (options_.inputs.size() == 1 ? " was" : "s were") +
                  " given; signature: " + signature());
    for (size_t i = 0; i < expected; ++i) {
      std::string where = "--input #" + std::to_string(i + 1) + " ('" +
                          options_.inputs[i] + "')";
      loom_tensor_t *raw = nullptr;
      std::string error;
      if (!parseInput(options_.inputs[i], &raw, &error))
        return fail(where + ": " + error);
      Tensor tensor(Tensor::adopt(raw));
      loom_tensor_type_t want;
      Status s = Status(loom_function_input_type(function_.get(), i, &want));
      if (!s.ok())
        return fail(s.message());
      loom_tensor_type_t got = loom_tensor_type(tensor.get());
      if (!sameType(want, got)) {
        std::string hint;
        if (got.dtype == LOOM_DTYPE_F64 && want.dtype == LOOM_DTYPE_F32)
          hint = " (NumPy's default float64; save it with "
                 ".astype(np.float32))";
        return fail(where + " is " + typeText(got) + hint + " but input " +
                    std::to_string(i) + " of '" + function_.name() +
                    "' expects " + typeText(want) +
                    "; signature: " + signature());
      }
      inputs_.push_back(std::move(tensor));
    }
    return true;
  }

  bool call(std::vector<Tensor> *results) {
    Status s = function_.call(inputs_, results);
    return s.ok() || fail(s.message());
  }

  bool benchmark(std::vector<Tensor> *results) {
    std::string error;
    BenchmarkStats stats;
    bool ok = runBenchmark(
        options_.benchmarkIterations,
        [&] {
          // Release the previous call's results first, as a caller that
          // consumes each result would: holding them through the next call
          // would double the memory a large model's calls touch.
          results->clear();
          Status s = function_.call(inputs_, results);
          if (!s.ok())
            error = s.message();
          return s.ok();
        },
        &stats);
    if (!ok)
      return fail(error);
    BenchmarkContext context{function_.name(), options_.device,
                             loom_runtime_thread_count(runtime_.get())};
    std::string text = options_.benchmarkFormat == BenchmarkFormat::Json
                           ? formatStatsJson(stats, context)
                           : formatStatsText(stats, context);
    std::fputs(text.c_str(), out_);
    return true;
  }

  bool emitResults(const std::vector<Tensor> &results) {
    for (size_t i = 0; i < results.size(); ++i) {
      std::string spec =
          i < options_.outputs.size() ? options_.outputs[i] : "-";
      if (spec != "-") {
        Status s = results[i].writeNpy(spec.c_str() + 1);
        if (!s.ok())
          return fail("--output #" + std::to_string(i + 1) + ": " +
                      s.message());
        continue;
      }
      if (options_.benchmark)
        continue;
      loom_tensor_type_t type = loom_tensor_type(results[i].get());
      std::fprintf(out_, "result[%zu]: %s\n%s\n", i, typeText(type).c_str(),
                   formatTensor(results[i].get()).c_str());
    }
    return true;
  }

  const RunOptions &options_;
  CompileModelFn compile_;
  FILE *out_, *err_;
  Runtime runtime_;
  Module module_;
  Function function_;
  std::vector<Tensor> inputs_;
};

} // namespace

int runLoomRun(int argc, const char *const *argv, CompileModelFn compile,
               FILE *out, FILE *err) {
  RunOptions options;
  std::string error;
  if (!parseCommandLine(argc, argv, &options, &error)) {
    std::fprintf(err, "error: %s\n", error.c_str());
    return 1;
  }
  if (options.help) {
    std::fputs(helpText().c_str(), out);
    return 0;
  }
  return Runner(options, compile, out, err).run();
}

} // namespace loom::run
