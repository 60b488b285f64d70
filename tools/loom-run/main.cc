// loom-run: runs a function of a compiled Loom module (see --help). With
// LOOM_RUN_HAS_COMPILER (builds with LOOM_BUILD_COMPILER=ON) it also takes
// model files and compiles them in memory first.
#include "run_tool.h"

#include <exception>

#ifdef LOOM_RUN_HAS_COMPILER
#include "loom/compiler/compile.h"

static bool compileModel(const std::string &path, const std::string &target,
                         std::string *moduleBytes, std::string *error) {
  loom::CompileOptions options;
  options.target = target;
  // Compiled to run here: tuned for this machine.
  if (target == "cpu")
    options.targetOptions["cpu"] = "host";
  return loom::compileModelFile(path, options, *moduleBytes, *error);
}
static constexpr loom::run::CompileModelFn kCompile = compileModel;
#else
static constexpr loom::run::CompileModelFn kCompile = nullptr;
#endif

int main(int argc, char **argv) {
  try {
    return loom::run::runLoomRun(argc, argv, kCompile, stdout, stderr);
  } catch (const std::exception &e) {
    std::fprintf(stderr, "error: internal error: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "error: internal error\n");
  }
  return 1;
}
