// Checks that the host CPU has the instruction-set features a module's
// kernels were compiled for (Module.target_features, LLVM feature names).
#ifndef LOOM_RUNTIME_SRC_CPU_CPU_FEATURES_H
#define LOOM_RUNTIME_SRC_CPU_CPU_FEATURES_H

#include "status.h"

#include <string>

namespace loom::rt {

// INCOMPATIBLE, naming the missing features, if the host lacks any feature
// of `features` ("avx2,fma,avx512f") that the runtime knows how to detect.
// Features it cannot detect are assumed present.
Status checkHostCpuFeatures(const std::string &features,
                            const std::string &targetCpu);

} // namespace loom::rt

#endif // LOOM_RUNTIME_SRC_CPU_CPU_FEATURES_H
