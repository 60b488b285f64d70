// Compiling a model file to a module in memory: the one entry point that the
// tools (loom-compile, and loom-run given a model instead of a module) share.
// Plain C++ interface: no LLVM or MLIR types leak out of it.
#ifndef LOOM_COMPILER_COMPILE_H
#define LOOM_COMPILER_COMPILE_H

#include <string>
#include <vector>

namespace loom {

struct CompileOptions {
  std::string target = "cpu";   // cpu | vulkan | cuda
  std::string cpu;              // --cpu= (empty: host CPU)
  std::string cpuFeatures;      // --cpu-features= (empty: host features)
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
  // GPU targets: the Vulkan target environment (include/loom/target/
  // VulkanTarget.h; empty: "vulkan1.1") and the CUDA architecture.
  std::string vulkanTargetEnv;
  std::string cudaArch = "sm_80";
  // --cuda-cubin: also assemble the PTX with ptxas into a cubin for
  // cudaArch, stored in the module next to the PTX.
  bool cudaCubin = false;
};

// Compiles the model at `path` (.mlir in the loom dialect; .onnx once the
// importer exists) into the bytes of a .loom module file. On failure returns
// false and sets `error` to a message meant for the user (diagnostics with
// file:line:col locations).
bool compileModelFile(const std::string &path, const CompileOptions &options,
                      std::string &moduleBytes, std::string &error);

} // namespace loom

#endif // LOOM_COMPILER_COMPILE_H
