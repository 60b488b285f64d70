//===- Registry.cpp - Loom's built-in target backends ---------------------===//
//
// One line per backend: a new backend adds its registration here.
//
//===----------------------------------------------------------------------===//
#include "loom/target/TargetBackend.h"

#include <mutex>

namespace loom {

void registerCpuTargetBackend();
void registerVulkanTargetBackend();
void registerCudaTargetBackend();

void registerAllTargetBackends() {
  static std::once_flag once;
  std::call_once(once, [] {
    registerCpuTargetBackend();
    registerVulkanTargetBackend();
    registerCudaTargetBackend();
  });
}

} // namespace loom
