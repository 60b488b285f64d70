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
};

#endif // LOOM_RUNTIME_SRC_RUNTIME_CONTEXT_H
