//===- CpuTarget.cpp - kernels to a CPU shared object ---------------------===//
//
// LLVM dialect -> LLVM IR -> optimized for the target CPU (host by default)
// -> ELF object -> shared object linked in-process with lld.
//
//===----------------------------------------------------------------------===//

#include "loom/target/CpuTarget.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "lld/Common/Driver.h"
#include "llvm/ADT/StringExtras.h"
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

std::string hostFeatures() {
  std::string features;
  for (auto &f : llvm::sys::getHostCPUFeatures()) {
    if (!features.empty())
      features += ",";
    features += (f.second ? "+" : "-") + f.first().str();
  }
  return features;
}

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

LogicalResult buildCpuArtifacts(ModuleOp kernels,
                                const CpuTargetOptions &options,
                                CpuArtifactKind kind, CpuArtifacts &artifacts) {
  static std::once_flag initOnce;
  std::call_once(initOnce, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });

  DialectRegistry registry;
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  kernels.getContext()->appendDialectRegistry(registry);

  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> module =
      translateModuleToLLVMIR(kernels, llvmContext, "loom_kernels");
  if (!module)
    return kernels.emitError() << "translation of the kernels to LLVM IR failed";

  std::string tripleName =
      options.triple.empty() ? llvm::sys::getDefaultTargetTriple()
                             : options.triple;
  llvm::Triple triple(tripleName);
  std::string error;
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return kernels.emitError() << "unknown target triple '" << tripleName
                               << "': " << error;
  bool native = options.triple.empty() ||
                triple == llvm::Triple(llvm::sys::getDefaultTargetTriple());
  std::string cpu = !options.cpu.empty() ? options.cpu
                    : native             ? llvm::sys::getHostCPUName().str()
                                         : "generic";
  std::string features = !options.features.empty() ? options.features
                         : (native && options.cpu.empty()) ? hostFeatures()
                                                           : "";
  llvm::TargetOptions targetOptions;
  std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
      triple, cpu, features, targetOptions, llvm::Reloc::PIC_, std::nullopt,
      options.optLevel >= 3 ? llvm::CodeGenOptLevel::Aggressive
                            : llvm::CodeGenOptLevel::Default));
  if (!tm)
    return kernels.emitError() << "cannot create a target machine for "
                               << tripleName << " (cpu " << cpu << ")";
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
  artifacts.triple = tripleName;
  artifacts.cpu = cpu;
  // What the kernels may use: the CPU's own features plus explicit ones.
  {
    llvm::StringMap<bool> enabled;
    if (native && options.cpu.empty())
      enabled = llvm::sys::getHostCPUFeatures();
    llvm::SmallVector<llvm::StringRef> explicitFeatures;
    llvm::StringRef(options.features).split(explicitFeatures, ',', -1, false);
    for (llvm::StringRef f : explicitFeatures) {
      f = f.trim();
      if (f.consume_front("+"))
        enabled[f] = true;
      else if (f.consume_front("-"))
        enabled[f] = false;
    }
    std::vector<std::string> names;
    for (auto &f : enabled)
      if (f.second)
        names.push_back(f.first().str());
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
