//===- CudaTarget.cpp - gpu.binary -> PTX ---------------------------------===//
#include "CudaTarget.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

using namespace mlir;

namespace loom {

unsigned CudaTargetOptions::sm() const {
  unsigned sm = 0;
  (void)StringRef(arch).drop_front(3).getAsInteger(10, sm);
  return sm;
}

std::string CudaTargetOptions::features() const {
  // PTX 8.0 (CUDA 12.0) knows every architecture up to sm_90; later ones
  // need the PTX version that introduced them.
  if (sm() >= 120)
    return "+ptx87";
  if (sm() >= 100)
    return "+ptx86";
  return "+ptx80";
}

GpuPipelineOptions CudaTargetOptions::limits() const {
  GpuPipelineOptions limits;
  limits.maxWorkgroupSize = 256;
  limits.maxSharedMemory = 48 * 1024;
  limits.subgroupSize = 32;
  limits.tensorCores = sm() >= 70;
  return limits;
}

bool parseCudaArch(StringRef text, CudaTargetOptions &options,
                   std::string &error) {
  StringRef digits = text;
  unsigned sm = 0;
  if (!digits.consume_front("sm_") || digits.getAsInteger(10, sm) ||
      sm < 50 || sm > 200) {
    error = "unknown CUDA architecture '" + text.str() +
            "' (expected sm_NN, e.g. sm_80 or sm_90, at least sm_50)";
    return false;
  }
  options.arch = text.str();
  return true;
}

LogicalResult buildCudaArtifacts(ModuleOp top, CudaArtifacts &artifacts) {
  artifacts = CudaArtifacts();
  SmallVector<gpu::GPUModuleOp> modules(top.getOps<gpu::GPUModuleOp>());
  if (modules.empty())
    return success(); // a model without kernels
  if (modules.size() != 1)
    return top.emitError() << "expected one gpu.module of kernels, found "
                           << modules.size();
  gpu::GPUModuleOp module = modules.front();
  ArrayAttr targets = module.getTargetsAttr();
  if (!targets || targets.size() != 1)
    return module.emitError("expected the kernels lowered for one NVVM target "
                            "(--loom-gpu-to-nvvm)");
  auto target = dyn_cast<gpu::TargetAttrInterface>(targets[0]);
  if (!target)
    return module.emitError("the kernel module's target cannot compile it");
  gpu::TargetOptions options(/*toolkitPath=*/{}, /*librariesToLink=*/{},
                             /*cmdOptions=*/{}, /*elfSection=*/{},
                             gpu::CompilationTarget::Assembly);
  std::optional<SmallVector<char, 0>> ptx =
      target.serializeToObject(module, options);
  if (!ptx)
    return module.emitError("LLVM's NVPTX backend could not compile the "
                            "kernels");
  artifacts.ptx.assign(ptx->begin(), ptx->end());
  // The serializer NUL-terminates the assembly.
  while (!artifacts.ptx.empty() && artifacts.ptx.back() == '\0')
    artifacts.ptx.pop_back();
  return success();
}

bool findPtxas(std::string &path, std::string &error) {
  if (const char *env = std::getenv("LOOM_PTXAS"); env && *env) {
    if (!llvm::sys::fs::can_execute(env)) {
      error = "LOOM_PTXAS='" + std::string(env) +
              "' is not an executable file";
      return false;
    }
    path = env;
    return true;
  }
  if (llvm::ErrorOr<std::string> found =
          llvm::sys::findProgramByName("ptxas")) {
    path = *found;
    return true;
  }
  const char *toolkit = "/usr/local/cuda/bin/ptxas";
  if (llvm::sys::fs::can_execute(toolkit)) {
    path = toolkit;
    return true;
  }
  error = "ptxas not found: a cubin needs the CUDA toolkit's PTX assembler "
          "(set LOOM_PTXAS, put ptxas on PATH, or install the toolkit in "
          "/usr/local/cuda)";
  return false;
}

namespace {

/// A temporary file removed when it goes out of scope.
struct TempFile {
  SmallString<128> path;
  ~TempFile() {
    if (!path.empty())
      llvm::sys::fs::remove(path);
  }
  bool create(StringRef suffix, std::string &error) {
    if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
            "loom-cuda", suffix, path)) {
      error = "cannot create a temporary file: " + ec.message();
      return false;
    }
    return true;
  }
};

} // namespace

bool assembleCubin(StringRef ptx, StringRef arch, std::string &cubin,
                   std::string &error) {
  std::string ptxas;
  if (!findPtxas(ptxas, error))
    return false;
  TempFile input, output, log;
  if (!input.create("ptx", error) || !output.create("cubin", error) ||
      !log.create("log", error))
    return false;
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(input.path, ec);
    if (!ec) {
      os << ptx;
      os.close();
      ec = os.error();
    }
    if (ec) {
      error = "cannot write '" + input.path.str().str() + "': " + ec.message();
      return false;
    }
  }
  std::string archFlag = "-arch=" + arch.str();
  SmallVector<StringRef> args = {ptxas, archFlag, input.path, "-o",
                                 output.path};
  std::optional<StringRef> redirects[3] = {std::nullopt, log.path.str(),
                                           log.path.str()};
  std::string execError;
  int rc = llvm::sys::ExecuteAndWait(ptxas, args, /*Env=*/std::nullopt,
                                     redirects, /*SecondsToWait=*/0,
                                     /*MemoryLimit=*/0, &execError);
  std::string command = ptxas + " " + archFlag;
  if (rc != 0) {
    std::string text;
    if (auto buffer = llvm::MemoryBuffer::getFile(log.path))
      text = StringRef((*buffer)->getBuffer()).trim().str();
    if (rc < 0)
      error = command + " could not run: " + execError;
    else
      error = command + " failed (exit code " + std::to_string(rc) + ")";
    if (!text.empty())
      error += ":\n" + text;
    return false;
  }
  auto buffer = llvm::MemoryBuffer::getFile(output.path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer || (*buffer)->getBufferSize() < 4 ||
      !(*buffer)->getBuffer().starts_with("\x7f" "ELF")) {
    error = command + " wrote no ELF cubin";
    return false;
  }
  cubin = (*buffer)->getBuffer().str();
  return true;
}

} // namespace loom
