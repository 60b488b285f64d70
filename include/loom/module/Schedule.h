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

/// A size a dynamic function computes at each call from its symbols (the
/// dynamic dimensions of its inputs, FunctionSchedule::symbols): a postfix
/// program over int64 values. `Const c` and `Symbol i` push a value; every
/// other op pops b, then a, and pushes `a op b`. A valid program leaves
/// exactly one value. Division and modulo are on non-negative values (sizes);
/// the runtime reports overflow, division by zero and negative results.
struct SizeExpr {
  enum Op : int64_t {
    Const = 0,    // followed by the value
    Symbol = 1,   // followed by the symbol's index
    Add = 2,
    Sub = 3,
    Mul = 4,
    FloorDiv = 5,
    CeilDiv = 6,
    Mod = 7,
    Min = 8,
    Max = 9,
  };
  std::vector<int64_t> code;

  static SizeExpr constant(int64_t c) { return {{Const, c}}; }
  static SizeExpr symbol(int64_t i) { return {{Symbol, i}}; }
  bool operator==(const SizeExpr &o) const { return code == o.code; }
};

/// Index of a SizeExpr in FunctionSchedule::exprs; kStatic: no expression
/// (the static field next to it holds the value).
using ExprId = int32_t;
constexpr ExprId kStatic = -1;

struct BufferRef {
  StorageSpace space = StorageSpace::Arena;
  /// Input/output/constant number. Arena refs of a dynamic function: the
  /// arena buffer (FunctionSchedule::arenaBuffers), whose offset the runtime
  /// plans at each call; `offset` is then bytes from that buffer's start.
  uint32_t index = 0;
  uint64_t offset = 0;
  uint64_t size = 0;
  /// Dynamic functions: the size in bytes as an expression (`size` is then
  /// unused).
  ExprId sizeExpr = kStatic;
};

struct TensorSignature {
  DType dtype = DType::F32;
  /// -1 for a dynamic dimension.
  std::vector<int64_t> shape;
  std::string name; // the `loom.name` argument/result attribute, or ""
  /// Dynamic functions: one entry per dimension, kStatic for a static one,
  /// else the expression the dimension equals. An input's dynamic dimension
  /// that is a bare symbol defines it (the first such one) or must equal it.
  std::vector<ExprId> dimExprs;
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
  /// Dynamic functions: a grid size computed per call (kStatic: the static
  /// count above), and the kernel's 32-bit push constants, each computed per
  /// call (the dynamic dimensions of its bindings, in binding order).
  std::array<ExprId, 3> workgroupCountExprs = {kStatic, kStatic, kStatic};
  std::vector<ExprId> pushConstantExprs;
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

/// An intermediate of a dynamic function: the runtime plans its arena offset
/// at each call from its size and live range (in dispatch positions).
struct ArenaBuffer {
  ExprId sizeExpr = kStatic;
  unsigned first = 0, last = 0;
};

struct FunctionSchedule {
  std::string name;
  std::vector<TensorSignature> inputs, outputs;
  std::vector<Command> commands;
  /// Dynamic functions (symbols not empty): the names of the symbols (ONNX
  /// dim_params such as "batch"; "?0"-style names for unnamed ones), the
  /// expressions every ExprId indexes, and the arena buffers. arenaSize is
  /// then 0: the arena is planned per call.
  std::vector<std::string> symbols;
  std::vector<SizeExpr> exprs;
  std::vector<ArenaBuffer> arenaBuffers;
  bool isDynamic() const { return !symbols.empty(); }
  uint64_t arenaSize = 0;
  static constexpr uint32_t kArenaAlignment = 64;
  std::vector<PlannedBuffer> buffers;
  uint64_t bytesWithoutReuse = 0;  // sum of all intermediates
};

struct KernelInfo {
  std::string name;
  uint32_t bindingCount = 0;
  /// 32-bit push constants the kernel reads (dynamic dimensions).
  uint32_t pushConstantCount = 0;
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

/// `e` as text over `symbols` ("batch * 4096").
std::string formatSizeExpr(const SizeExpr &e,
                           llvm::ArrayRef<std::string> symbols);

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
