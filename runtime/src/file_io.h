// Whole-file reads into 64-byte aligned memory, and whole-file writes, with
// messages that name the path and the system error.
#ifndef LOOM_RUNTIME_SRC_FILE_IO_H
#define LOOM_RUNTIME_SRC_FILE_IO_H

#include "aligned_memory.h"
#include "status.h"

#include <string>

namespace loom::rt {

class FileBytes {
public:
  const unsigned char *data() const { return bytes_.get(); }
  size_t size() const { return size_; }
  // Gives up ownership of the aligned buffer (free with alignedFree).
  AlignedPtr take() { return std::move(bytes_); }

private:
  friend Status readFile(const std::string &path, FileBytes *out);
  AlignedPtr bytes_;
  size_t size_ = 0;
};

Status readFile(const std::string &path, FileBytes *out);
Status writeFile(const std::string &path, const void *data, size_t size);

} // namespace loom::rt

#endif // LOOM_RUNTIME_SRC_FILE_IO_H
