// loom_runtime_s: one device plus the runtime-wide options (memory cap).
#ifndef LOOM_RUNTIME_SRC_RUNTIME_CONTEXT_H
#define LOOM_RUNTIME_SRC_RUNTIME_CONTEXT_H

#include "device.h"

#include <atomic>
#include <memory>

struct loom_runtime_s {
  std::atomic<int> refCount{1};
  std::unique_ptr<loom::rt::Device> device;
  uint64_t maxCallMemoryBytes = 0; // 0: unlimited
  loom_progress_fn_t progress = nullptr;
  void *progressUser = nullptr;
  uint32_t progressIntervalMs = 0;
  uint64_t shareIndex = 0, shareCount = 1; // loom_runtime_set_slice_share
  bool hasCollective = false;
  loom_collective_t collective{};

  ~loom_runtime_s() {
    if (hasCollective && collective.destroy)
      collective.destroy(collective.user_data);
  }
};

#endif // LOOM_RUNTIME_SRC_RUNTIME_CONTEXT_H
