//===- TargetBackend.h - what every code-generation target provides -*- C++ -*-===//
//
// A target backend (lib/target/<name>/) owns everything about one kind of
// device: its options and their defaults, its limits, the pass pipelines
// that turn the loom dialect into its kernels, and the serialization of
// those kernels into a module file. The driver (lib/compiler) looks a
// backend up by name and runs the same steps for every target:
//
//   configure(options)               options parsed and checked once
//   buildKernelPipeline(pm)          loom -> kernels with the kernel contract
//   (the schedule is built from the host functions and the contract)
//   lowerKernels(module)             kernels -> LLVM / SPIR-V / NVVM
//   serialize(module, schedule)      -> the emission asked for
//
// Adding a backend: a folder under lib/target/ with a class implementing
// this interface, and one line in lib/target/Registry.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef LOOM_TARGET_TARGETBACKEND_H
#define LOOM_TARGET_TARGETBACKEND_H

#include "loom/passes/Pipelines.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace loom {

struct ModuleSchedule;

/// What a compilation writes (loom-compile --emit=).
enum class Emission {
  Module,  // a .loom module file (default; every target)
  MLIR,    // the lowered MLIR (every target)
  LLVMIR,  // optimized LLVM IR of the kernels (cpu)
  Object,  // an ELF object of the kernels and host entries (cpu)
  SPIRV,   // the SPIR-V binary of the kernels (vulkan)
  PTX,     // the PTX of the kernels (cuda)
  Cubin,   // the PTX assembled by ptxas (cuda)
};

/// The --emit= spelling of `emit`.
llvm::StringRef emissionName(Emission emit);

/// One option of a backend: loom-compile's --NAME=VALUE (and a keyword of
/// CompileOptions::targetOptions for library users).
struct TargetOptionInfo {
  std::string name;          // "cpu", "cuda-arch"
  std::string help;          // one line, without the default
  std::string defaultValue;  // "" when there is none
  bool isFlag = false;       // a switch: present means "true"
};

/// The compile options every target shares.
struct TargetConfig {
  int optLevel = 3;
  /// name -> value, for options of this backend only (the driver rejects
  /// the others); absent names take their default.
  std::map<std::string, std::string> options;
  Emission emit = Emission::Module;
};

class TargetBackend {
public:
  virtual ~TargetBackend();

  /// The --target= name.
  virtual llvm::StringRef name() const = 0;
  /// The options it reads, with their defaults.
  virtual llvm::ArrayRef<TargetOptionInfo> options() const = 0;
  /// Whether it writes `emit` (Module and MLIR: every backend).
  virtual bool canEmit(Emission emit) const = 0;

  /// Whether its kernels compute in f64 (the driver refuses an f64 model,
  /// naming the first op, for a backend that does not).
  virtual bool supportsF64() const { return false; }

  /// Whether its runtime device runs `loom.slice_loop` (a sliced
  /// contraction as a loop over slices); otherwise the slices are unrolled
  /// at compile time (at most --loom-contract-order's max-slices).
  virtual bool supportsSliceLoops() const { return false; }

  /// Whether entry functions may take tensors with dynamic dimensions
  /// (sizes known only at run time). Targets that cannot are refused such
  /// a model up front, naming the input.
  virtual bool supportsDynamicShapes() const { return false; }

  /// Reads and checks the options. On failure returns false and sets
  /// `error` to one line naming the option.
  virtual bool configure(const TargetConfig &config, std::string &error) = 0;

  /// The loom dialect to outlined kernels carrying the kernel contract
  /// (loom/dialect/KernelContract.h), host functions launching them.
  virtual void buildKernelPipeline(mlir::OpPassManager &pm,
                                   const PipelineOptions &frontend) const = 0;

  /// The kernels after the schedule was built, to the target's own form.
  virtual mlir::LogicalResult lowerKernels(mlir::ModuleOp module,
                                           const ModuleSchedule &schedule) = 0;

  /// Writes the configured emission of the lowered module to `output`.
  virtual mlir::LogicalResult serialize(mlir::ModuleOp module,
                                        const ModuleSchedule &schedule,
                                        std::string &output) = 0;

  /// Registers the backend's pass pipelines (e.g. --loom-cpu-pipeline) with
  /// its default options, for loom-opt.
  virtual void registerPipelines() const {}
};

using TargetBackendFactory = std::function<std::unique_ptr<TargetBackend>()>;

/// Adds a backend to the registry (lib/target/Registry.cpp does it for the
/// built-in ones; a name registered twice keeps the first).
void registerTargetBackend(llvm::StringRef name, TargetBackendFactory factory);
/// Registers Loom's backends (cpu, vulkan, cuda). Idempotent.
void registerAllTargetBackends();
/// A new backend named `name`, or null.
std::unique_ptr<TargetBackend> createTargetBackend(llvm::StringRef name);
/// The registered names, in registration order.
std::vector<std::string> targetBackendNames();
/// "cpu, vulkan or cuda".
std::string targetBackendList();

} // namespace loom

#endif // LOOM_TARGET_TARGETBACKEND_H
