//===- Schedule.h - the host schedule of a compiled module ------*- C++ -*-===//
//
// The data the runtime interprets for each entry function: its signature,
// the commands it runs (kernel dispatches and copies) and where every buffer
// they touch lives (an input, an output, a constant or an offset in the
// per-call arena). Built from the host functions after
// --loom-outline-dispatches; the memory planner lets intermediates whose
// lifetimes do not overlap share arena bytes.
//
//===----------------------------------------------------------------------===//
#ifndef LOOM_MODULE_SCHEDULE_H
#define LOOM_MODULE_SCHEDULE_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace loom {

/// Element types of tensors crossing the module boundary (values match the
/// DType enum of runtime/schema/module.fbs).
enum class DType : uint8_t { F32 = 0, F16, BF16, I32, I64, I1, I8, F64 };

/// std::nullopt for element types a module signature cannot carry.
std::optional<DType> dtypeOf(mlir::Type elementType);
const char *dtypeName(DType dtype);

enum class StorageSpace : uint8_t { Input = 0, Output, Constant, Arena };

struct BufferRef {
  StorageSpace space = StorageSpace::Arena;
  uint32_t index = 0;
  uint64_t offset = 0;
  uint64_t size = 0;
};

struct TensorSignature {
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  std::string name; // the `loom.name` argument/result attribute, or ""
};

/// A loom.slice_loop: runs body function `body` (an index into
/// ModuleSchedule::bodies) once per slice. Slice coordinates c_k range over
/// `extents`; body input t is the block of `inputs[t]` at byte offset
/// sum_k c_k * inputStrides[t][k]; the partial result is added with
/// `accumulate` into the block of `accumulator` at sum_k c_k *
/// outputStrides[k]; accumulators of different workers are added with
/// `reduce`.
struct SliceLoop {
  uint32_t body = 0, accumulate = 0, reduce = 0;
  std::vector<uint64_t> extents;
  std::vector<BufferRef> inputs;
  std::vector<std::vector<uint64_t>> inputStrides; // bytes
  BufferRef accumulator;
  std::vector<uint64_t> outputStrides; // bytes
};

struct Command {
  enum class Kind { Dispatch, Copy, SliceLoop } kind = Kind::Dispatch;
  // Dispatch
  uint32_t kernel = 0;
  std::vector<BufferRef> bindings;
  std::array<uint32_t, 3> workgroupCount = {1, 1, 1};
  // Copy
  BufferRef src, dst;
  // SliceLoop
  SliceLoop loop;
};

/// One planned intermediate: its arena placement and live range, in
/// dispatch positions (for --print-memory-plan).
struct PlannedBuffer {
  std::string value;  // where it comes from, e.g. "dispatch 3 (model.mlir:12:8)"
  uint64_t size = 0, offset = 0;
  unsigned firstUse = 0, lastUse = 0;
};

struct FunctionSchedule {
  std::string name;
  std::vector<TensorSignature> inputs, outputs;
  std::vector<Command> commands;
  uint64_t arenaSize = 0;
  static constexpr uint32_t kArenaAlignment = 64;
  std::vector<PlannedBuffer> buffers;
  uint64_t bytesWithoutReuse = 0;  // sum of all intermediates
};

struct KernelInfo {
  std::string name;
  uint32_t bindingCount = 0;
  /// GPU targets: invocations per workgroup (#loom.kernel's workgroup_size); empty on
  /// the CPU.
  std::vector<uint32_t> workgroupSize;
};

struct ModuleSchedule {
  std::vector<KernelInfo> kernels;
  std::vector<std::vector<char>> constants;
  std::vector<FunctionSchedule> functions;
  /// Functions run by slice loops (not entry points): slice bodies and
  /// their accumulation functions.
  std::vector<FunctionSchedule> bodies;
};

/// Builds the schedule of every public host function of `top` (after
/// --loom-outline-dispatches and --loom-map-workgroups). Emits errors with
/// locations and fails on anything the runtime cannot run.
mlir::FailureOr<ModuleSchedule> buildSchedule(mlir::ModuleOp top);

/// Human-readable memory plan: per function, each intermediate buffer with
/// its size, offset and live range, and the peak arena size.
void printMemoryPlan(const ModuleSchedule &schedule, llvm::raw_ostream &os);

/// Per function: the number of kernels (dispatches), the bytes of
/// intermediates, and every kernel with its grid and the ops it runs as
/// scalar loops (no vector strategy). `top` is the module the schedule was
/// built from (its kernels carry the strategy's notes).
void printDispatchStats(mlir::ModuleOp top, const ModuleSchedule &schedule,
                        llvm::raw_ostream &os);

} // namespace loom

#endif // LOOM_MODULE_SCHEDULE_H
