//===- Driver.cpp - the compiler driver -----------------------------------===//
//
// The same steps for every target: look the backend up and configure it,
// run its kernel pipeline, build the schedule, lower and serialize. Nothing
// here knows a target by name (lib/target/TargetBackend.h).
//
#include "loom/compiler/Driver.h"
#include "loom/compiler/SourceBuffer.h"

#include "loom/dialect/LoomDialect.h"
#ifdef LOOM_HAVE_ONNX_IMPORT
#include "loom/import/OnnxImporter.h"
#endif
#include "loom/module/Schedule.h"
#include "loom/target/TargetBackend.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/TypeUtilities.h"
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

OwningOpRef<ModuleOp> parseModelFile(
    StringRef path, MLIRContext &context,
    const std::map<std::string, std::vector<int64_t>> &inputShapes) {
  if (path.ends_with(".onnx")) {
#ifdef LOOM_HAVE_ONNX_IMPORT
    OnnxImportOptions options;
    options.inputShapes = inputShapes;
    return importOnnxFile(path, context, options);
#else
    emitError(UnknownLoc::get(&context))
        << "'" << path << "': ONNX import is not available in this build";
    return nullptr;
#endif
  }
  if (!inputShapes.empty()) {
    emitError(UnknownLoc::get(&context))
        << "--input-shape binds the inputs of an ONNX model; '" << path
        << "' is MLIR, whose function types give its shapes";
    return nullptr;
  }
  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> file = openInputFile(path, &error);
  if (!file) {
    emitError(UnknownLoc::get(&context)) << "cannot open '" << path
                                         << "': " << error;
    return nullptr;
  }
  return parseModelText(file->getBuffer(), file->getBufferIdentifier(),
                        context);
}

bool parseInputShape(const std::string &text, CompileOptions &options,
                     std::string &error) {
#ifdef LOOM_HAVE_ONNX_IMPORT
  return parseInputShapeOption(text, options.inputShapes, error);
#else
  error = "--input-shape: ONNX import is not available in this build";
  return false;
#endif
}

OwningOpRef<ModuleOp> parseModelText(StringRef text, StringRef bufferName,
                                     MLIRContext &context) {
  auto sourceMgr = std::make_shared<llvm::SourceMgr>();
  // (A copy with a guard token after the text: MLIR's parser can lex past
  // the end of a truncated resource entry; include/loom/compiler/SourceBuffer.h.)
  sourceMgr->AddNewSourceBuffer(guardedSourceBuffer(text, bufferName),
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

/// The backend that declares option `name`, or "".
std::string ownerOfOption(llvm::StringRef name) {
  for (const std::string &target : targetBackendNames())
    if (std::unique_ptr<TargetBackend> backend = createTargetBackend(target))
      for (const TargetOptionInfo &option : backend->options())
        if (option.name == name)
          return target;
  return "";
}

/// "--target=vulkan" (or "--target=cpu or --target=vulkan"): who writes
/// `emit`.
std::string writersOf(Emission emit) {
  std::string list;
  for (const std::string &target : targetBackendNames())
    if (std::unique_ptr<TargetBackend> backend = createTargetBackend(target);
        backend && backend->canEmit(emit))
      list += (list.empty() ? "" : " or ") + ("--target=" + target);
  return list;
}

} // namespace

std::unique_ptr<TargetBackend> configureTarget(const DriverOptions &options,
                                               std::string &error) {
  registerAllTargetBackends();
  const std::string &target = options.compile.target;
  std::unique_ptr<TargetBackend> backend = createTargetBackend(target);
  if (!backend) {
    error = "unknown target '" + target + "' (expected " +
            targetBackendList() + ")";
    return nullptr;
  }
  if (!backend->canEmit(options.emit)) {
    error = "--emit=" + emissionName(options.emit).str() + " is for " +
            writersOf(options.emit);
    return nullptr;
  }
  TargetConfig config;
  config.optLevel = options.compile.optLevel;
  config.emit = options.emit;
  for (const auto &[name, value] : options.compile.targetOptions) {
    bool own = llvm::any_of(backend->options(), [&](const TargetOptionInfo &o) {
      return o.name == name;
    });
    if (!own) {
      std::string owner = ownerOfOption(name);
      error = owner.empty() ? "unknown target option '" + name + "'"
                            : "--" + name + " is for --target=" + owner;
      return nullptr;
    }
    config.options[name] = value;
  }
  if (!backend->configure(config, error))
    return nullptr;
  return backend;
}

LogicalResult compileModule(ModuleOp module, const DriverOptions &options,
                            std::string &output, llvm::raw_ostream &info) {
  std::string error;
  std::unique_ptr<TargetBackend> backend = configureTarget(options, error);
  if (!backend)
    return emitError(UnknownLoc::get(module.getContext())) << error;

  // Every function is compiled into the module: there is nothing to link a
  // declaration against.
  for (auto fn : module.getOps<func::FuncOp>())
    if (fn.isExternal())
      return fn.emitError()
             << "function '" << fn.getSymName()
             << "' is declared without a body; Loom compiles whole models "
                "and cannot call external functions";

  if (!backend->supportsDynamicShapes()) {
    for (auto fn : module.getOps<func::FuncOp>()) {
      for (auto [i, t] : llvm::enumerate(fn.getArgumentTypes())) {
        auto tensor = dyn_cast<RankedTensorType>(t);
        if (!tensor || tensor.hasStaticShape())
          continue;
        auto name = fn.getArgAttrOfType<StringAttr>(i, kNameAttrName);
        std::string arg = name ? "'" + name.str() + "'"
                               : "#" + std::to_string(i);
        return emitError(fn.getArgument(i).getLoc())
               << "--target=" << backend->name()
               << " does not compile dynamic dimensions yet (--target=cpu "
                  "and --target=vulkan do): input "
               << arg << " of @" << fn.getSymName() << " is " << tensor
               << "; bind its sizes with --input-shape="
               << (name ? name.str() : std::string("NAME")) << ":DIMS";
      }
    }
  }

  if (!backend->supportsF64()) {
    // The first op that makes or takes an f64 tensor, by its location.
    Operation *f64Op = nullptr;
    module.walk([&](Operation *op) {
      auto isF64 = [](Type t) { return getElementTypeOrSelf(t).isF64(); };
      if (llvm::any_of(op->getOperandTypes(), isF64) ||
          llvm::any_of(op->getResultTypes(), isF64)) {
        f64Op = op;
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (f64Op)
      return f64Op->emitError()
             << "f64 tensors are supported by --target=cpu only, not by "
                "--target="
             << backend->name() << " (compute in f32, or compile for the CPU)";
  }

  PipelineOptions frontend;
  frontend.contractionOptimizer = options.compile.contractionOptimizer;
  frontend.contractionMemoryLimit = options.compile.contractionMemoryLimit;
  frontend.sliceLoops = backend->supportsSliceLoops();
  frontend.ttRank = options.compile.ttRank;
  frontend.ttTolerance = options.compile.ttTolerance;
  frontend.ttCores = options.compile.ttCores;
  frontend.ttOutModes = options.compile.ttOutModes;
  frontend.ttInModes = options.compile.ttInModes;
  PassManager pm(module.getContext());
  backend->buildKernelPipeline(pm, frontend);
  if (failed(pm.run(module)))
    return failure();

  // The host schedule, from the host functions and the kernel contract.
  FailureOr<ModuleSchedule> schedule = buildSchedule(module);
  if (failed(schedule))
    return failure();
  if (options.printMemoryPlan)
    printMemoryPlan(*schedule, info);
  if (options.printDispatchStats)
    printDispatchStats(module, *schedule, info);

  if (failed(backend->lowerKernels(module, *schedule)))
    return failure();
  return backend->serialize(module, *schedule, output);
}

} // namespace loom
