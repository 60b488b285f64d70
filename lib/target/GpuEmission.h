//===- GpuEmission.h - what the GPU backends share ------------*- C++ -*-===//
#ifndef LOOM_TARGET_GPUEMISSION_H
#define LOOM_TARGET_GPUEMISSION_H

#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace loom {

/// --emit=mlir of a GPU target: the kernels as gpu.func kernels of
/// `gpu.module @kernels`, before their lowering to SPIR-V or NVVM.
mlir::LogicalResult createGpuKernelsForInspection(mlir::ModuleOp module);

/// The text of every gpu.module of `module`.
std::string printGpuModules(mlir::ModuleOp module);

} // namespace loom

#endif // LOOM_TARGET_GPUEMISSION_H
