// A CPU kernel library: the ELF shared object embedded in a module, loaded
// from memory (written to a memfd and dlopen'ed through /proc/self/fd, or a
// temporary file where memfd_create is unavailable), with the ABI version
// checked and every kernel symbol resolved. dlclose on destruction.
#ifndef LOOM_RUNTIME_SRC_CPU_KERNEL_LIBRARY_H
#define LOOM_RUNTIME_SRC_CPU_KERNEL_LIBRARY_H

#include "loom/kernel_abi.h"
#include "program.h"
#include "status.h"

#include <memory>
#include <string>
#include <vector>

namespace loom::rt {

class KernelLibrary {
public:
  ~KernelLibrary();
  KernelLibrary(const KernelLibrary &) = delete;
  KernelLibrary &operator=(const KernelLibrary &) = delete;

  // The checks `load` starts with, without loading anything: the format is
  // "elf-so" and the bytes are an ELF shared object for this machine whose
  // headers and segments lie inside them.
  static Status check(const KernelLibraryView &library);
  // Checks and loads `bytes` and resolves one function per kernel, in kernel
  // order.
  static Status load(const KernelLibraryView &library,
                     const std::vector<KernelInfo> &kernels,
                     std::unique_ptr<KernelLibrary> *out);

  loom_cpu_kernel_fn_t kernel(size_t index) const { return kernels_[index]; }

private:
  KernelLibrary() = default;
  void *handle_ = nullptr;
  int fd_ = -1; // the memfd the library was loaded from
  std::vector<loom_cpu_kernel_fn_t> kernels_;
};

// Checks that `bytes` look like an ELF shared object for this machine, so a
// mismatched or damaged library gets a clear message before dlopen.
Status checkElfForHost(const unsigned char *bytes, size_t size);

} // namespace loom::rt

#endif // LOOM_RUNTIME_SRC_CPU_KERNEL_LIBRARY_H
