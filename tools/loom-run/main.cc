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

#ifdef LOOM_RUN_HAS_MPI
// Under mpirun, the ranks of MPI_COMM_WORLD share the slice loops.
#include "loom/runtime_mpi.h"

#include <cstdlib>

static bool launchedByMpirun() {
  for (const char *var : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE"})
    if (std::getenv(var))
      return true;
  return false;
}

static bool attachMpi(loom_runtime_t *runtime, std::string *error) {
  loom_status_t status = loom_runtime_use_mpi(runtime, MPI_COMM_WORLD);
  if (!status)
    return true;
  *error = loom_status_message(status);
  loom_status_free(status);
  return false;
}
#endif

static int run(int argc, char **argv, loom::run::AttachRanksFn attach) {
  try {
    return loom::run::runLoomRun(argc, argv, kCompile, stdout, stderr, attach);
  } catch (const std::exception &e) {
    std::fprintf(stderr, "error: internal error: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "error: internal error\n");
  }
  return 1;
}

int main(int argc, char **argv) {
#ifdef LOOM_RUN_HAS_MPI
  if (launchedByMpirun()) {
    MPI_Init(&argc, &argv);
    int ranks = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    int status = run(argc, argv, attachMpi);
    std::fflush(stdout);
    std::fflush(stderr);
    // A failed rank ends the job: the others may wait for its slices.
    if (status != 0 && ranks > 1)
      MPI_Abort(MPI_COMM_WORLD, status);
    MPI_Finalize();
    return status;
  }
#endif
  return run(argc, argv, nullptr);
}
