// loom_function_call: checks the inputs against the signature, allocates the
// call's results and arena, and has the device execute the schedule.
#include "api_guard.h"
#include "instance.h"
#include "module.h"
#include "tensor.h"
#include "tensor_type.h"

#include <cstring>

namespace loom::rt {
namespace {

Status checkInput(const loom_function_s &fn, size_t i,
                  const loom_tensor_t *tensor) {
  const TensorSignature &expected = fn.inputs[i];
  std::string named =
      expected.name.empty() ? "" : cat(" ('", expected.name, "')");
  if (!tensor)
    return error(LOOM_STATUS_INVALID_ARGUMENT, "input ", i, named,
                 " of function '", fn.name, "' is NULL; expected ",
                 expected.text, "; signature: ", fn.signature);
  if (fn.dynamic) // checked with the symbols (bindSymbols)
    return okStatus();
  if (tensor->dtype != expected.dtype || tensor->shape != expected.shape)
    return error(LOOM_STATUS_INVALID_ARGUMENT, "input ", i, named,
                 " of function '",
                 fn.name, "' is ", formatType(tensor->dtype, tensor->shape),
                 " but the function expects ", expected.text,
                 "; signature: ", fn.signature);
  return okStatus();
}

Status checkArguments(const loom_function_s &fn, loom_tensor_t *const *inputs,
                      size_t inputCount, loom_tensor_t **outputs,
                      size_t outputCount) {
  if (inputCount != fn.inputs.size())
    return error(LOOM_STATUS_INVALID_ARGUMENT, "function '", fn.name,
                 "' takes ", fn.inputs.size(), " input",
                 fn.inputs.size() == 1 ? "" : "s", ", got ", inputCount,
                 "; signature: ", fn.signature);
  if (inputCount > 0 && !inputs)
    return error(LOOM_STATUS_INVALID_ARGUMENT,
                 "loom_function_call: argument 'inputs' is NULL");
  for (size_t i = 0; i < inputCount; ++i)
    LOOM_RETURN_IF_ERROR(checkInput(fn, i, inputs[i]));
  if (outputCount != fn.outputs.size())
    return error(LOOM_STATUS_INVALID_ARGUMENT, "function '", fn.name,
                 "' returns ", fn.outputs.size(), " output",
                 fn.outputs.size() == 1 ? "" : "s", " but output_count is ",
                 outputCount, "; signature: ", fn.signature);
  if (outputCount > 0 && !outputs)
    return error(LOOM_STATUS_INVALID_ARGUMENT,
                 "loom_function_call: argument 'outputs' is NULL");
  return okStatus();
}

// Owns what one call allocates until it hands the results over.
struct CallState {
  std::vector<unsigned char *> inputPtrs, outputPtrs;
  std::vector<AlignedPtr> staged; // aligned copies of misaligned inputs
  std::vector<loom_tensor_t *> results;
  AlignedPtr arena;
  const loom_function_s *fn = nullptr;
  ArenaCache *arenas = nullptr;

  ~CallState() {
    for (loom_tensor_t *t : results)
      loom_tensor_release(t);
    if (arena)
      arenas->release(std::move(arena), fn->arenaSize, fn->arenaAlignment);
  }
};

// Runs `fn` (a static function, or an instance of a dynamic one whose
// arenas `arenas` keeps across calls of every size).
Status call(const loom_function_s &fn, ArenaCache &arenas,
            loom_tensor_t *const *inputs, loom_tensor_t **outputs) {
  CallState state;
  state.fn = &fn;
  state.arenas = &arenas;
  for (size_t i = 0; i < fn.inputs.size(); ++i) {
    auto *data = static_cast<unsigned char *>(inputs[i]->data);
    if (reinterpret_cast<uintptr_t>(data) % kBufferAlignment != 0) {
      // Kernels may assume aligned storage: stage through an aligned copy.
      AlignedPtr copy(
          static_cast<unsigned char *>(alignedAlloc(inputs[i]->byteSize)));
      if (!copy)
        return error(LOOM_STATUS_RESOURCE_EXHAUSTED,
                     "out of memory staging input ", i, " (",
                     inputs[i]->byteSize, " bytes)");
      std::memcpy(copy.get(), data, inputs[i]->byteSize);
      data = copy.get();
      state.staged.push_back(std::move(copy));
    }
    state.inputPtrs.push_back(data);
  }
  for (size_t i = 0; i < fn.outputs.size(); ++i) {
    const TensorSignature &sig = fn.outputs[i];
    loom_tensor_t *result = nullptr;
    LOOM_RETURN_IF_ERROR(allocateTensor(
        sig.dtype, sig.shape.data(), sig.shape.size(), /*zeroFill=*/false,
        cat("output ", i, " of function '", fn.name, "'"), &result));
    state.results.push_back(result);
    state.outputPtrs.push_back(static_cast<unsigned char *>(result->data));
  }
  state.arena = arenas.acquire(fn.arenaSize, fn.arenaAlignment);
  if (!state.arena)
    return error(LOOM_STATUS_RESOURCE_EXHAUSTED, "function '", fn.name,
                 "': out of memory allocating its ", fn.arenaSize,
                 "-byte arena");
  CallBuffers buffers;
  buffers.inputs = state.inputPtrs.data();
  buffers.outputs = state.outputPtrs.data();
  buffers.arena = state.arena.get();
  LOOM_RETURN_IF_ERROR(fn.module->executable->execute(fn, buffers));
  for (size_t i = 0; i < state.results.size(); ++i)
    outputs[i] = state.results[i];
  state.results.clear();
  return okStatus();
}

} // namespace
} // namespace loom::rt

using namespace loom::rt;

extern "C" loom_status_t loom_function_call(const loom_function_t *function,
                                            loom_tensor_t *const *inputs,
                                            size_t input_count,
                                            loom_tensor_t **outputs,
                                            size_t output_count) {
  const char *api = "loom_function_call";
  return guardedCall(api, [&]() -> Status {
    LOOM_CHECK_ARG(api, function);
    LOOM_RETURN_IF_ERROR(checkArguments(*function, inputs, input_count,
                                        outputs, output_count));
    for (size_t i = 0; i < output_count; ++i)
      outputs[i] = nullptr;
    if (!function->dynamic)
      return call(*function, function->arenas, inputs, outputs);
    std::vector<int64_t> symbols;
    LOOM_RETURN_IF_ERROR(bindSymbols(*function, inputs, &symbols));
    Instance instance;
    LOOM_RETURN_IF_ERROR(
        function->dynamic->instances->get(*function, symbols, &instance));
    return call(*instance, function->arenas, inputs, outputs);
  });
}
