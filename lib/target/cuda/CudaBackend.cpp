//===- CudaBackend.cpp - the CUDA target backend --------------------------===//
//
// Kernels distributed onto workgroups (CUDA blocks) and invocations
// (threads), lowered to NVVM and compiled to PTX by LLVM; optionally
// assembled into a cubin by the toolkit's ptxas.
//
//===----------------------------------------------------------------------===//
#include "CudaTarget.h"

#include "../GpuEmission.h"

#include "loom/module/ModuleWriter.h"
#include "loom/module/Schedule.h"
#include "loom/target/TargetBackend.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVM/NVVM/Target.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"

using namespace mlir;

namespace loom {

namespace {

CudaLoweringOptions loweringOptions(const CudaTargetOptions &cuda,
                                    int optLevel) {
  CudaLoweringOptions lowering;
  lowering.chip = cuda.arch;
  lowering.features = cuda.features();
  lowering.optLevel = optLevel;
  return lowering;
}

class CudaBackend : public TargetBackend {
public:
  CudaBackend() {
    optionInfo = {
        {"cuda-arch",
         "CUDA architecture of the PTX: sm_70, sm_80, sm_90... (at least "
         "sm_50; tensor cores from sm_70)",
         CudaTargetOptions::kDefaultArch},
        {"cuda-cubin",
         "Also assemble the PTX with ptxas ($LOOM_PTXAS, else ptxas on PATH, "
         "else /usr/local/cuda/bin/ptxas) into a cubin for --cuda-arch, "
         "stored in the module beside the PTX",
         "", /*isFlag=*/true},
    };
  }

  StringRef name() const override { return "cuda"; }
  ArrayRef<TargetOptionInfo> options() const override { return optionInfo; }
  bool canEmit(Emission emit) const override {
    return emit == Emission::Module || emit == Emission::MLIR ||
           emit == Emission::PTX || emit == Emission::Cubin;
  }

  bool configure(const TargetConfig &config, std::string &error) override {
    emit = config.emit;
    optLevel = config.optLevel;
    auto arch = config.options.find("cuda-arch");
    if (arch != config.options.end() &&
        !parseCudaArch(arch->second, cuda, error)) {
      error = "--cuda-arch: " + error;
      return false;
    }
    auto flag = config.options.find("cuda-cubin");
    cubin = emit == Emission::Cubin ||
            (flag != config.options.end() && flag->second != "false");
    // Before compiling: a cubin needs ptxas.
    std::string ptxas;
    return !cubin || findPtxas(ptxas, error);
  }

  void buildKernelPipeline(OpPassManager &pm,
                           const PipelineOptions &frontend) const override {
    buildLoomGpuKernelPipeline(pm, frontend, cuda.limits());
  }

  LogicalResult lowerKernels(ModuleOp module,
                             const ModuleSchedule &) override {
    if (emit == Emission::MLIR)
      return createGpuKernelsForInspection(module);
    // The #nvvm.target the lowering attaches compiles the module to PTX
    // through LLVM IR.
    DialectRegistry registry;
    registerBuiltinDialectTranslation(registry);
    registerGPUDialectTranslation(registry);
    registerLLVMDialectTranslation(registry);
    registerNVVMDialectTranslation(registry);
    NVVM::registerNVVMTargetInterfaceExternalModels(registry);
    module.getContext()->appendDialectRegistry(registry);
    PassManager pm(module.getContext());
    buildLoomCudaLoweringPipeline(pm, loweringOptions(cuda, optLevel));
    return pm.run(module);
  }

  LogicalResult serialize(ModuleOp module, const ModuleSchedule &schedule,
                          std::string &output) override {
    if (emit == Emission::MLIR) {
      output = printGpuModules(module);
      return success();
    }
    CudaArtifacts artifacts;
    if (failed(buildCudaArtifacts(module, artifacts)))
      return failure();
    if (emit == Emission::PTX) {
      output = std::move(artifacts.ptx);
      return success();
    }
    if (emit == Emission::Cubin && artifacts.ptx.empty())
      return emitError(module.getLoc())
             << "--emit=cubin: the model has no kernels to assemble";
    std::vector<KernelLibraryBlob> libraries = {{"ptx", artifacts.ptx, ""}};
    // The same kernels assembled for the GPU; a module without kernels has
    // nothing to assemble.
    if (cubin && !artifacts.ptx.empty()) {
      std::string binary, error;
      if (!assembleCubin(artifacts.ptx, cuda.arch, binary, error))
        return emitError(module.getLoc()) << error;
      if (emit == Emission::Cubin) {
        output = std::move(binary);
        return success();
      }
      libraries.push_back({"cubin", std::move(binary), cuda.arch});
    }
    output = writeModuleFile(schedule, libraries,
                             {"cuda", "nvptx64-nvidia-cuda", cuda.arch, ""});
    return success();
  }

  void registerPipelines() const override;

private:
  std::vector<TargetOptionInfo> optionInfo;
  CudaTargetOptions cuda;
  bool cubin = false;
  int optLevel = 3;
  Emission emit = Emission::Module;
};

struct NvvmPipelineOptions : public PassPipelineOptions<NvvmPipelineOptions> {
  Option<std::string> chip{*this, "chip",
                           llvm::cl::desc("CUDA architecture, sm_NN"),
                           llvm::cl::init(CudaTargetOptions::kDefaultArch)};
  Option<unsigned> optLevel{*this, "opt-level",
                            llvm::cl::desc("LLVM optimization level"),
                            llvm::cl::init(3)};
};

void CudaBackend::registerPipelines() const {
  PassPipelineRegistration<>(
      "loom-cuda-pipeline",
      "From the loom dialect to NVVM kernels for the default CUDA "
      "architecture (host functions keep loom.launch ops)",
      [](OpPassManager &pm) {
        CudaTargetOptions cuda;
        buildLoomGpuKernelPipeline(pm, PipelineOptions(), cuda.limits());
        buildLoomCudaLoweringPipeline(pm, loweringOptions(cuda, 3));
      });
  PassPipelineRegistration<NvvmPipelineOptions>(
      "loom-gpu-to-nvvm",
      "GPU kernels (after --loom-gpu-map-forall) to NVVM with an "
      "#nvvm.target for `chip`",
      [](OpPassManager &pm, const NvvmPipelineOptions &options) {
        CudaTargetOptions cuda;
        cuda.arch = options.chip;
        buildLoomCudaLoweringPipeline(pm,
                                      loweringOptions(cuda, options.optLevel));
      });
}

} // namespace

void registerCudaTargetBackend() {
  registerTargetBackend("cuda", [] { return std::make_unique<CudaBackend>(); });
}

} // namespace loom
