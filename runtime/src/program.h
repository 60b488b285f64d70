// Program: the verified, device-independent form of a loaded module —
// kernels, constants, and each function's signature and command list with
// every index and bounds already checked. Devices execute it.
#ifndef LOOM_RUNTIME_SRC_PROGRAM_H
#define LOOM_RUNTIME_SRC_PROGRAM_H

#include "arena_cache.h"
#include "loom/runtime.h"

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace loom::rt {

// Matches the schema's Space enum.
enum class Space : uint8_t { Input = 0, Output = 1, Constant = 2, Arena = 3 };
constexpr int kSpaceCount = 4;

// A byte range of one storage (an input, an output, a constant, the arena).
struct BufferSlice {
  Space space = Space::Arena;
  uint32_t index = 0;
  uint64_t offset = 0;
  uint64_t size = 0;
};

struct TensorSignature {
  loom_dtype_t dtype = LOOM_DTYPE_F32;
  std::vector<int64_t> shape; // -1: a dynamic dimension
  size_t elementCount = 0;    // dynamic shapes: 0 (known per call)
  size_t byteSize = 0;
  std::string text; // "tensor<2x3xf32>", "tensor<?x3xf32>"
  std::string name; // "" when the module records none
  // Dynamic functions: per dimension, -1 (static) or the index of the
  // expression it equals (DynamicFunction::exprs); empty when all static.
  std::vector<int32_t> dimExprs;
  // Per dimension: the symbol name or expression text of a dynamic one, ""
  // for a static one (loom_function_input_dim_name).
  std::vector<std::string> dimNames;
};

struct DispatchCommand {
  uint32_t kernel = 0;
  std::vector<BufferSlice> bindings;
  std::vector<uint32_t> pushConstants;
  uint32_t workgroupCount[3] = {1, 1, 1};
  uint32_t workgroupTotal = 1; // product of workgroupCount
};

struct CopyCommand {
  BufferSlice src, dst;
};

struct FillCommand {
  BufferSlice dst;
  uint32_t pattern = 0;
};

// A buffer of a slice loop: for slice coordinates c_k, its block starts
// sum_k c_k * strides[k] bytes into `buffer`.
struct SlicedBuffer {
  BufferSlice buffer;
  std::vector<uint64_t> strides;
  uint64_t blockSize = 0;
};

// A sliced contraction (see the schema's SliceLoop). The functions are
// Program::bodies; every index and bound is checked when the module loads.
struct SliceLoopCommand {
  const loom_function_s *body = nullptr;
  const loom_function_s *accumulate = nullptr;
  const loom_function_s *reduce = nullptr;
  std::vector<uint64_t> extents;
  uint64_t sliceCount = 1;
  std::vector<SlicedBuffer> inputs;
  SlicedBuffer accumulator;
  // Scratch bytes of one worker beyond the planned arena: the body's
  // arena (or the accumulation's, the larger) and its partial result.
  uint64_t workerBytes = 0;
};

using Command =
    std::variant<DispatchCommand, CopyCommand, FillCommand, SliceLoopCommand>;

struct KernelInfo {
  std::string name;
  uint32_t bindingCount = 0;
  uint32_t pushConstantCount = 0;
  uint32_t workgroupSize[3] = {1, 1, 1}; // GPU targets: invocations
};

struct ConstantView {
  const unsigned char *data = nullptr; // inside the module's bytes
  size_t size = 0;
};

struct KernelLibraryView {
  std::string format;                  // "elf-so" for the CPU
  const unsigned char *data = nullptr; // inside the module's bytes
  size_t size = 0;
  uint64_t checksum = 0;               // FNV-1a 64 of data; 0: not recorded
  std::string arch;                    // cubin: "sm_80" ("": target_cpu)
};

// --- Dynamic functions -------------------------------------------------------
// A dynamic function's commands as the module states them: sizes are
// expression indices (-1: the static size), arena slices name an arena
// buffer (BufferSlice::index) and an offset from its start. Instantiating
// the function for its symbols' values (instance.cc) turns them into the
// commands above.

struct DynamicSlice {
  BufferSlice slice;
  int32_t sizeExpr = -1;
};

struct DynamicDispatch {
  uint32_t kernel = 0;
  std::vector<DynamicSlice> bindings;
  std::vector<uint32_t> pushConstants;    // static ones (no expressions)
  std::vector<int32_t> pushConstantExprs; // or one expression each
  uint32_t workgroupCount[3] = {1, 1, 1};
  int32_t workgroupCountExprs[3] = {-1, -1, -1};
};

struct DynamicCopy {
  DynamicSlice src, dst; // the same size (expression)
};

using DynamicCommand = std::variant<DynamicDispatch, DynamicCopy>;

struct ArenaBufferInfo {
  int32_t sizeExpr = 0;
  uint32_t first = 0, last = 0; // live range in dispatch positions
};

// Where a symbol's value comes from at each call: the first input
// dimension that is the bare symbol.
struct SymbolSource {
  uint32_t input = 0, dim = 0;
};

class InstanceCache;

struct DynamicFunction {
  std::vector<std::string> symbols;
  std::vector<std::vector<int64_t>> exprs; // verified programs
  std::vector<std::string> exprTexts;      // infix, for messages
  std::vector<ArenaBufferInfo> arenaBuffers;
  std::vector<DynamicCommand> commands;
  std::vector<SymbolSource> symbolSources; // one per symbol
  std::unique_ptr<InstanceCache> instances;

  DynamicFunction();
  ~DynamicFunction();
};

} // namespace loom::rt

// A function of a loaded module (the C API's loom_function_t).
struct loom_function_s {
  const struct loom_module_s *module = nullptr;
  std::string name;
  std::vector<loom::rt::TensorSignature> inputs;
  std::vector<loom::rt::TensorSignature> outputs;
  uint64_t arenaSize = 0;
  uint32_t arenaAlignment = 64; // a power of two, at least 64
  std::vector<loom::rt::Command> commands;
  std::string signature; // "main(tensor<4xf32>) -> (tensor<4xf32>)"
  uint64_t callMemoryBytes = 0; // arena + outputs: what one call allocates
  // The most a call adds per worker (thread or rank) running slices of its
  // slice loops (0: it has none); one worker's share is always needed.
  uint64_t sliceWorkerBytes = 0;
  mutable loom::rt::ArenaCache arenas; // scratch arenas reused across calls
  // The scratch of its slice loops' workers, reused across calls (it is
  // often gigabytes: paging it in again each call would cost seconds).
  mutable loom::rt::ArenaCache sliceScratch;
  // A dynamic function (its signature has -1 dimensions; `commands` is empty
  // and arenaSize 0): what each call instantiates for its sizes. Null for a
  // static function.
  std::unique_ptr<loom::rt::DynamicFunction> dynamic;
  // An instance of a dynamic function for one tuple of sizes (instance.h):
  // a number no other instance of the process has (an evicted instance's
  // address may be reused, its serial never is); 0 for a module's own
  // functions. Devices that keep state per function key it by both.
  uint64_t instanceSerial = 0;
};

namespace loom::rt {

struct Program {
  uint32_t formatVersion = 0;
  std::string target, targetTriple, targetCpu, targetFeatures, producer;
  std::vector<KernelInfo> kernels;
  std::vector<KernelLibraryView> libraries;
  std::vector<ConstantView> constants;
  std::vector<std::unique_ptr<loom_function_s>> functions;
  // Run by slice loops; not entry points.
  std::vector<std::unique_ptr<loom_function_s>> bodies;
};

} // namespace loom::rt

#endif // LOOM_RUNTIME_SRC_PROGRAM_H
