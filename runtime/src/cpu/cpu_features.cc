#include "cpu/cpu_features.h"

#include <sstream>
#include <vector>

namespace loom::rt {

namespace {

// Whether the host has LLVM feature `name`: 1 yes, 0 no, -1 unknown.
int hostHas(const std::string &name) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
#define LOOM_FEATURE(llvmName, gccName)                                        \
  if (name == llvmName)                                                        \
    return __builtin_cpu_supports(gccName) ? 1 : 0;
  LOOM_FEATURE("sse4.1", "sse4.1")
  LOOM_FEATURE("sse4.2", "sse4.2")
  LOOM_FEATURE("popcnt", "popcnt")
  LOOM_FEATURE("avx", "avx")
  LOOM_FEATURE("avx2", "avx2")
  LOOM_FEATURE("fma", "fma")
  LOOM_FEATURE("bmi", "bmi")
  LOOM_FEATURE("bmi2", "bmi2")
  LOOM_FEATURE("avx512f", "avx512f")
  LOOM_FEATURE("avx512vl", "avx512vl")
  LOOM_FEATURE("avx512bw", "avx512bw")
  LOOM_FEATURE("avx512dq", "avx512dq")
  LOOM_FEATURE("avx512cd", "avx512cd")
  LOOM_FEATURE("avx512vnni", "avx512vnni")
  LOOM_FEATURE("avx512bf16", "avx512bf16")
  LOOM_FEATURE("avx512vbmi", "avx512vbmi")
  LOOM_FEATURE("avx512ifma", "avx512ifma")
#undef LOOM_FEATURE
#endif
  (void)name;
  return -1;
}

} // namespace

Status checkHostCpuFeatures(const std::string &features,
                            const std::string &targetCpu) {
  std::vector<std::string> missing;
  std::stringstream list(features);
  std::string feature;
  while (std::getline(list, feature, ','))
    if (!feature.empty() && hostHas(feature) == 0)
      missing.push_back(feature);
  if (missing.empty())
    return okStatus();
  std::string names;
  for (const std::string &m : missing)
    names += (names.empty() ? "" : ", ") + m;
  return Status(LOOM_STATUS_INCOMPATIBLE,
                "this module's kernels were compiled for CPU '" + targetCpu +
                    "' and use " + names +
                    ", which this CPU does not have; compile the model on "
                    "this machine, or for it with loom-compile --cpu= / "
                    "--cpu-features=");
}

} // namespace loom::rt
