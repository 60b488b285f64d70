// Compiling a model file to a module in memory: the one entry point that the
// tools (loom-compile, and loom-run given a model instead of a module) share.
// Plain C++ interface: no LLVM or MLIR types leak out of it.
#ifndef LOOM_COMPILER_COMPILE_H
#define LOOM_COMPILER_COMPILE_H

#include <map>
#include <string>
#include <vector>

namespace loom {

struct CompileOptions {
  std::string target = "cpu";   // a registered backend: cpu | vulkan | cuda
  // The target backend's own options, by their loom-compile names without
  // the dashes ("cpu" -> "host", "cuda-arch" -> "sm_90", a switch such as
  // "cuda-cubin" -> "true"); absent ones take the backend's default.
  // `loom-compile --help` lists them with their defaults.
  std::map<std::string, std::string> targetOptions;
  int optLevel = 3;
  // Tensor networks (loom.contract): path finder, and the largest
  // intermediate allowed in elements (0: no limit; larger ones are sliced).
  std::string contractionOptimizer = "auto";
  double contractionMemoryLimit = 0;
  // Dense layers with constant weights as tensor trains (--loom-tt-compress):
  // off unless a rank cap and/or a relative error tolerance is set.
  int64_t ttRank = 0;
  double ttTolerance = 0;
  int64_t ttCores = 0;
  std::vector<int64_t> ttOutModes, ttInModes; // explicit modes (optional)
  // ONNX models: shapes for graph inputs by name (dynamic dimensions bound,
  // e.g. a batch size); see parseInputShape.
  std::map<std::string, std::vector<int64_t>> inputShapes;
};

// Parses an --input-shape value ("NAME:2x3x4") into `options.inputShapes`.
// On failure (a malformed value, or a build without the ONNX importer)
// returns false and sets `error` to a one-line message.
bool parseInputShape(const std::string &text, CompileOptions &options,
                     std::string &error);

// Compiles the model at `path` (.mlir in the loom dialect, or .onnx where
// the ONNX importer is built) into the bytes of a .loom module file. On
// failure returns false and sets `error` to a message meant for the user
// (diagnostics with file:line:col locations).
bool compileModelFile(const std::string &path, const CompileOptions &options,
                      std::string &moduleBytes, std::string &error);

// Compiles model text in MLIR's syntax (the loom dialect); `bufferName`
// names it in the diagnostics' locations. As compileModelFile otherwise.
bool compileModelText(const std::string &text, const std::string &bufferName,
                      const CompileOptions &options, std::string &moduleBytes,
                      std::string &error);

} // namespace loom

#endif // LOOM_COMPILER_COMPILE_H
