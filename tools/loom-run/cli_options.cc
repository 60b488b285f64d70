#include "cli_options.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace loom::run {
namespace {

// Parses a whole decimal integer in [min, max].
bool parseInteger(const std::string &text, long long min, long long max,
                  long long *value) {
  if (text.empty())
    return false;
  errno = 0;
  char *end = nullptr;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (errno != 0 || *end != '\0' || v < min || v > max)
    return false;
  *value = v;
  return true;
}

// Parses a whole decimal integer in [0, 2^63).
bool parseUnsigned(const std::string &text, uint64_t *value) {
  long long v = 0;
  if (!parseInteger(text, 0, 0x7fffffffffffffffLL, &v))
    return false;
  *value = static_cast<uint64_t>(v);
  return true;
}

// Flags that take a value, as --flag=VALUE or --flag VALUE.
const char *const kValueFlags[] = {"--device",   "--function",
                                   "--threads",  "--input",
                                   "--output",   "--benchmark-format",
                                   "--max-call-memory", "--progress",
                                   "--slice-share"};

bool takesValue(const std::string &flag) {
  for (const char *f : kValueFlags)
    if (flag == f)
      return true;
  return false;
}

} // namespace

bool parseCommandLine(int argc, const char *const *argv, RunOptions *options,
                      std::string *error) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.size() < 2 || arg[0] != '-' || arg == "-") {
      if (!options->modulePath.empty()) {
        *error = "unexpected argument '" + arg + "': only one module or "
                 "model file may be given (inputs go in --input=...)";
        return false;
      }
      options->modulePath = arg;
      continue;
    }
    if (arg == "--help" || arg == "-h") {
      options->help = true;
      continue;
    }
    size_t eq = arg.find('=');
    std::string flag = arg.substr(0, eq);
    bool hasValue = eq != std::string::npos;
    std::string value = hasValue ? arg.substr(eq + 1) : "";
    if (takesValue(flag) && !hasValue) {
      if (i + 1 >= argc) {
        *error = "option '" + flag + "' needs a value (" + flag + "=VALUE)";
        return false;
      }
      value = argv[++i];
      hasValue = true;
    }
    long long number = 0;
    if (flag == "--device") {
      options->device = value;
    } else if (flag == "--function") {
      options->function = value;
    } else if (flag == "--threads") {
      if (!parseInteger(value, 0, 1024, &number)) {
        *error = "--threads='" + value + "': expected a whole number from 0 "
                 "(one per core) to 1024";
        return false;
      }
      options->threads = static_cast<int>(number);
    } else if (flag == "--max-call-memory") {
      if (!parseInteger(value, 0, INT64_MAX, &number)) {
        *error = "--max-call-memory='" + value + "': expected a number of "
                 "bytes (0 = unlimited)";
        return false;
      }
      options->maxCallMemory = static_cast<uint64_t>(number);
    } else if (flag == "--input") {
      options->inputs.push_back(value);
    } else if (flag == "--output") {
      options->outputs.push_back(value);
    } else if (flag == "--benchmark") {
      options->benchmark = true;
      if (hasValue && !parseInteger(value, 1, 100000000, &number)) {
        *error = "--benchmark='" + value + "': expected a number of timed "
                 "calls (at least 1)";
        return false;
      }
      if (hasValue)
        options->benchmarkIterations = static_cast<int>(number);
    } else if (flag == "--benchmark-format") {
      if (value == "text") {
        options->benchmarkFormat = BenchmarkFormat::Text;
      } else if (value == "json") {
        options->benchmarkFormat = BenchmarkFormat::Json;
      } else {
        *error = "--benchmark-format='" + value + "': expected text or json";
        return false;
      }
    } else if (flag == "--slice-share") {
      size_t slash = value.find('/');
      uint64_t index = 0, count = 0;
      if (slash == std::string::npos ||
          !parseUnsigned(value.substr(0, slash), &index) ||
          !parseUnsigned(value.substr(slash + 1), &count) || count < 1 ||
          index >= count) {
        *error = "--slice-share='" + value +
                 "': expected I/N with 0 <= I < N (share I of N)";
        return false;
      }
      options->shareIndex = index;
      options->shareCount = count;
    } else if (flag == "--progress") {
      if (value == "auto") {
        options->progress = ProgressMode::Auto;
      } else if (value == "always") {
        options->progress = ProgressMode::Always;
      } else if (value == "never") {
        options->progress = ProgressMode::Never;
      } else {
        *error = "--progress='" + value + "': expected auto, always or never";
        return false;
      }
    } else if (flag == "--print-signature" && !hasValue) {
      options->printSignature = true;
    } else {
      *error = "unknown option '" + arg + "' (see loom-run --help)";
      return false;
    }
  }
  if (options->modulePath.empty() && !options->help) {
    *error = "no module given: loom-run MODULE.loom [options] (see "
             "loom-run --help)";
    return false;
  }
  return true;
}

std::string helpText() {
  return R"(loom-run: run a function of a compiled Loom module.

usage: loom-run MODULE_OR_MODEL [options]

  MODULE_OR_MODEL        a module file (.loom, from loom-compile), or a model
                         file (.mlir) to compile in memory first (only in
                         builds with the compiler)

options:
  --device=NAME          device to run on: cpu (default), vulkan or vulkan:N
                         (the N-th Vulkan device), cuda or cuda:N (the N-th
                         GPU); the module must be compiled for it
  --function=NAME        function to call (default: the module's only
                         function, else "main")
  --threads=N            CPU threads per dispatch, the calling thread
                         included (default 0 = one per core)
  --max-call-memory=B    refuse modules whose functions need more than B
                         bytes of scratch + results per call (0 = no limit)
  --input=SPEC           one input, in signature order; repeat per input:
                           @x.npy                a .npy file
                           2x3xf32=1 2 3 4 5 6   inline values (spaces or
                                                 commas; [ ] are ignored)
                           8x784xf32=0.5         one value fills the tensor
                           f32=3.5               a scalar (rank 0)
                           2x3xf32               zeros
                         dtypes: f32 f16 bf16 f64 i8 i32 i64 i1 (or bool)
  --output=SPEC          where result i goes, in result order; repeat per
                         result:
                           @y.npy                write it as .npy
                           -                     print it (the default for
                                                 results without --output)
  --benchmark[=N]        time N calls (default 100) after warm-up calls
                         (N/10 of them, 1 to 10, and more until 100 ms
                         have passed) and print mean/median/min/max
                         latency; results are not printed (--output files
                         are still written)
  --benchmark-format=F   text (default) or json: one JSON object with
                         function, device, threads, iterations,
                         warmup_iterations, mean_ms, median_ms, min_ms,
                         max_ms, stddev_ms
  --progress=WHEN        auto (default: when stderr is a terminal), always
                         or never: a sliced contraction's progress on
                         stderr (slices done, estimated time left)
  --slice-share=I/N      contract only share I of N (0 <= I < N) of each
                         sliced contraction's slices and return that
                         partial sum: independent jobs whose results add up
                         to the whole, or the time of one share of a run
  --print-signature      print the module's function signatures and exit
  --help                 this text

Distributed runs: in builds with MPI, `mpirun -n N loom-run ...` splits the
slices of each sliced contraction (loom-compile --contraction-memory-limit)
across the N ranks; every rank loads the module and runs the call, rank 0
prints or writes the results. A rank that fails ends the job (MPI_Abort).

.npy files: little-endian, C order; dtypes <f4 <f2 <f8 <i4 <i8 |b1 |i1, and
<u2 holding raw bfloat16 bits (NumPy has no bfloat16). bf16 results are
written as <u2.

Every error is one line on stderr starting with "error:", exit status 1.
)";
}

} // namespace loom::run
