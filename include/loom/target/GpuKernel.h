//===- GpuKernel.h - GPU kernel attributes ----------------------*- C++ -*-===//
//
// What the GPU code generation (passes/codegen/gpu) records on each kernel
// for the schedule builder and the targets. The workgroup grid uses
// `loom.workgroup_count` (loom/passes/KernelModule.h) as on the CPU.
//
//===----------------------------------------------------------------------===//
#ifndef LOOM_TARGET_GPUKERNEL_H
#define LOOM_TARGET_GPUKERNEL_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Operation.h"

#include <array>
#include <cstdint>

namespace loom {

/// i64 array attribute [x, y, z] on a GPU kernel: invocations per workgroup.
constexpr llvm::StringLiteral kWorkgroupSizeAttrName = "loom.workgroup_size";
/// String attribute on a GPU kernel: the strategy it was generated with
/// (simt, shared-memory-contraction, tree-reduction, serial).
constexpr llvm::StringLiteral kGpuStrategyAttrName = "loom.gpu_strategy";

/// The workgroup size recorded on `kernel`, or [1, 1, 1] (CPU kernels).
inline std::array<int64_t, 3> getWorkgroupSize(mlir::Operation *kernel) {
  std::array<int64_t, 3> size = {1, 1, 1};
  if (auto attr =
          kernel->getAttrOfType<mlir::DenseI64ArrayAttr>(kWorkgroupSizeAttrName))
    for (size_t i = 0; i < 3 && i < attr.size(); ++i)
      size[i] = attr[i];
  return size;
}

} // namespace loom

#endif // LOOM_TARGET_GPUKERNEL_H
