#include "run_tool.h"

#include "benchmark.h"
#include "cli_options.h"
#include "input_parser.h"
#include "tensor_printer.h"

#include <chrono>
#include <string>
#include <vector>

#include <unistd.h>

namespace loom::run {
namespace {

std::string typeText(const loom_tensor_type_t &type) {
  char buffer[256];
  loom_tensor_type_format(type, buffer, sizeof(buffer));
  return buffer;
}

// Whether tensor type `got` fits signature type `want`, whose dynamic
// dimensions (-1) take any size: the runtime checks those against the
// symbols when it is called.
bool fitsType(const loom_tensor_type_t &want, const loom_tensor_type_t &got) {
  if (want.dtype != got.dtype || want.rank != got.rank)
    return false;
  for (size_t i = 0; i < want.rank; ++i)
    if (want.shape[i] >= 0 && want.shape[i] != got.shape[i])
      return false;
  return true;
}

class Runner {
public:
  Runner(const RunOptions &options, CompileModelFn compile, FILE *out,
         FILE *err, AttachRanksFn attach)
      : options_(options), compile_(compile), out_(out), err_(err),
        attach_(attach) {}

  int run() {
    if (!createRuntime() || !attachRanks() || !setSliceShare() ||
        !loadModule())
      return 1;
    setUpProgress();
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
    endProgressLine();
    if (ranks_ > 1)
      std::fprintf(err_, "error: rank %d of %d: %s\n", rank_, ranks_,
                   message.c_str());
    else
      std::fprintf(err_, "error: %s\n", message.c_str());
    return false;
  }

  bool setSliceShare() {
    if (options_.shareCount == 1)
      return true;
    if (ranks_ > 1)
      return fail("--slice-share cannot be combined with mpirun's ranks "
                  "(they share the slices already)");
    Status s(loom_runtime_set_slice_share(runtime_.get(), options_.shareIndex,
                                          options_.shareCount));
    return s.ok() || fail(s.message());
  }

  bool attachRanks() {
    if (!attach_)
      return true;
    std::string error;
    if (!attach_(runtime_.get(), &error))
      return fail(error);
    rank_ = loom_runtime_rank(runtime_.get());
    ranks_ = loom_runtime_rank_count(runtime_.get());
    return true;
  }

  // Slices done and the time left of a sliced contraction, on one line of
  // a terminal (or always, with --progress); rank 0 only.
  void setUpProgress() {
    bool show = options_.progress == ProgressMode::Always ||
                (options_.progress == ProgressMode::Auto &&
                 isatty(fileno(err_)));
    if (!show || rank_ != 0)
      return;
    loom_runtime_set_progress_callback(runtime_.get(), &Runner::onProgress,
                                       this, 500);
  }

  static void onProgress(void *user, uint64_t done, uint64_t total) {
    auto *self = static_cast<Runner *>(user);
    auto now = std::chrono::steady_clock::now();
    if (!self->progressStarted_ || done == 0) {
      self->progressStarted_ = true;
      self->progressStart_ = now;
    }
    double elapsed =
        std::chrono::duration<double>(now - self->progressStart_).count();
    double left = done ? elapsed * double(total - done) / double(done) : 0;
    std::string ranks =
        self->ranks_ > 1
            ? " (rank 0 of " + std::to_string(self->ranks_) + ")"
            : std::string();
    std::fprintf(self->err_, "\rslices %llu/%llu%s, %.0f%%, %.1f s left   ",
                 static_cast<unsigned long long>(done),
                 static_cast<unsigned long long>(total), ranks.c_str(),
                 total ? 100.0 * double(done) / double(total) : 100.0, left);
    if (done == total) {
      std::fputc('\n', self->err_);
      self->progressStarted_ = false;
    }
    std::fflush(self->err_);
  }

  void endProgressLine() {
    if (progressStarted_) {
      std::fputc('\n', err_);
      progressStarted_ = false;
    }
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
      if (!fitsType(want, got)) {
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
        &stats,
        // Under mpirun every rank must make the same calls (each call's
        // slice loops reduce across the ranks), so the warm-up is a count
        // alone: a warm-up that runs until a rank's own clock says enough
        // would give the ranks different numbers of calls, and the rank
        // with more would wait forever in a reduction.
        ranks_ > 1 ? 0.0 : kMinWarmupMs);
    if (!ok)
      return fail(error);
    if (rank_ != 0)
      return true;
    BenchmarkContext context{function_.name(), options_.device,
                             loom_runtime_thread_count(runtime_.get())};
    std::string text = options_.benchmarkFormat == BenchmarkFormat::Json
                           ? formatStatsJson(stats, context)
                           : formatStatsText(stats, context);
    std::fputs(text.c_str(), out_);
    return true;
  }

  bool emitResults(const std::vector<Tensor> &results) {
    if (rank_ != 0)
      return true;  // every rank has the results; rank 0 writes them
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
  AttachRanksFn attach_;
  int rank_ = 0, ranks_ = 1;
  bool progressStarted_ = false;
  std::chrono::steady_clock::time_point progressStart_;
  Runtime runtime_;
  Module module_;
  Function function_;
  std::vector<Tensor> inputs_;
};

} // namespace

int runLoomRun(int argc, const char *const *argv, CompileModelFn compile,
               FILE *out, FILE *err, AttachRanksFn attach) {
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
  return Runner(options, compile, out, err, attach).run();
}

} // namespace loom::run
