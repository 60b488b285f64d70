//===- loom-compile.cpp - model file -> module file -----------------------===//
//
//   loom-compile MODEL.mlir [--target=cpu|vulkan|cuda]
//                [--emit=module|mlir|llvm-ir|obj|spirv|ptx|cubin] [-o OUT]
//                [-O0..3] [--print-memory-plan] [--print-dispatch-stats]
//                [the target backends' own options: --cpu=NAME|host,
//                 --cpu-features=+a,-b, --cpu-llc-size=BYTES,
//                 --vulkan-target-env=ENV, --cuda-arch=sm_NN, --cuda-cubin]
//
// The backends declare their options (lib/target/*/): this tool turns each
// into a flag.
//
//===----------------------------------------------------------------------===//

#include "loom/compiler/Driver.h"
#include "loom/target/TargetBackend.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

#include <deque>
#include <memory>

using namespace llvm;

static cl::OptionCategory category("loom-compile options");

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.mlir>"),
                                      cl::Required, cl::cat(category));
static cl::opt<std::string>
    outputFile("o", cl::desc("Output file (default: MODEL.loom for modules, "
                             "MODEL.o for objects, stdout for text)"),
               cl::value_desc("file"), cl::cat(category));
static cl::opt<std::string>
    target("target",
           cl::desc("Target: cpu (LLVM), vulkan (SPIR-V), cuda (PTX)"),
           cl::init("cpu"), cl::cat(category));
static cl::opt<std::string>
    emit("emit",
         cl::desc("What to write: module (a .loom file for loom-run and the "
                  "runtime, default), mlir (the lowered MLIR), llvm-ir "
                  "(optimized LLVM IR of the kernels), obj (an ELF object of "
                  "the kernels), spirv (the SPIR-V binary of the kernels, "
                  "--target=vulkan), ptx (the PTX of the kernels, "
                  "--target=cuda), cubin (the PTX assembled by ptxas for "
                  "--cuda-arch)"),
         cl::init("module"), cl::cat(category));
static cl::opt<unsigned> optLevel("O", cl::desc("Optimization level 0-3"),
                                  cl::Prefix, cl::init(3), cl::cat(category));
static cl::opt<std::string> contractionOptimizer(
    "contraction-optimizer",
    cl::desc("Path finder for tensor networks (loom.contract): auto, "
             "optimal, greedy, random-greedy, partition"),
    cl::init("auto"), cl::cat(category));
static cl::opt<double> contractionMemoryLimit(
    "contraction-memory-limit",
    cl::desc("Largest tensor-network intermediate in elements; larger ones "
             "are sliced (0: no limit)"),
    cl::init(0), cl::cat(category));
static cl::list<std::string> inputShapes(
    "input-shape",
    cl::desc("ONNX models: the shape of a graph input, binding its dynamic "
             "dimensions: NAME:1x784 (NAME: for a scalar). Repeatable"),
    cl::value_desc("name:dims"), cl::cat(category));
static cl::opt<std::string> ttCompress(
    "loom-tt-compress",
    cl::desc("Compress dense layers with constant weights into tensor "
             "trains: rank=R (largest TT rank), tol=EPS (largest relative "
             "Frobenius error per weight), cores=D or modes=OUTxOUT..:INxIN.. "
             "(how O and I split; default: as evenly as possible); comma "
             "separated, e.g. rank=8 or tol=0.05,modes=4x8x8x4"),
    cl::value_desc("rank=R,tol=EPS"), cl::cat(category));
static cl::opt<bool> printDispatchStats(
    "print-dispatch-stats",
    cl::desc("Print each function's kernels, their grids, the bytes of "
             "intermediates and any op that runs as scalar loops (stderr)"),
    cl::cat(category));
static cl::opt<bool>
    printMemoryPlan("print-memory-plan",
                    cl::desc("Print each function's intermediate buffers and "
                             "peak arena bytes to stderr"),
                    cl::cat(category));

static int fail(const Twine &message) {
  WithColor::error(errs(), "loom-compile") << message << "\n";
  return 1;
}

/// Parses --loom-tt-compress's "rank=R,tol=EPS,cores=D" into `options`.
static bool parseTtCompress(StringRef text, loom::CompileOptions &options,
                            std::string &error) {
  SmallVector<StringRef> items;
  text.split(items, ',', -1, /*KeepEmpty=*/false);
  for (StringRef item : items) {
    auto [key, value] = item.trim().split('=');
    if (key == "rank" && !value.getAsInteger(10, options.ttRank) &&
        options.ttRank > 0)
      continue;
    if (key == "cores" && !value.getAsInteger(10, options.ttCores) &&
        options.ttCores >= 2)
      continue;
    if (key == "tol" && !value.getAsDouble(options.ttTolerance) &&
        options.ttTolerance > 0 && options.ttTolerance < 1)
      continue;
    if (key == "modes") {
      // OUTxOUT..:INxIN.. (or one list for both).
      auto parse = [](StringRef text, std::vector<int64_t> &modes) {
        SmallVector<StringRef> parts;
        text.split(parts, 'x');
        modes.clear();
        for (StringRef p : parts) {
          int64_t m;
          if (p.getAsInteger(10, m) || m < 1)
            return false;
          modes.push_back(m);
        }
        return modes.size() >= 2;
      };
      auto [outText, inText] = value.split(':');
      if (inText.empty())
        inText = outText;
      if (parse(outText, options.ttOutModes) &&
          parse(inText, options.ttInModes) &&
          options.ttOutModes.size() == options.ttInModes.size())
        continue;
    }
    error = "--loom-tt-compress: bad item '" + item.str() +
            "' (expected rank=R with R >= 1, tol=EPS with 0 < EPS < 1, "
            "cores=D with D >= 2, or modes=AxBx..[:CxDx..] with as many "
            "output as input modes)";
    return false;
  }
  if (options.ttRank <= 0 && options.ttTolerance <= 0) {
    error = "--loom-tt-compress needs rank=R and/or tol=EPS";
    return false;
  }
  return true;
}

/// One flag per option of a target backend, e.g. --cuda-arch=sm_90. The
/// cl::opt keeps references to the name and help: a TargetFlag never moves
/// (they live in a deque).
struct TargetFlag {
  std::string name, help;
  std::unique_ptr<cl::opt<std::string>> text;
  std::unique_ptr<cl::opt<bool>> flag;
};

static void declareTargetFlags(std::deque<TargetFlag> &flags) {
  for (const std::string &targetName : loom::targetBackendNames()) {
    std::unique_ptr<loom::TargetBackend> backend =
        loom::createTargetBackend(targetName);
    for (const loom::TargetOptionInfo &info : backend->options()) {
      if (llvm::any_of(flags, [&](const TargetFlag &f) {
            return f.name == info.name;
          }))
        continue;
      TargetFlag &f = flags.emplace_back();
      f.name = info.name;
      f.help = info.help + " (--target=" + targetName;
      if (!info.defaultValue.empty())
        f.help += "; default: " + info.defaultValue;
      f.help += ")";
      if (info.isFlag)
        f.flag = std::make_unique<cl::opt<bool>>(
            StringRef(f.name), cl::desc(f.help), cl::cat(category));
      else
        f.text = std::make_unique<cl::opt<std::string>>(
            StringRef(f.name), cl::desc(f.help), cl::cat(category));
    }
  }
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  loom::registerAllTargetBackends();
  std::deque<TargetFlag> targetFlags;
  declareTargetFlags(targetFlags);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv, "Loom model compiler\n");

  // The in-process linker resets every llvm::cl option when it runs: take
  // the values now.
  const std::string input = inputFile, output_ = outputFile;
  loom::DriverOptions options;
  options.compile.target = target;
  for (const TargetFlag &f : targetFlags) {
    if (f.text && f.text->getNumOccurrences())
      options.compile.targetOptions[f.name] = *f.text;
    if (f.flag && f.flag->getNumOccurrences())
      options.compile.targetOptions[f.name] = *f.flag ? "true" : "false";
  }
  if (optLevel > 3)
    return fail("unknown optimization level -O" + Twine(optLevel));
  options.compile.optLevel = optLevel;
  options.printMemoryPlan = printMemoryPlan;
  options.printDispatchStats = printDispatchStats;
  options.compile.contractionOptimizer = contractionOptimizer;
  options.compile.contractionMemoryLimit = contractionMemoryLimit;
  for (const std::string &shape : inputShapes) {
    std::string error;
    if (!loom::parseInputShape(shape, options.compile, error))
      return fail(error);
  }
  if (ttCompress.getNumOccurrences()) {
    std::string error;
    if (!parseTtCompress(ttCompress, options.compile, error))
      return fail(error);
  }
  std::string defaultExtension;
  if (emit == "module") {
    options.emit = loom::Emission::Module;
    defaultExtension = ".loom";
  } else if (emit == "mlir") {
    options.emit = loom::Emission::MLIR;
  } else if (emit == "llvm-ir") {
    options.emit = loom::Emission::LLVMIR;
  } else if (emit == "obj") {
    options.emit = loom::Emission::Object;
    defaultExtension = ".o";
  } else if (emit == "spirv") {
    options.emit = loom::Emission::SPIRV;
    defaultExtension = ".spv";
  } else if (emit == "ptx") {
    options.emit = loom::Emission::PTX;
    defaultExtension = ".ptx";
  } else if (emit == "cubin") {
    options.emit = loom::Emission::Cubin;
    defaultExtension = ".cubin";
  } else {
    return fail("unknown emission '" + emit +
                "' (expected module, mlir, llvm-ir, obj, spirv, ptx or "
                "cubin)");
  }
  // Target and options are checked before anything is compiled.
  std::string targetError;
  if (!loom::configureTarget(options, targetError))
    return fail(targetError);
  if (!sys::fs::exists(input))
    return fail("cannot open '" + input + "': no such file");

  mlir::DialectRegistry registry;
  loom::registerCompilerDialects(registry);
  mlir::MLIRContext context(registry);
  context.printOpOnDiagnostic(false);
  SourceMgr sourceMgr;
  mlir::SourceMgrDiagnosticHandler handler(sourceMgr, &context, errs());

  mlir::OwningOpRef<mlir::ModuleOp> module =
      loom::parseModelFile(input, context, options.compile.inputShapes);
  if (!module)
    return 1;
  std::string output;
  if (failed(loom::compileModule(*module, options, output, errs())))
    return 1;

  std::string path = output_;
  if (path.empty()) {
    if (defaultExtension.empty()) {
      path = "-";
    } else {
      SmallString<128> p(sys::path::filename(input));
      sys::path::replace_extension(p, defaultExtension);
      path = p.str().str();
    }
  }
  std::string error;
  auto out = mlir::openOutputFile(path, &error);
  if (!out)
    return fail(error);
  out->os() << output;
  out->keep();
  return 0;
}
