//===- CpuTarget.h - kernels to a CPU shared object -------------*- C++ -*-===//
#ifndef LOOM_TARGET_CPUTARGET_H
#define LOOM_TARGET_CPUTARGET_H

#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace loom {

struct CpuTargetOptions {
  std::string triple;    // empty: the host's
  std::string cpu;       // empty: the host CPU ("znver4", "skylake-avx512")
  std::string features;  // empty: the host CPU's features ("+avx2,-avx512f")
  int optLevel = 3;
};

/// What the CPU target produced for one kernel module.
struct CpuArtifacts {
  std::string triple, cpu;
  std::string features;      // enabled CPU features, "avx2,fma,..."
  std::string llvmIR;        // optimized LLVM IR (when requested)
  std::string object;        // ELF relocatable object
  std::string sharedObject;  // ELF shared object (when requested)
};

enum class CpuArtifactKind { LLVMIR, Object, SharedObject };

/// Translates `kernels` (already in the LLVM dialect) to LLVM IR, optimizes
/// it for the target, and produces the artifact asked for (and the ones it
/// depends on). On failure emits an error on `kernels` and returns failure.
mlir::LogicalResult buildCpuArtifacts(mlir::ModuleOp kernels,
                                      const CpuTargetOptions &options,
                                      CpuArtifactKind kind,
                                      CpuArtifacts &artifacts);

} // namespace loom

#endif // LOOM_TARGET_CPUTARGET_H
