//===- ModuleWriter.h - serialize a .loom module file -----------*- C++ -*-===//
#ifndef LOOM_MODULE_MODULEWRITER_H
#define LOOM_MODULE_MODULEWRITER_H

#include "loom/module/Schedule.h"

#include <string>

namespace loom {

struct KernelLibraryBlob {
  std::string format;  // "elf-so", "spirv", "ptx", "cubin"
  std::string data;
  std::string arch;    // cubin: the GPU architecture ("sm_80")
};

struct ModuleTargetInfo {
  std::string target = "cpu";  // cpu | vulkan | cuda
  std::string triple, cpu;
  std::string features;  // CPU features the kernels use: "avx2,fma"
};

/// The bytes of a .loom file (FlatBuffers, runtime/schema/module.fbs).
std::string writeModuleFile(const ModuleSchedule &schedule,
                            const std::vector<KernelLibraryBlob> &libraries,
                            const ModuleTargetInfo &target);
inline std::string writeModuleFile(const ModuleSchedule &schedule,
                                   const KernelLibraryBlob &library,
                                   const ModuleTargetInfo &target) {
  return writeModuleFile(schedule, std::vector<KernelLibraryBlob>{library},
                         target);
}

} // namespace loom

#endif // LOOM_MODULE_MODULEWRITER_H
