// The runtime object's C API.
#include "runtime_context.h"

#include "api_guard.h"
#include "loom/module_format.h"

#include <cstring>

using namespace loom::rt;

extern "C" {

const char *loom_runtime_version(void) { return LOOM_RUNTIME_VERSION_STRING; }

uint32_t loom_runtime_module_format_version(void) {
  return LOOM_MODULE_FORMAT_VERSION;
}

void loom_runtime_options_init(loom_runtime_options_t *options) {
  if (!options)
    return;
  std::memset(options, 0, sizeof(*options));
  options->struct_size = sizeof(*options);
  options->device = "cpu";
}

loom_status_t loom_runtime_create(const loom_runtime_options_t *options,
                                  loom_runtime_t **out_runtime) {
  const char *api = "loom_runtime_create";
  return guardedCall(api, [&]() -> Status {
    LOOM_CHECK_ARG(api, out_runtime);
    *out_runtime = nullptr;
    loom_runtime_options_t defaults;
    loom_runtime_options_init(&defaults);
    if (options) {
      if (options->struct_size < offsetof(loom_runtime_options_t, device) ||
          options->struct_size > sizeof(loom_runtime_options_t))
        return error(LOOM_STATUS_INVALID_ARGUMENT, api,
                     ": options->struct_size is ", options->struct_size,
                     "; initialize the options with "
                     "loom_runtime_options_init");
      std::memcpy(&defaults, options, options->struct_size);
      if (!defaults.device)
        defaults.device = "cpu";
    }
    DeviceOptions deviceOptions;
    deviceOptions.name = defaults.device;
    deviceOptions.threadCount = defaults.thread_count;
    auto runtime = std::make_unique<loom_runtime_s>();
    LOOM_RETURN_IF_ERROR(createDevice(deviceOptions, &runtime->device));
    runtime->maxCallMemoryBytes = defaults.max_call_memory_bytes;
    *out_runtime = runtime.release();
    return okStatus();
  });
}

void loom_runtime_retain(loom_runtime_t *runtime) {
  if (runtime)
    runtime->refCount.fetch_add(1, std::memory_order_relaxed);
}

void loom_runtime_release(loom_runtime_t *runtime) {
  if (runtime &&
      runtime->refCount.fetch_sub(1, std::memory_order_acq_rel) == 1)
    delete runtime;
}

const char *loom_runtime_device_name(const loom_runtime_t *runtime) {
  return runtime ? runtime->device->name() : "";
}

int32_t loom_runtime_thread_count(const loom_runtime_t *runtime) {
  return runtime ? runtime->device->threadCount() : 0;
}

uint64_t loom_runtime_max_call_memory_bytes(const loom_runtime_t *runtime) {
  return runtime ? runtime->maxCallMemoryBytes : 0;
}

} // extern "C"
