#include "file_io.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace loom::rt {
namespace {

Status systemError(const std::string &what, const std::string &path,
                   int err) {
  loom_status_code_t code =
      err == ENOENT ? LOOM_STATUS_NOT_FOUND : LOOM_STATUS_IO_ERROR;
  return error(code, "cannot ", what, " '", path, "': ", std::strerror(err));
}

struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0)
      ::close(fd);
  }
};

} // namespace

Status readFile(const std::string &path, FileBytes *out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return systemError("open", path, errno);
  FdCloser closer{fd};
  struct stat info;
  if (::fstat(fd, &info) != 0)
    return systemError("stat", path, errno);
  if (S_ISDIR(info.st_mode))
    return error(LOOM_STATUS_IO_ERROR, "cannot read '", path,
                 "': it is a directory");
  if (!S_ISREG(info.st_mode))
    return error(LOOM_STATUS_IO_ERROR, "cannot read '", path,
                 "': not a regular file");
  size_t size = static_cast<size_t>(info.st_size);
  AlignedPtr bytes(static_cast<unsigned char *>(alignedAlloc(size)));
  if (!bytes)
    return error(LOOM_STATUS_RESOURCE_EXHAUSTED, "cannot read '", path,
                 "': out of memory for ", size, " bytes");
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::read(fd, bytes.get() + done, size - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return systemError("read", path, errno);
    if (n == 0)
      return error(LOOM_STATUS_IO_ERROR, "cannot read '", path,
                   "': file shrank while reading (", done, " of ", size,
                   " bytes)");
    done += static_cast<size_t>(n);
  }
  out->bytes_ = std::move(bytes);
  out->size_ = size;
  return okStatus();
}

Status writeFile(const std::string &path, const void *data, size_t size) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return systemError("create", path, errno);
  FdCloser closer{fd};
  const char *p = static_cast<const char *>(data);
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::write(fd, p + done, size - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return systemError("write", path, errno);
    done += static_cast<size_t>(n);
  }
  closer.fd = -1;
  if (::close(fd) != 0)
    return systemError("write", path, errno);
  return okStatus();
}

} // namespace loom::rt
