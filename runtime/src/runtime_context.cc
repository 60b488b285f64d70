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

void loom_runtime_set_progress_callback(loom_runtime_t *runtime,
                                        loom_progress_fn_t fn,
                                        void *user_data,
                                        uint32_t interval_ms) {
  if (!runtime)
    return;
  runtime->progress = fn;
  runtime->progressUser = user_data;
  runtime->progressIntervalMs = interval_ms;
}

loom_status_t loom_runtime_set_collective(loom_runtime_t *runtime,
                                          const loom_collective_t *collective) {
  const char *api = "loom_runtime_set_collective";
  return guardedCall(api, [&]() -> Status {
    LOOM_CHECK_ARG(api, runtime);
    loom_collective_t copy{};
    if (collective) {
      if (collective->struct_size < offsetof(loom_collective_t, destroy) ||
          collective->struct_size > sizeof(loom_collective_t))
        return error(LOOM_STATUS_INVALID_ARGUMENT, api,
                     ": collective->struct_size is ", collective->struct_size,
                     ", expected sizeof(loom_collective_t) = ",
                     sizeof(loom_collective_t));
      std::memcpy(&copy, collective, collective->struct_size);
      if (copy.size < 1 || copy.rank < 0 || copy.rank >= copy.size)
        return error(LOOM_STATUS_INVALID_ARGUMENT, api, ": rank ", copy.rank,
                     " of ", copy.size, " ranks is out of range");
      if (!copy.send || !copy.recv || !copy.broadcast)
        return error(LOOM_STATUS_INVALID_ARGUMENT, api,
                     ": send, recv and broadcast must all be set");
    }
    if (runtime->hasCollective && runtime->collective.destroy)
      runtime->collective.destroy(runtime->collective.user_data);
    runtime->hasCollective = collective != nullptr;
    runtime->collective = copy;
    return okStatus();
  });
}

loom_status_t loom_runtime_set_slice_share(loom_runtime_t *runtime,
                                           uint64_t index, uint64_t count) {
  const char *api = "loom_runtime_set_slice_share";
  return guardedCall(api, [&]() -> Status {
    LOOM_CHECK_ARG(api, runtime);
    if (count < 1 || index >= count)
      return error(LOOM_STATUS_INVALID_ARGUMENT, api, ": share ", index,
                   " of ", count, " is out of range (0 <= index < count)");
    runtime->shareIndex = index;
    runtime->shareCount = count;
    return okStatus();
  });
}

int32_t loom_runtime_rank(const loom_runtime_t *runtime) {
  return runtime && runtime->hasCollective ? runtime->collective.rank : 0;
}

int32_t loom_runtime_rank_count(const loom_runtime_t *runtime) {
  return runtime && runtime->hasCollective ? runtime->collective.size : 1;
}

} // extern "C"
