#include "cpu/kernel_library.h"

#include <cerrno>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <sys/mman.h>
#include <unistd.h>

namespace loom::rt {
namespace {

#if defined(__x86_64__)
constexpr uint16_t kHostMachine = EM_X86_64;
constexpr const char *kHostArch = "x86-64";
#elif defined(__aarch64__)
constexpr uint16_t kHostMachine = EM_AARCH64;
constexpr const char *kHostArch = "aarch64";
#else
#error "unsupported host architecture for CPU kernels"
#endif

const char *machineName(uint16_t machine) {
  switch (machine) {
  case EM_X86_64:
    return "x86-64";
  case EM_AARCH64:
    return "aarch64";
  case EM_386:
    return "i386";
  case EM_ARM:
    return "arm";
  case EM_RISCV:
    return "riscv";
  default:
    return "unknown";
  }
}

Status writeAll(int fd, const unsigned char *bytes, size_t size,
                const char *what) {
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::write(fd, bytes + done, size - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return error(LOOM_STATUS_IO_ERROR, "cannot write the kernel library to ",
                   what, ": ", std::strerror(errno));
    done += static_cast<size_t>(n);
  }
  return okStatus();
}

// dlopen()s the library file at `path` (`size` bytes; `from` ends the error
// message's subject, e.g. " from 'PATH'").
Status dlopenPath(const std::string &path, size_t size, const std::string &from,
                  void **handle) {
  ::dlerror();
  *handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (*handle)
    return okStatus();
  const char *why = ::dlerror();
  return error(LOOM_STATUS_DATA_LOSS, "cannot load the module's kernel library (",
               size, " bytes)", from, ": ", why ? why : "dlopen failed");
}

// FNV-1a over the library's bytes: names its kept copy (below).
uint64_t fingerprint(const unsigned char *bytes, size_t size) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < size; ++i)
    h = (h ^ bytes[i]) * 0x100000001b3ull;
  return h;
}

// With LOOM_KERNEL_LIBRARY_DIR set, the library is written to
// DIR/loom-kernels-<fingerprint>-<size>.so, loaded from there and kept after
// the process ends, so that a profiler (perf report) can name the kernels it
// sampled: a memfd's deleted file cannot be read back. The file is written
// under a temporary name and renamed, so processes loading the same module
// at once never see a partial file.
Status dlopenKept(const unsigned char *bytes, size_t size, const char *dir,
                  void **handle) {
  char name[64];
  std::snprintf(name, sizeof(name), "loom-kernels-%016llx-%zu.so",
                static_cast<unsigned long long>(fingerprint(bytes, size)),
                size);
  std::string path = std::string(dir) + "/" + name;
  std::string temp = path + ".XXXXXX";
  int fd = ::mkstemp(&temp[0]);
  if (fd < 0)
    return error(LOOM_STATUS_IO_ERROR,
                 "LOOM_KERNEL_LIBRARY_DIR: cannot create a file in '", dir,
                 "': ", std::strerror(errno));
  Status status = writeAll(fd, bytes, size, temp.c_str());
  ::close(fd);
  if (status.ok() && ::rename(temp.c_str(), path.c_str()) != 0)
    status = error(LOOM_STATUS_IO_ERROR, "LOOM_KERNEL_LIBRARY_DIR: cannot "
                                         "rename '",
                   temp, "' to '", path, "': ", std::strerror(errno));
  if (!status.ok()) {
    ::unlink(temp.c_str());
    return status;
  }
  return dlopenPath(path, size, " from '" + path + "'", handle);
}

// dlopen()s the bytes via an anonymous memfd, or a temporary file that is
// unlinked right after loading. The memfd stays open (`*keepFd`) for as long
// as the library is loaded: glibc recognizes an already loaded library by
// its path, so "/proc/self/fd/N" must not be reused by another library while
// this one is alive.
Status dlopenBytes(const unsigned char *bytes, size_t size, void **handle,
                   int *keepFd) {
  const char *keepDir = std::getenv("LOOM_KERNEL_LIBRARY_DIR");
  if (keepDir && *keepDir)
    return dlopenKept(bytes, size, keepDir, handle);
  int fd = ::memfd_create("loom-kernels", MFD_CLOEXEC);
  std::string tempPath;
  if (fd < 0) {
    const char *dir = std::getenv("TMPDIR");
    tempPath = std::string(dir && *dir ? dir : "/tmp") + "/loom-kernels-XXXXXX";
    fd = ::mkstemp(&tempPath[0]);
    if (fd < 0)
      return error(LOOM_STATUS_IO_ERROR,
                   "cannot load the kernel library: memfd_create is "
                   "unavailable and creating a temporary file in '",
                   tempPath, "' failed: ", std::strerror(errno));
  }
  Status status = writeAll(fd, bytes, size,
                           tempPath.empty() ? "a memfd" : tempPath.c_str());
  if (status.ok())
    status = dlopenPath(
        tempPath.empty() ? "/proc/self/fd/" + std::to_string(fd) : tempPath,
        size, "", handle);
  if (status.ok() && tempPath.empty()) {
    *keepFd = fd;
  } else {
    ::close(fd);
  }
  if (!tempPath.empty())
    ::unlink(tempPath.c_str());
  return status;
}

// dlsym searches the library's dependencies too (libc, libm...): accept a
// symbol only if it is defined by the library itself.
void *findOwnSymbol(void *handle, const char *name) {
  void *symbol = ::dlsym(handle, name);
  if (!symbol)
    return nullptr;
  struct link_map *own = nullptr, *definer = nullptr;
  Dl_info info;
  if (::dlinfo(handle, RTLD_DI_LINKMAP, &own) != 0 ||
      ::dladdr1(symbol, &info, reinterpret_cast<void **>(&definer),
                RTLD_DL_LINKMAP) == 0 ||
      own != definer)
    return nullptr;
  return symbol;
}

// The dynamic loader maps segments straight from the file: a segment that
// reaches past the end of a truncated library would fault (SIGBUS) when
// touched, so every program header and segment must lie inside the bytes.
Status checkSegmentsInFile(const Elf64_Ehdr &header,
                           const unsigned char *bytes, size_t size) {
  auto truncated = [&](const char *what) {
    return error(LOOM_STATUS_DATA_LOSS,
                 "the module's kernel library is truncated or corrupt (", size,
                 " bytes): its ", what, " lie outside the file");
  };
  if (header.e_phentsize != sizeof(Elf64_Phdr) || header.e_phnum == 0)
    return truncated("program headers");
  if (header.e_phoff > size ||
      (size - header.e_phoff) / sizeof(Elf64_Phdr) < header.e_phnum)
    return truncated("program headers");
  for (uint16_t i = 0; i < header.e_phnum; ++i) {
    Elf64_Phdr ph;
    std::memcpy(&ph, bytes + header.e_phoff + i * sizeof(Elf64_Phdr),
                sizeof(ph));
    if (ph.p_offset > size || ph.p_filesz > size - ph.p_offset)
      return truncated("segments");
  }
  return okStatus();
}

} // namespace

Status checkElfForHost(const unsigned char *bytes, size_t size) {
  if (size < sizeof(Elf64_Ehdr) || std::memcmp(bytes, ELFMAG, SELFMAG) != 0)
    return error(LOOM_STATUS_DATA_LOSS,
                 "the module's kernel library is not an ELF file (", size,
                 " bytes)");
  Elf64_Ehdr header;
  std::memcpy(&header, bytes, sizeof(header));
  if (header.e_ident[EI_CLASS] != ELFCLASS64 ||
      header.e_ident[EI_DATA] != ELFDATA2LSB)
    return error(LOOM_STATUS_INCOMPATIBLE,
                 "the module's kernel library is not a 64-bit little-endian "
                 "ELF file");
  if (header.e_machine != kHostMachine)
    return error(LOOM_STATUS_INCOMPATIBLE,
                 "the module's kernel library is for ",
                 machineName(header.e_machine), " (ELF machine ",
                 header.e_machine, ") but this machine is ", kHostArch,
                 "; recompile the model for this machine");
  if (header.e_type != ET_DYN)
    return error(LOOM_STATUS_INCOMPATIBLE,
                 "the module's kernel library is not a shared object (ELF "
                 "type ",
                 header.e_type, ")");
  return checkSegmentsInFile(header, bytes, size);
}

KernelLibrary::~KernelLibrary() {
  if (handle_)
    ::dlclose(handle_);
  if (fd_ >= 0)
    ::close(fd_);
}

Status KernelLibrary::check(const KernelLibraryView &library) {
  if (library.format != "elf-so")
    return error(LOOM_STATUS_INCOMPATIBLE, "kernel library format '",
                 library.format, "' cannot run on the cpu device (expected "
                                 "'elf-so')");
  return checkElfForHost(library.data, library.size);
}

Status KernelLibrary::load(const KernelLibraryView &library,
                           const std::vector<KernelInfo> &kernels,
                           std::unique_ptr<KernelLibrary> *out) {
  LOOM_RETURN_IF_ERROR(check(library));
  std::unique_ptr<KernelLibrary> lib(new KernelLibrary());
  LOOM_RETURN_IF_ERROR(dlopenBytes(library.data, library.size, &lib->handle_, &lib->fd_));

  const auto *abiVersion = static_cast<const uint32_t *>(
      findOwnSymbol(lib->handle_, LOOM_KERNEL_ABI_VERSION_SYMBOL));
  if (!abiVersion)
    return error(LOOM_STATUS_INCOMPATIBLE,
                 "the module's kernel library does not export '",
                 LOOM_KERNEL_ABI_VERSION_SYMBOL, "'");
  if (*abiVersion < LOOM_KERNEL_ABI_OLDEST_VERSION ||
      *abiVersion > LOOM_KERNEL_ABI_VERSION)
    return error(LOOM_STATUS_INCOMPATIBLE, "the module's kernels use kernel "
                                           "ABI version ",
                 *abiVersion, " but this runtime supports versions ",
                 LOOM_KERNEL_ABI_OLDEST_VERSION, " to ",
                 LOOM_KERNEL_ABI_VERSION,
                 "; recompile the model with a matching loom-compile");
  for (size_t i = 0; i < kernels.size(); ++i) {
    void *symbol = findOwnSymbol(lib->handle_, kernels[i].name.c_str());
    if (!symbol)
      return error(LOOM_STATUS_DATA_LOSS, "kernel #", i, " '",
                   kernels[i].name,
                   "' is not exported by the module's kernel library");
    lib->kernels_.push_back(reinterpret_cast<loom_cpu_kernel_fn_t>(symbol));
  }
  *out = std::move(lib);
  return okStatus();
}

} // namespace loom::rt
