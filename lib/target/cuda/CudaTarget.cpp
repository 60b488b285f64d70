//===- CudaTarget.cpp - gpu.binary -> PTX ---------------------------------===//
#include "loom/target/CudaTarget.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"

using namespace mlir;

namespace loom {

std::string CudaTargetOptions::features() const {
  // PTX 8.0 (CUDA 12.0) knows every architecture up to sm_90; later ones
  // need the PTX version that introduced them.
  unsigned sm = 0;
  (void)StringRef(arch).drop_front(3).getAsInteger(10, sm);
  if (sm >= 120)
    return "+ptx87";
  if (sm >= 100)
    return "+ptx86";
  return "+ptx80";
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

} // namespace loom
