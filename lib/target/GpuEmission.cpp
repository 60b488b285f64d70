//===- GpuEmission.cpp - what the GPU backends share ----------------------===//
#include "GpuEmission.h"

#include "loom/passes/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Pass/PassManager.h"

using namespace mlir;

namespace loom {

LogicalResult createGpuKernelsForInspection(ModuleOp module) {
  PassManager pm(module.getContext());
  pm.addPass(createLoomGpuCreateKernels());
  return pm.run(module);
}

std::string printGpuModules(ModuleOp module) {
  std::string text;
  llvm::raw_string_ostream os(text);
  for (auto m : module.getOps<gpu::GPUModuleOp>())
    m.print(os);
  return text;
}

} // namespace loom
