//===- CpuTarget.h - the CPU a module is compiled for -----------*- C++ -*-===//
//
// The CPU backend's target description and its last step: kernels in the
// LLVM dialect to LLVM IR, optimized for the described CPU, then an ELF
// object and a shared object linked in-process with lld.
//
//===----------------------------------------------------------------------===//
#ifndef LOOM_TARGET_CPU_CPUTARGET_H
#define LOOM_TARGET_CPU_CPUTARGET_H

#include "mlir/IR/BuiltinOps.h"

#include <cstdint>
#include <string>

namespace loom {

/// The last-level cache assumed for a named CPU: 32 MiB.
constexpr int64_t kDefaultLastLevelCacheBytes = int64_t(32) << 20;

/// The threads assumed for a named CPU.
constexpr int64_t kDefaultThreads = 4;

/// Every fact about the target CPU the compiler uses. Resolved once from
/// the options; nothing later reads the build machine.
struct CpuTargetDescription {
  std::string triple;    // LLVM's default triple (the toolchain's, fixed)
  std::string cpu;       // an LLVM CPU name
  std::string features;  // explicit +f,-g on top of the CPU's own
  int64_t lastLevelCacheBytes = 0;
  /// The threads the module is expected to run on: scan kernels split
  /// into at most this many blocks of batch rows.
  int64_t threads = kDefaultThreads;
  /// The CPU's vector registers (from its features): AVX-512 32 x 512
  /// bits, AVX 16 x 256, SSE 16 x 128, AArch64 32 x 128.
  int64_t vectorBits = 128, vectorRegisters = 16;
  int optLevel = 3;
  bool isX86() const;
};

/// The CPU a module is compiled for when --cpu is not given: x86-64-v3
/// (AVX2, FMA) on x86-64, generic elsewhere. A function of the toolchain,
/// not of the build machine.
std::string defaultCpuName();

/// What the build machine is: the one place that reads it (LLVM's host
/// detection, and sysfs for the cache). LOOM_HOST_CPU,
/// LOOM_HOST_CPU_FEATURES, LOOM_HOST_LLC_BYTES and LOOM_HOST_THREADS stand
/// in for each fact, for tests of --cpu=host.
struct HostCpu {
  std::string name, features;
  int64_t lastLevelCacheBytes = kDefaultLastLevelCacheBytes;
  int64_t threads = kDefaultThreads; // the CPUs this process may run on
};
HostCpu queryHostCpu();

/// Resolves --cpu (a name or `host`), --cpu-features, --cpu-llc-size
/// (bytes, with an optional K/M/G suffix; empty: the host's for `host`,
/// else kDefaultLastLevelCacheBytes) and --cpu-threads (empty: the host's
/// for `host`, else kDefaultThreads) into `out`. On failure returns false
/// and sets `error` to one line naming the option.
bool resolveCpuTarget(llvm::StringRef cpu, llvm::StringRef features,
                      llvm::StringRef llcSize, llvm::StringRef threads,
                      int optLevel,
                      CpuTargetDescription &out, std::string &error);

/// What the CPU target produced for one kernel module.
struct CpuArtifacts {
  std::string triple, cpu;
  std::string features;      // every feature the kernels may use, "avx2,fma,..."
  std::string llvmIR;        // optimized LLVM IR (when requested)
  std::string object;        // ELF relocatable object
  std::string sharedObject;  // ELF shared object (when requested)
};

enum class CpuArtifactKind { LLVMIR, Object, SharedObject };

/// Translates `kernels` (already in the LLVM dialect) to LLVM IR, optimizes
/// it for `target`, and produces the artifact asked for (and the ones it
/// depends on). On failure emits an error on `kernels` and returns failure.
mlir::LogicalResult buildCpuArtifacts(mlir::ModuleOp kernels,
                                      const CpuTargetDescription &target,
                                      CpuArtifactKind kind,
                                      CpuArtifacts &artifacts);

} // namespace loom

#endif // LOOM_TARGET_CPU_CPUTARGET_H
