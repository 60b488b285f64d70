// Loading modules (file, memory copy, memory borrow) and the module and
// function C API.
#include "module.h"

#include "api_guard.h"
#include "file_io.h"
#include "loom/schema/module_generated.h"
#include "module_format_check.h"
#include "program_builder.h"
#include "tensor_type.h"

#include <cstring>

loom_module_s::~loom_module_s() {
  executable.reset(); // unload kernels before the bytes and the device go
  loom_runtime_release(runtime);
}

namespace loom::rt {
namespace {

Status checkTarget(const loom_runtime_s &runtime, const Program &program) {
  const char *device = runtime.device->name();
  if (program.target != device)
    return error(LOOM_STATUS_INCOMPATIBLE, "module was compiled for target '",
                 program.target, "' but the runtime's device is '", device,
                 "'; recompile with --target=", device,
                 " or create the runtime with device '", program.target, "'");
  return okStatus();
}

Status checkMemoryCap(const loom_runtime_s &runtime, const Program &program) {
  uint64_t cap = runtime.maxCallMemoryBytes;
  if (cap == 0)
    return okStatus();
  for (const auto &fn : program.functions) {
    // A dynamic function's memory is known per call (checked there).
    if (!fn->dynamic && fn->callMemoryBytes > cap)
      return error(LOOM_STATUS_RESOURCE_EXHAUSTED, "function '", fn->name,
                   "' needs ", fn->callMemoryBytes,
                   " bytes per call (arena ", fn->arenaSize, " + outputs ",
                   fn->callMemoryBytes - fn->arenaSize,
                   "), above the runtime's limit of ", cap,
                   " bytes (max_call_memory_bytes)");
  }
  return okStatus();
}

} // namespace

Status verifyModule(const loom_runtime_s &runtime, const unsigned char *bytes,
                    size_t size, Program *program) {
  LOOM_RETURN_IF_ERROR(checkModuleFormat(bytes, size));
  LOOM_RETURN_IF_ERROR(buildProgram(*loom::fb::GetModule(bytes), program));
  LOOM_RETURN_IF_ERROR(checkTarget(runtime, *program));
  if (!program->bodies.empty() && program->target != "cpu")
    return error(LOOM_STATUS_INCOMPATIBLE,
                 "module has slice loops, which run on the cpu device only "
                 "(its target is '", program->target, "')");
  for (const auto &fn : program->functions)
    if (fn->dynamic && program->target != "cpu" &&
        program->target != "vulkan")
      return error(LOOM_STATUS_UNIMPLEMENTED, "function '", fn->name,
                   "' has dynamic shapes (", fn->signature,
                   "), which the ", program->target,
                   " device does not run yet; compile it for the cpu or "
                   "vulkan, or with static shapes (loom-compile "
                   "--input-shape)");
  LOOM_RETURN_IF_ERROR(checkMemoryCap(runtime, *program));
  return runtime.device->verify(*program);
}

Status loadModule(loom_runtime_s *runtime, AlignedPtr owned,
                  const unsigned char *bytes, size_t size,
                  loom_module_s **out) {
  auto module = std::make_unique<loom_module_s>();
  module->ownedBytes = std::move(owned);
  module->bytes = bytes;
  module->size = size;
  loom_runtime_retain(runtime);
  module->runtime = runtime;
  LOOM_RETURN_IF_ERROR(verifyModule(*runtime, bytes, size, &module->program));
  for (auto &fn : module->program.functions)
    fn->module = module.get();
  for (auto &fn : module->program.bodies)
    fn->module = module.get();
  LOOM_RETURN_IF_ERROR(
      runtime->device->prepare(module->program, &module->executable));
  *out = module.release();
  return okStatus();
}

} // namespace loom::rt

using namespace loom::rt;

extern "C" {

loom_status_t loom_module_load_file(loom_runtime_t *runtime, const char *path,
                                    loom_module_t **out_module) {
  const char *api = "loom_module_load_file";
  return guardedCall(api, [&]() -> Status {
    LOOM_CHECK_ARG(api, runtime);
    LOOM_CHECK_ARG(api, path);
    LOOM_CHECK_ARG(api, out_module);
    *out_module = nullptr;
    FileBytes file;
    LOOM_RETURN_IF_ERROR(readFile(path, &file));
    size_t size = file.size();
    AlignedPtr bytes = file.take();
    const unsigned char *data = bytes.get();
    Status status = loadModule(runtime, std::move(bytes), data, size,
                               out_module);
    return status.withContext(path);
  });
}

loom_status_t loom_module_load_memory(loom_runtime_t *runtime,
                                      const void *data, size_t size,
                                      loom_memory_mode_t mode,
                                      loom_module_t **out_module) {
  const char *api = "loom_module_load_memory";
  return guardedCall(api, [&]() -> Status {
    LOOM_CHECK_ARG(api, runtime);
    LOOM_CHECK_ARG(api, data);
    LOOM_CHECK_ARG(api, out_module);
    *out_module = nullptr;
    const auto *bytes = static_cast<const unsigned char *>(data);
    if (mode == LOOM_MEMORY_BORROW) {
      if (reinterpret_cast<uintptr_t>(data) % kBufferAlignment != 0)
        return error(LOOM_STATUS_INVALID_ARGUMENT, api,
                     ": borrowed module data must start at a ",
                     kBufferAlignment,
                     "-byte aligned address (constants are used in place); "
                     "align the buffer or use LOOM_MEMORY_COPY");
      return loadModule(runtime, nullptr, bytes, size, out_module);
    }
    if (mode != LOOM_MEMORY_COPY)
      return error(LOOM_STATUS_INVALID_ARGUMENT, api, ": unknown memory mode ",
                   static_cast<int>(mode));
    AlignedPtr copy(static_cast<unsigned char *>(alignedAlloc(size)));
    if (!copy)
      return error(LOOM_STATUS_RESOURCE_EXHAUSTED, api,
                   ": out of memory copying ", size, " bytes");
    std::memcpy(copy.get(), data, size);
    const unsigned char *copied = copy.get();
    return loadModule(runtime, std::move(copy), copied, size, out_module);
  });
}

void loom_module_retain(loom_module_t *module) {
  if (module)
    module->refCount.fetch_add(1, std::memory_order_relaxed);
}

void loom_module_release(loom_module_t *module) {
  if (module && module->refCount.fetch_sub(1, std::memory_order_acq_rel) == 1)
    delete module;
}

const char *loom_module_target(const loom_module_t *module) {
  return module ? module->program.target.c_str() : "";
}

const char *loom_module_producer(const loom_module_t *module) {
  return module ? module->program.producer.c_str() : "";
}

size_t loom_module_function_count(const loom_module_t *module) {
  return module ? module->program.functions.size() : 0;
}

loom_status_t loom_module_function_at(const loom_module_t *module,
                                      size_t index,
                                      loom_function_t **out_function) {
  const char *api = "loom_module_function_at";
  return guardedCall(api, [&]() -> Status {
    LOOM_CHECK_ARG(api, module);
    LOOM_CHECK_ARG(api, out_function);
    *out_function = nullptr;
    const auto &functions = module->program.functions;
    if (index >= functions.size())
      return error(LOOM_STATUS_INVALID_ARGUMENT, api, ": index ", index,
                   " is out of range (the module has ", functions.size(),
                   " functions)");
    *out_function = functions[index].get();
    return okStatus();
  });
}

loom_status_t loom_module_lookup_function(const loom_module_t *module,
                                          const char *name,
                                          loom_function_t **out_function) {
  const char *api = "loom_module_lookup_function";
  return guardedCall(api, [&]() -> Status {
    LOOM_CHECK_ARG(api, module);
    LOOM_CHECK_ARG(api, name);
    LOOM_CHECK_ARG(api, out_function);
    *out_function = nullptr;
    std::string known;
    for (const auto &fn : module->program.functions) {
      if (fn->name == name) {
        *out_function = fn.get();
        return okStatus();
      }
      known += (known.empty() ? "" : ", ") + fn->name;
    }
    return error(LOOM_STATUS_NOT_FOUND, "no function named '", name,
                 "' in the module (it has: ",
                 known.empty() ? "no functions" : known, ")");
  });
}

const char *loom_function_name(const loom_function_t *function) {
  return function ? function->name.c_str() : "";
}

const char *loom_function_signature(const loom_function_t *function) {
  return function ? function->signature.c_str() : "";
}

size_t loom_function_input_count(const loom_function_t *function) {
  return function ? function->inputs.size() : 0;
}

size_t loom_function_output_count(const loom_function_t *function) {
  return function ? function->outputs.size() : 0;
}

const char *loom_function_input_name(const loom_function_t *function,
                                     size_t index) {
  if (!function || index >= function->inputs.size())
    return nullptr;
  return function->inputs[index].name.c_str();
}

const char *loom_function_output_name(const loom_function_t *function,
                                      size_t index) {
  if (!function || index >= function->outputs.size())
    return nullptr;
  return function->outputs[index].name.c_str();
}

const char *loom_function_input_dim_name(const loom_function_t *function,
                                         size_t index, size_t dim) {
  if (!function || index >= function->inputs.size() ||
      dim >= function->inputs[index].dimNames.size())
    return nullptr;
  return function->inputs[index].dimNames[dim].c_str();
}

const char *loom_function_output_dim_name(const loom_function_t *function,
                                          size_t index, size_t dim) {
  if (!function || index >= function->outputs.size() ||
      dim >= function->outputs[index].dimNames.size())
    return nullptr;
  return function->outputs[index].dimNames[dim].c_str();
}

int loom_function_is_dynamic(const loom_function_t *function) {
  return function && function->dynamic ? 1 : 0;
}

} // extern "C"

namespace {

loom_status_t signatureType(const char *api, const loom_function_t *function,
                            size_t index, loom_tensor_type_t *out_type,
                            bool input) {
  return guardedCall(api, [&]() -> Status {
    LOOM_CHECK_ARG(api, function);
    LOOM_CHECK_ARG(api, out_type);
    const auto &list = input ? function->inputs : function->outputs;
    if (index >= list.size())
      return error(LOOM_STATUS_INVALID_ARGUMENT, api, ": index ", index,
                   " is out of range: ", function->signature, " has ",
                   list.size(), input ? " inputs" : " outputs");
    const TensorSignature &sig = list[index];
    out_type->dtype = sig.dtype;
    out_type->rank = sig.shape.size();
    out_type->shape = sig.shape.data();
    return okStatus();
  });
}

} // namespace

extern "C" {

loom_status_t loom_function_input_type(const loom_function_t *function,
                                       size_t index,
                                       loom_tensor_type_t *out_type) {
  return signatureType("loom_function_input_type", function, index, out_type,
                       /*input=*/true);
}

loom_status_t loom_function_output_type(const loom_function_t *function,
                                        size_t index,
                                        loom_tensor_type_t *out_type) {
  return signatureType("loom_function_output_type", function, index, out_type,
                       /*input=*/false);
}

} // extern "C"
