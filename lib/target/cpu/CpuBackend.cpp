//===- CpuBackend.cpp - the CPU target backend ----------------------------===//
//
// Kernels vectorized and tiled into workgroups for the CPU runtime's thread
// pool, lowered to the LLVM dialect with the CPU kernel ABI, compiled by
// LLVM for the described CPU and linked into a shared object.
//
//===----------------------------------------------------------------------===//
#include "CpuTarget.h"
#include "HostEntry.h"

#include "loom/dialect/KernelContract.h"
#include "loom/module/ModuleWriter.h"
#include "loom/module/Schedule.h"
#include "loom/target/TargetBackend.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/ErrorHandling.h"

using namespace mlir;

namespace loom {

namespace {

class CpuBackend : public TargetBackend {
public:
  CpuBackend() {
    optionInfo = {
        {"cpu",
         "Target CPU: an LLVM CPU name (x86-64-v3, znver4, skylake-avx512, "
         "...) or host (the build machine's CPU, features and cache size)",
         defaultCpuName()},
        {"cpu-features",
         "CPU features added to or removed from the CPU's own, e.g. "
         "+avx512f,-avx512bw",
         ""},
        {"cpu-llc-size",
         "Last-level cache size in bytes (K/M/G suffixes): outputs at least "
         "this large are written with streaming stores on x86 (default: the "
         "host's with --cpu=host, else 32M)",
         ""},
        {"cpu-threads",
         "Threads the module will mostly run on: a scan (RNN, GRU, LSTM) is "
         "split into at most this many blocks of batch rows, each run by one "
         "thread (default: the host's CPUs with --cpu=host, else 4)",
         ""},
    };
  }

  StringRef name() const override { return "cpu"; }
  bool supportsF64() const override { return true; }
  bool supportsSliceLoops() const override { return true; }
  bool supportsDynamicShapes() const override { return true; }
  ArrayRef<TargetOptionInfo> options() const override { return optionInfo; }
  bool canEmit(Emission emit) const override {
    return emit == Emission::Module || emit == Emission::MLIR ||
           emit == Emission::LLVMIR || emit == Emission::Object;
  }

  bool configure(const TargetConfig &config, std::string &error) override {
    emit = config.emit;
    auto get = [&](const char *key) -> std::string {
      auto it = config.options.find(key);
      return it == config.options.end() ? std::string() : it->second;
    };
    return resolveCpuTarget(get("cpu"), get("cpu-features"),
                            get("cpu-llc-size"), get("cpu-threads"),
                            config.optLevel, target, error);
  }

  void buildKernelPipeline(OpPassManager &pm,
                           const PipelineOptions &frontend) const override {
    CpuCodegenOptions cpu;
    cpu.vectorBits = target.vectorBits;
    cpu.vectorRegisters = target.vectorRegisters;
    cpu.threads = target.threads;
    buildLoomCpuKernelPipeline(pm, frontend, cpu);
  }

  LogicalResult lowerKernels(ModuleOp module,
                             const ModuleSchedule &schedule) override {
    // A model without any computation still gets a (tiny) kernel library.
    getOrCreateKernelModule(module);
    PassManager pm(module.getContext());
    buildLoomCpuLoweringPipeline(pm, loweringOptions());
    if (failed(pm.run(module)))
      return failure();
    // A standalone object (and its IR) also carries each function's
    // schedule as code: `loom_<function>`. Module files leave that to the
    // runtime.
    if (emit != Emission::Module &&
        failed(addHostEntries(getKernelModule(module), schedule,
                              /*fenceStreamingStores=*/target.isX86())))
      return failure();
    return success();
  }

  LogicalResult serialize(ModuleOp module, const ModuleSchedule &schedule,
                          std::string &output) override {
    ModuleOp kernels = getKernelModule(module);
    if (emit == Emission::MLIR) {
      llvm::raw_string_ostream os(output);
      kernels.print(os);
      return success();
    }
    CpuArtifactKind kind = emit == Emission::LLVMIR   ? CpuArtifactKind::LLVMIR
                           : emit == Emission::Object ? CpuArtifactKind::Object
                                                      : CpuArtifactKind::SharedObject;
    CpuArtifacts artifacts;
    if (failed(buildCpuArtifacts(kernels, target, kind, artifacts)))
      return failure();
    if (emit == Emission::LLVMIR)
      output = std::move(artifacts.llvmIR);
    else if (emit == Emission::Object)
      output = std::move(artifacts.object);
    else
      output = writeModuleFile(schedule, {"elf-so", artifacts.sharedObject},
                               {"cpu", artifacts.triple, artifacts.cpu,
                                artifacts.features});
    return success();
  }

  void registerPipelines() const override;

  CpuLoweringOptions loweringOptions() const {
    CpuLoweringOptions options;
    // Streaming stores (and the fence the runtime issues for them) are
    // x86's.
    options.streamingOutputBytes =
        target.isX86() ? target.lastLevelCacheBytes : 0;
    return options;
  }

private:
  std::vector<TargetOptionInfo> optionInfo;
  CpuTargetDescription target;
  Emission emit = Emission::Module;
};

/// --loom-cpu-pipeline's options: the CPU target's, as loom-compile has them.
struct CpuPipelineOptions : public PassPipelineOptions<CpuPipelineOptions> {
  Option<std::string> cpu{*this, "cpu",
                          llvm::cl::desc("Target CPU (default: the CPU "
                                         "target's default, not the host)")};
  Option<std::string> cpuFeatures{*this, "cpu-features",
                                  llvm::cl::desc("CPU features, +a,-b")};
  Option<std::string> llcSize{*this, "cpu-llc-size",
                              llvm::cl::desc("Last-level cache bytes")};
  Option<std::string> threads{*this, "cpu-threads",
                              llvm::cl::desc("Threads the module runs on")};
};

void CpuBackend::registerPipelines() const {
  PassPipelineRegistration<CpuPipelineOptions>(
      "loom-cpu-pipeline",
      "From the loom dialect to kernels in the LLVM dialect with the CPU "
      "kernel ABI (host functions keep loom.launch ops), for `cpu` (default: "
      "the CPU target's default)",
      [](OpPassManager &pm, const CpuPipelineOptions &options) {
        CpuBackend backend;
        TargetConfig config;
        if (!options.cpu.empty())
          config.options["cpu"] = options.cpu;
        if (!options.cpuFeatures.empty())
          config.options["cpu-features"] = options.cpuFeatures;
        if (!options.llcSize.empty())
          config.options["cpu-llc-size"] = options.llcSize;
        if (!options.threads.empty())
          config.options["cpu-threads"] = options.threads;
        std::string error;
        if (!backend.configure(config, error))
          llvm::report_fatal_error(llvm::Twine("--loom-cpu-pipeline: ") +
                                   error);
        backend.buildKernelPipeline(pm, PipelineOptions());
        buildLoomCpuLoweringPipeline(pm, backend.loweringOptions());
      });
}

} // namespace

void registerCpuTargetBackend() {
  registerTargetBackend("cpu", [] { return std::make_unique<CpuBackend>(); });
}

} // namespace loom
