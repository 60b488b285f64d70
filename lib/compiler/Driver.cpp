//===- Driver.cpp - the compiler driver -----------------------------------===//
#include "loom/compiler/Driver.h"
#include "loom/compiler/SourceBuffer.h"

#include "loom/dialect/LoomDialect.h"
#ifdef LOOM_HAVE_ONNX_IMPORT
#include "loom/import/OnnxImporter.h"
#endif
#include "loom/module/ModuleWriter.h"
#include "loom/module/Schedule.h"
#include "loom/passes/KernelModule.h"
#include "loom/passes/Passes.h"
#include "loom/passes/Pipelines.h"
#include "loom/target/CpuTarget.h"
#include "loom/target/CudaTarget.h"
#include "loom/target/VulkanTarget.h"
#include "loom/target/HostEntry.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/Verifier.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

namespace loom {

void registerCompilerDialects(DialectRegistry &registry) {
  registry.insert<LoomDialect>();
  registerAllDialects(registry);
  registerAllExtensions(registry);
}

OwningOpRef<ModuleOp> parseModelFile(StringRef path, MLIRContext &context) {
  if (path.ends_with(".onnx")) {
#ifdef LOOM_HAVE_ONNX_IMPORT
    return importOnnxFile(path, context);
#else
    emitError(UnknownLoc::get(&context))
        << "'" << path << "': ONNX import is not available in this build";
    return nullptr;
#endif
  }
  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> file = openInputFile(path, &error);
  if (!file) {
    emitError(UnknownLoc::get(&context)) << "cannot open '" << path
                                         << "': " << error;
    return nullptr;
  }
  auto sourceMgr = std::make_shared<llvm::SourceMgr>();
  // (A copy with a guard token after the text: MLIR's parser can lex past
  // the end of a truncated resource entry; include/loom/compiler/SourceBuffer.h.)
  sourceMgr->AddNewSourceBuffer(
      guardedSourceBuffer(file->getBuffer(), file->getBufferIdentifier()),
      llvm::SMLoc());
  OwningOpRef<ModuleOp> module =
      parseSourceFile<ModuleOp>(sourceMgr, ParserConfig(&context));
  if (!module)
    return nullptr;
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

namespace {

LogicalResult runPipeline(ModuleOp module,
                          void (*build)(OpPassManager &)) {
  PassManager pm(module.getContext());
  build(pm);
  return pm.run(module);
}

/// Runs a target's kernel pipeline (`build`), then builds the schedule from
/// the kernels and host functions, printing the memory plan if asked.
FailureOr<ModuleSchedule> buildKernelsAndSchedule(
    ModuleOp module, const DriverOptions &options, llvm::raw_ostream &info,
    function_ref<void(OpPassManager &, const PipelineOptions &)> build) {
  PassManager pm(module.getContext());
  PipelineOptions pipeline;
  pipeline.contractionOptimizer = options.compile.contractionOptimizer;
  pipeline.contractionMemoryLimit = options.compile.contractionMemoryLimit;
  pipeline.ttRank = options.compile.ttRank;
  pipeline.ttTolerance = options.compile.ttTolerance;
  pipeline.ttCores = options.compile.ttCores;
  pipeline.ttOutModes = options.compile.ttOutModes;
  pipeline.ttInModes = options.compile.ttInModes;
  build(pm, pipeline);
  if (failed(pm.run(module)))
    return failure();
  FailureOr<ModuleSchedule> schedule = buildSchedule(module);
  if (succeeded(schedule) && options.printMemoryPlan)
    printMemoryPlan(*schedule, info);
  if (succeeded(schedule) && options.printDispatchStats)
    printDispatchStats(module, *schedule, info);
  return schedule;
}

} // namespace

bool checkGpuOptions(const DriverOptions &options, std::string &error) {
  const std::string &target = options.compile.target;
  bool gpu = target == "vulkan" || target == "cuda";
  if (gpu && (options.emit == Emission::LLVMIR ||
              options.emit == Emission::Object))
    error = "--emit=llvm-ir and --emit=obj are for --target=cpu";
  else if (!gpu && (options.emit == Emission::SPIRV ||
                    options.emit == Emission::PTX))
    error = "--emit=spirv and --emit=ptx are for --target=vulkan and "
            "--target=cuda";
  else if (options.emit == Emission::SPIRV && target != "vulkan")
    error = "--emit=spirv is for --target=vulkan";
  else if (options.emit == Emission::PTX && target != "cuda")
    error = "--emit=ptx is for --target=cuda";
  else if (options.emit == Emission::Cubin && target != "cuda")
    error = "--emit=cubin is for --target=cuda";
  else if (options.compile.cudaCubin && target != "cuda")
    error = "--cuda-cubin is for --target=cuda";
  if (!error.empty())
    return false;
  if (target == "vulkan") {
    VulkanTargetEnv env;
    if (!parseVulkanTargetEnv(options.compile.vulkanTargetEnv.empty()
                                  ? "vulkan1.1"
                                  : options.compile.vulkanTargetEnv,
                              env, error)) {
      error = "--vulkan-target-env: " + error;
      return false;
    }
  }
  if (target == "cuda") {
    CudaTargetOptions cuda;
    if (!parseCudaArch(options.compile.cudaArch, cuda, error)) {
      error = "--cuda-arch: " + error;
      return false;
    }
    // Before compiling: ptxas must be there.
    std::string ptxas;
    if ((options.compile.cudaCubin || options.emit == Emission::Cubin) &&
        !findPtxas(ptxas, error))
      return false;
  }
  return true;
}

/// --target=vulkan and --target=cuda: the GPU code generation, then SPIR-V
/// or PTX.
static LogicalResult compileGpuModule(ModuleOp module,
                                      const DriverOptions &options,
                                      std::string &output,
                                      llvm::raw_ostream &info) {
  MLIRContext *ctx = module.getContext();
  const std::string &target = options.compile.target;
  bool vulkan = target == "vulkan";
  auto fail = [&](const Twine &message) {
    return emitError(UnknownLoc::get(ctx)) << message;
  };
  std::string error;
  if (!checkGpuOptions(options, error))
    return fail(error);

  GpuPipelineOptions gpu;
  VulkanTargetEnv env;
  CudaTargetOptions cuda;
  if (vulkan) {
    parseVulkanTargetEnv(options.compile.vulkanTargetEnv.empty()
                             ? "vulkan1.1"
                             : options.compile.vulkanTargetEnv,
                         env, error);
    gpu.maxWorkgroupSize =
        std::min(env.maxWorkgroupInvocations, env.maxWorkgroupSize[0]);
    gpu.maxSharedMemory = env.maxSharedMemoryBytes;
    gpu.subgroupSize = env.subgroupSize;
  } else {
    parseCudaArch(options.compile.cudaArch, cuda, error);
    gpu.maxWorkgroupSize = 256;
    gpu.maxSharedMemory = 48 * 1024;
    gpu.subgroupSize = 32;
    // Warp-level f16 matrix multiply-accumulate (WMMA) exists from sm_70.
    unsigned sm = 0;
    (void)StringRef(cuda.arch).drop_front(3).getAsInteger(10, sm);
    gpu.tensorCores = sm >= 70;
  }
  FailureOr<ModuleSchedule> schedule = buildKernelsAndSchedule(
      module, options, info,
      [&](OpPassManager &pm, const PipelineOptions &pipeline) {
        buildLoomGpuKernelPipeline(pm, pipeline, gpu);
      });
  if (failed(schedule))
    return failure();
  PassManager lowering(ctx);
  if (options.emit == Emission::MLIR)
    lowering.addPass(createLoomGpuCreateKernels());
  else if (vulkan)
    buildLoomVulkanLoweringPipeline(lowering, env.str());
  else
    buildLoomCudaLoweringPipeline(lowering, cuda.arch, cuda.features());
  if (failed(lowering.run(module)))
    return failure();
  if (options.emit == Emission::MLIR) {
    llvm::raw_string_ostream os(output);
    for (auto m : module.getOps<gpu::GPUModuleOp>())
      m.print(os);
    return success();
  }
  if (vulkan) {
    VulkanArtifacts artifacts;
    if (failed(buildVulkanArtifacts(module, artifacts)))
      return failure();
    if (options.emit == Emission::SPIRV) {
      output = std::move(artifacts.spirv);
      return success();
    }
    output = writeModuleFile(*schedule, {"spirv", artifacts.spirv},
                             {"vulkan", "", artifacts.spirvVersion,
                              artifacts.capabilities});
    return success();
  }
  CudaArtifacts artifacts;
  if (failed(buildCudaArtifacts(module, artifacts)))
    return failure();
  if (options.emit == Emission::PTX) {
    output = std::move(artifacts.ptx);
    return success();
  }
  if (options.emit == Emission::Cubin && artifacts.ptx.empty())
    return fail("--emit=cubin: the model has no kernels to assemble");
  std::vector<KernelLibraryBlob> libraries = {{"ptx", artifacts.ptx, ""}};
  // --cuda-cubin: the same kernels assembled for the GPU; a module without
  // kernels has nothing to assemble.
  if ((options.compile.cudaCubin || options.emit == Emission::Cubin) &&
      !artifacts.ptx.empty()) {
    std::string cubin;
    if (!assembleCubin(artifacts.ptx, cuda.arch, cubin, error))
      return fail(error);
    if (options.emit == Emission::Cubin) {
      output = std::move(cubin);
      return success();
    }
    libraries.push_back({"cubin", std::move(cubin), cuda.arch});
  }
  output = writeModuleFile(*schedule, libraries,
                           {"cuda", "nvptx64-nvidia-cuda", cuda.arch, ""});
  return success();
}

LogicalResult compileModule(ModuleOp module, const DriverOptions &options,
                            std::string &output, llvm::raw_ostream &info) {
  const std::string &target = options.compile.target;
  if (target == "vulkan" || target == "cuda")
    return compileGpuModule(module, options, output, info);
  if (target != "cpu")
    return emitError(UnknownLoc::get(module.getContext()))
           << "unknown target '" << target
           << "' (expected cpu, vulkan or cuda)";
  std::string error;
  if (!checkGpuOptions(options, error))
    return emitError(UnknownLoc::get(module.getContext())) << error;

  FailureOr<ModuleSchedule> schedule = buildKernelsAndSchedule(
      module, options, info,
      [](OpPassManager &pm, const PipelineOptions &pipeline) {
        buildLoomCpuKernelPipeline(pm, pipeline);
      });
  if (failed(schedule))
    return failure();
  if (failed(runPipeline(module, buildLoomCpuLoweringPipeline)))
    return failure();

  ModuleOp kernels = getKernelModule(module);
  if (!kernels) {
    // A model without any computation still gets a (tiny) kernel library.
    kernels = getOrCreateKernelModule(module);
    if (failed(runPipeline(module, buildLoomCpuLoweringPipeline)))
      return failure();
  }
  // A standalone object (and its IR) also carries each function's schedule
  // as code: `loom_<function>`. Module files leave that to the runtime.
  if (options.emit != Emission::Module &&
      failed(addHostEntries(kernels, *schedule)))
    return failure();
  if (options.emit == Emission::MLIR) {
    llvm::raw_string_ostream os(output);
    kernels.print(os);
    return success();
  }
  CpuTargetOptions cpuOptions;
  cpuOptions.cpu = options.compile.cpu;
  cpuOptions.features = options.compile.cpuFeatures;
  cpuOptions.optLevel = options.compile.optLevel;
  CpuArtifacts artifacts;
  CpuArtifactKind kind = options.emit == Emission::LLVMIR
                             ? CpuArtifactKind::LLVMIR
                         : options.emit == Emission::Object
                             ? CpuArtifactKind::Object
                             : CpuArtifactKind::SharedObject;
  if (failed(buildCpuArtifacts(kernels, cpuOptions, kind, artifacts)))
    return failure();
  switch (options.emit) {
  case Emission::LLVMIR:
    output = std::move(artifacts.llvmIR);
    return success();
  case Emission::Object:
    output = std::move(artifacts.object);
    return success();
  case Emission::Module:
  case Emission::MLIR:
  case Emission::SPIRV:
  case Emission::PTX:
  case Emission::Cubin:
    break;
  }
  output = writeModuleFile(*schedule, {"elf-so", artifacts.sharedObject},
                           {"cpu", artifacts.triple, artifacts.cpu,
                            artifacts.features});
  return success();
}

} // namespace loom
