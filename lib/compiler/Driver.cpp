//===- Driver.cpp - the compiler driver -----------------------------------===//
#include "loom/compiler/Driver.h"

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
#include "loom/target/HostEntry.h"

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
  sourceMgr->AddNewSourceBuffer(std::move(file), llvm::SMLoc());
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

} // namespace

LogicalResult compileModule(ModuleOp module, const DriverOptions &options,
                            std::string &output, llvm::raw_ostream &info) {
  const std::string &target = options.compile.target;
  if (target != "cpu")
    return emitError(UnknownLoc::get(module.getContext()))
           << "target '" << target
           << "' is not available in this build of loom-compile (built "
              "targets: cpu)";

  {
    PassManager pm(module.getContext());
    PipelineOptions pipeline;
    pipeline.contractionOptimizer = options.compile.contractionOptimizer;
    pipeline.contractionMemoryLimit = options.compile.contractionMemoryLimit;
    buildLoomCpuKernelPipeline(pm, pipeline);
    if (failed(pm.run(module)))
      return failure();
  }
  FailureOr<ModuleSchedule> schedule = buildSchedule(module);
  if (failed(schedule))
    return failure();
  if (options.printMemoryPlan)
    printMemoryPlan(*schedule, info);
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
    break;
  }
  output = writeModuleFile(*schedule, {"elf-so", artifacts.sharedObject},
                           {"cpu", artifacts.triple, artifacts.cpu,
                            artifacts.features});
  return success();
}

} // namespace loom
