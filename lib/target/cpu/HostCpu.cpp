//===- HostCpu.cpp - what the build machine is (--cpu=host) ---------------===//
//
// The only code in the compiler that reads the machine it runs on, and only
// when asked to with --cpu=host.
//
//===----------------------------------------------------------------------===//
#include "CpuTarget.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/TargetParser/Host.h"

#include <cstdlib>
#include <sched.h>
#include <thread>
#include <string>

namespace loom {

namespace {

/// The size of the last-level data cache (the highest-level data or unified
/// cache sysfs lists for CPU 0), or 0 when it cannot be read. (glibc's
/// sysconf(_SC_LEVEL3_CACHE_SIZE) is no substitute: in a VM it can report a
/// whole socket's L3 where one core shares a slice of it.)
int64_t sysfsLastLevelCacheBytes() {
  int64_t best = 0, bestLevel = 0;
  for (int index = 0; index < 8; ++index) {
    std::string dir =
        "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(index);
    auto read = [&](const char *name) {
      auto buffer = llvm::MemoryBuffer::getFile(dir + "/" + name);
      return buffer ? (*buffer)->getBuffer().trim().str() : std::string();
    };
    std::string type = read("type"), size = read("size");
    int64_t level = 0, value = 0;
    if ((type != "Data" && type != "Unified") ||
        llvm::StringRef(read("level")).getAsInteger(10, level))
      continue;
    llvm::StringRef text(size);
    int64_t scale = 1;
    if (text.consume_back("K"))
      scale = 1 << 10;
    else if (text.consume_back("M"))
      scale = 1 << 20;
    if (text.getAsInteger(10, value) || value <= 0 || level < bestLevel)
      continue;
    best = value * scale;
    bestLevel = level;
  }
  return best;
}

const char *nonEmptyEnv(const char *name) {
  const char *value = std::getenv(name);
  return value && *value ? value : nullptr;
}

} // namespace

/// The CPUs this process may run on (taskset, cpusets), as the runtime
/// counts its default threads.
static int64_t hostThreadCount() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
    return CPU_COUNT(&set);
  return static_cast<int64_t>(std::thread::hardware_concurrency());
}

/// A number about the host: environment variable `name` when it is set
/// (tests stand in for the machine with it), else what `query` measures;
/// 0 or less when neither knows.
static int64_t hostNumber(const char *name, int64_t (*query)()) {
  int64_t value = 0;
  if (const char *text = nonEmptyEnv(name))
    (void)llvm::StringRef(text).getAsInteger(10, value);
  else
    value = query();
  return value;
}

HostCpu queryHostCpu() {
  HostCpu host;
  if (const char *name = nonEmptyEnv("LOOM_HOST_CPU"))
    host.name = name;
  else
    host.name = llvm::sys::getHostCPUName().str();
  if (const char *features = nonEmptyEnv("LOOM_HOST_CPU_FEATURES")) {
    host.features = features;
  } else {
    for (auto &f : llvm::sys::getHostCPUFeatures()) {
      if (!host.features.empty())
        host.features += ",";
      host.features += (f.second ? "+" : "-") + f.first().str();
    }
  }
  if (int64_t llc = hostNumber("LOOM_HOST_LLC_BYTES", sysfsLastLevelCacheBytes);
      llc > 0)
    host.lastLevelCacheBytes = llc;
  if (int64_t threads = hostNumber("LOOM_HOST_THREADS", hostThreadCount);
      threads > 0)
    host.threads = threads;
  return host;
}

} // namespace loom
