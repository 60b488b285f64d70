//===- CpuTarget.cpp - kernels to a CPU shared object ---------------------===//
//
// LLVM dialect -> LLVM IR -> optimized for the described CPU -> ELF object
// -> shared object linked in-process with lld.
//
//===----------------------------------------------------------------------===//

#include "CpuTarget.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "lld/Common/Driver.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

#include <mutex>

LLD_HAS_DRIVER(elf)

using namespace mlir;

namespace loom {

namespace {

void optimize(llvm::Module &module, llvm::TargetMachine *tm, int optLevel) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PipelineTuningOptions tuning;
  tuning.LoopVectorization = optLevel >= 2;
  tuning.SLPVectorization = optLevel >= 2;
  llvm::PassBuilder pb(tm, tuning);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::OptimizationLevel level = optLevel <= 0   ? llvm::OptimizationLevel::O0
                                  : optLevel == 1 ? llvm::OptimizationLevel::O1
                                  : optLevel == 2 ? llvm::OptimizationLevel::O2
                                                  : llvm::OptimizationLevel::O3;
  llvm::ModulePassManager mpm =
      level == llvm::OptimizationLevel::O0
          ? pb.buildO0DefaultPipeline(level)
          : pb.buildPerModuleDefaultPipeline(level);
  mpm.run(module, mam);
}

/// Links `object` into a shared object with lld (in-process).
LogicalResult linkSharedObject(ModuleOp kernels, StringRef object,
                               std::string &sharedObject) {
  llvm::SmallString<128> dir;
  if (std::error_code ec =
          llvm::sys::fs::createUniqueDirectory("loom-link", dir))
    return kernels.emitError() << "cannot create a temporary directory: "
                               << ec.message();
  llvm::SmallString<128> objPath(dir), soPath(dir);
  llvm::sys::path::append(objPath, "kernels.o");
  llvm::sys::path::append(soPath, "kernels.so");
  auto cleanup = [&] {
    llvm::sys::fs::remove(objPath);
    llvm::sys::fs::remove(soPath);
    llvm::sys::fs::remove(dir);
  };
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(objPath, ec, llvm::sys::fs::OF_None);
    if (ec) {
      cleanup();
      return kernels.emitError() << "cannot write " << objPath << ": "
                                 << ec.message();
    }
    os << object;
  }
  std::string objArg = objPath.str().str(), soArg = soPath.str().str();
  const char *args[] = {"ld.lld",  "-shared", "--gc-sections", "-O2",
                        "-z",      "now",     "--hash-style=gnu",
                        "-o",      soArg.c_str(), objArg.c_str()};
  std::string linkerOutput;
  llvm::raw_string_ostream out(linkerOutput);
  lld::Result result;
  {
    // lld keeps global state: one link at a time per process.
    static std::mutex linkMutex;
    std::lock_guard<std::mutex> lock(linkMutex);
    result = lld::lldMain(args, out, out, {{lld::Gnu, &lld::elf::link}});
  }
  if (result.retCode != 0) {
    cleanup();
    return kernels.emitError() << "linking the kernel library failed: "
                               << linkerOutput;
  }
  auto buffer = llvm::MemoryBuffer::getFile(soPath);
  if (!buffer) {
    cleanup();
    return kernels.emitError() << "cannot read the linked kernel library";
  }
  sharedObject = (*buffer)->getBuffer().str();
  cleanup();
  return success();
}

} // namespace

bool CpuTargetDescription::isX86() const {
  return llvm::Triple(triple).isX86();
}

std::string defaultCpuName() {
  return llvm::Triple(llvm::sys::getDefaultTargetTriple()).getArch() ==
                 llvm::Triple::x86_64
             ? "x86-64-v3"
             : "generic";
}

static void initializeNativeTarget() {
  static std::once_flag initOnce;
  std::call_once(initOnce, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
}

/// Bytes with an optional K/M/G suffix (powers of 1024).
static bool parseBytes(llvm::StringRef text, int64_t &bytes) {
  int64_t scale = 1;
  if (text.consume_back("K") || text.consume_back("k"))
    scale = int64_t(1) << 10;
  else if (text.consume_back("M"))
    scale = int64_t(1) << 20;
  else if (text.consume_back("G"))
    scale = int64_t(1) << 30;
  return !text.getAsInteger(10, bytes) && bytes > 0 &&
         bytes <= (int64_t(1) << 40) / scale && (bytes *= scale, true);
}

bool resolveCpuTarget(llvm::StringRef cpu, llvm::StringRef features,
                      llvm::StringRef llcSize, llvm::StringRef threads,
                      int optLevel, CpuTargetDescription &out,
                      std::string &error) {
  initializeNativeTarget();
  out = CpuTargetDescription();
  out.triple = llvm::sys::getDefaultTargetTriple();
  out.optLevel = optLevel;
  out.lastLevelCacheBytes = kDefaultLastLevelCacheBytes;
  if (cpu == "host") {
    HostCpu host = queryHostCpu();
    out.cpu = host.name;
    out.features = features.empty() ? host.features : features.str();
    out.lastLevelCacheBytes = host.lastLevelCacheBytes;
    out.threads = host.threads;
  } else {
    out.cpu = cpu.empty() ? defaultCpuName() : cpu.str();
    out.features = features.str();
  }
  if (!llcSize.empty() && !parseBytes(llcSize, out.lastLevelCacheBytes)) {
    error = "--cpu-llc-size: '" + llcSize.str() +
            "' is not a size in bytes (e.g. 32M, 1048576)";
    return false;
  }
  if (!threads.empty() &&
      (threads.getAsInteger(10, out.threads) || out.threads < 1 ||
       out.threads > 4096)) {
    error = "--cpu-threads: '" + threads.str() +
            "' is not a thread count from 1 to 4096";
    return false;
  }
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(llvm::Triple(out.triple), error);
  if (!target) {
    error = "the CPU target '" + out.triple + "' is not available: " + error;
    return false;
  }
  std::unique_ptr<llvm::MCSubtargetInfo> info(target->createMCSubtargetInfo(
      llvm::Triple(out.triple), out.cpu, ""));
  if (!info || !info->isCPUStringValid(out.cpu)) {
    error = "--cpu: unknown CPU '" + out.cpu + "' for " + out.triple +
            " (e.g. x86-64-v3, znver4, skylake-avx512, or host)";
    return false;
  }
  llvm::SmallVector<llvm::StringRef> list;
  llvm::StringRef(out.features).split(list, ',', -1, false);
  for (llvm::StringRef f : list) {
    llvm::StringRef name = f.trim();
    if (!name.consume_front("+") && !name.consume_front("-")) {
      error = "--cpu-features: '" + f.trim().str() +
              "' must start with + or - (e.g. +avx512f,-avx512bw)";
      return false;
    }
    if (!llvm::is_contained(
            llvm::map_range(info->getAllProcessorFeatures(),
                            [](const llvm::SubtargetFeatureKV &kv) {
                              return llvm::StringRef(kv.Key);
                            }),
            name)) {
      error = "--cpu-features: unknown feature '" + name.str() + "' for " +
              out.triple;
      return false;
    }
  }
  // The vector registers of the CPU with the explicit features applied.
  std::unique_ptr<llvm::MCSubtargetInfo> withFeatures(
      target->createMCSubtargetInfo(llvm::Triple(out.triple), out.cpu,
                                    out.features));
  llvm::Triple triple(out.triple);
  if (triple.isX86() && withFeatures) {
    if (withFeatures->checkFeatures("+avx512f"))
      out.vectorBits = 512, out.vectorRegisters = 32;
    else if (withFeatures->checkFeatures("+avx"))
      out.vectorBits = 256, out.vectorRegisters = 16;
  } else if (triple.isAArch64()) {
    out.vectorRegisters = 32;
  }
  return true;
}

LogicalResult buildCpuArtifacts(ModuleOp kernels,
                                const CpuTargetDescription &options,
                                CpuArtifactKind kind, CpuArtifacts &artifacts) {
  initializeNativeTarget();

  DialectRegistry registry;
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  kernels.getContext()->appendDialectRegistry(registry);

  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> module =
      translateModuleToLLVMIR(kernels, llvmContext, "loom_kernels");
  if (!module)
    return kernels.emitError() << "translation of the kernels to LLVM IR failed";

  llvm::Triple triple(options.triple);
  std::string error;
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return kernels.emitError() << "unknown target triple '" << options.triple
                               << "': " << error;
  const std::string &cpu = options.cpu;
  const std::string &features = options.features;
  llvm::TargetOptions targetOptions;
  std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
      triple, cpu, features, targetOptions, llvm::Reloc::PIC_, std::nullopt,
      options.optLevel >= 3 ? llvm::CodeGenOptLevel::Aggressive
                            : llvm::CodeGenOptLevel::Default));
  if (!tm)
    return kernels.emitError() << "cannot create a target machine for "
                               << options.triple << " (cpu " << cpu << ")";
  module->setDataLayout(tm->createDataLayout());
  module->setTargetTriple(triple);
  for (llvm::Function &f : *module) {
    if (f.isDeclaration())
      continue;
    f.addFnAttr("target-cpu", cpu);
    if (!features.empty())
      f.addFnAttr("target-features", features);
  }
  optimize(*module, tm.get(), options.optLevel);
  artifacts.triple = options.triple;
  artifacts.cpu = cpu;
  // What the kernels may use: the CPU's own features with the explicit
  // ones applied (the runtime refuses a module using one its CPU lacks).
  {
    std::unique_ptr<llvm::MCSubtargetInfo> info(
        target->createMCSubtargetInfo(triple, cpu, features));
    std::vector<std::string> names;
    for (const llvm::SubtargetFeatureKV &kv : info->getAllProcessorFeatures())
      if (info->getFeatureBits().test(kv.Value))
        names.push_back(kv.Key);
    std::sort(names.begin(), names.end());
    artifacts.features = llvm::join(names, ",");
  }

  if (kind == CpuArtifactKind::LLVMIR) {
    llvm::raw_string_ostream os(artifacts.llvmIR);
    module->print(os, nullptr);
    return success();
  }

  llvm::SmallVector<char, 0> objectBuffer;
  {
    llvm::raw_svector_ostream os(objectBuffer);
    llvm::legacy::PassManager pm;
    if (tm->addPassesToEmitFile(pm, os, nullptr,
                                llvm::CodeGenFileType::ObjectFile))
      return kernels.emitError() << "the target cannot emit object files";
    pm.run(*module);
  }
  artifacts.object.assign(objectBuffer.begin(), objectBuffer.end());
  if (kind == CpuArtifactKind::Object)
    return success();
  return linkSharedObject(kernels, artifacts.object, artifacts.sharedObject);
}

} // namespace loom
