// loom_module_s: a loaded module — its bytes (owned or borrowed), the
// verified Program, and the device's Executable for it.
#ifndef LOOM_RUNTIME_SRC_MODULE_H
#define LOOM_RUNTIME_SRC_MODULE_H

#include "aligned_memory.h"
#include "device.h"
#include "program.h"
#include "runtime_context.h"

#include <atomic>
#include <memory>

struct loom_module_s {
  std::atomic<int> refCount{1};
  loom_runtime_s *runtime = nullptr; // retained
  loom::rt::AlignedPtr ownedBytes;   // null when borrowed
  const unsigned char *bytes = nullptr;
  size_t size = 0;
  loom::rt::Program program;
  std::unique_ptr<loom::rt::Executable> executable;

  ~loom_module_s();
};

namespace loom::rt {

// Everything loadModule checks before the device loads any code: the file
// format, the program (buildProgram), the target, the memory cap and the
// device's own checks (Device::verify). Fills `program`, whose views point
// into `bytes`.
Status verifyModule(const loom_runtime_s &runtime, const unsigned char *bytes,
                    size_t size, Program *program);

// Verifies `bytes` (verifyModule) and prepares them for the runtime's device. The module
// takes `owned` (may be null when the caller borrows `bytes` to it).
Status loadModule(loom_runtime_s *runtime, AlignedPtr owned,
                  const unsigned char *bytes, size_t size,
                  loom_module_s **out);

} // namespace loom::rt

#endif // LOOM_RUNTIME_SRC_MODULE_H
