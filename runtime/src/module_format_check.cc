#include "module_format_check.h"

#include "loom/module_format.h"
#include "loom/schema/module_generated.h"

#include <cstring>

namespace loom::rt {
namespace {

constexpr size_t kIdentifierOffset = sizeof(flatbuffers::uoffset_t);
constexpr size_t kIdentifierSize = flatbuffers::kFileIdentifierLength;
// The verifier's limits: deep enough and large enough for any real module.
constexpr flatbuffers::uoffset_t kMaxDepth = 64;
constexpr flatbuffers::uoffset_t kMaxTables = 50u * 1000u * 1000u;

std::string printable(const unsigned char *p, size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    if (p[i] >= 0x20 && p[i] < 0x7f) {
      s += static_cast<char>(p[i]);
    } else {
      static const char hex[] = "0123456789abcdef";
      s += "\\x";
      s += hex[p[i] >> 4];
      s += hex[p[i] & 15];
    }
  }
  return s;
}

template <typename T> T readScalarAt(const unsigned char *data, size_t offset) {
  T value;
  std::memcpy(&value, data + offset, sizeof(T));
  return flatbuffers::EndianScalar(value);
}

// Reads Module.format_version without trusting anything: every offset is
// bounds-checked. Returns false if the bytes are too damaged to tell.
bool readFormatVersion(const unsigned char *data, size_t size,
                       uint32_t *version) {
  size_t rootOffset = readScalarAt<flatbuffers::uoffset_t>(data, 0);
  if (rootOffset > size || size - rootOffset < sizeof(flatbuffers::soffset_t))
    return false;
  int64_t vtable = static_cast<int64_t>(rootOffset) -
                   readScalarAt<flatbuffers::soffset_t>(data, rootOffset);
  if (vtable < 0 || static_cast<uint64_t>(vtable) + 4 > size)
    return false;
  uint16_t vtableSize = readScalarAt<uint16_t>(data, vtable);
  size_t slot = loom::fb::Module::VT_FORMAT_VERSION;
  if (slot + sizeof(uint16_t) > vtableSize ||
      static_cast<uint64_t>(vtable) + slot + sizeof(uint16_t) > size) {
    *version = 0; // field absent: its default
    return true;
  }
  uint16_t fieldOffset = readScalarAt<uint16_t>(data, vtable + slot);
  if (fieldOffset == 0) {
    *version = 0;
    return true;
  }
  if (rootOffset + fieldOffset + sizeof(uint32_t) > size)
    return false;
  *version = readScalarAt<uint32_t>(data, rootOffset + fieldOffset);
  return true;
}

Status corrupt(size_t size, const char *detail) {
  return error(LOOM_STATUS_DATA_LOSS,
               "module file is corrupt or truncated (", size, " bytes): ",
               detail);
}

} // namespace

Status checkModuleFormat(const unsigned char *data, size_t size) {
  if (data == nullptr || size < kIdentifierOffset + kIdentifierSize)
    return error(LOOM_STATUS_DATA_LOSS, "module file is too small (", size,
                 " bytes) to be a Loom module");
  if (std::memcmp(data + kIdentifierOffset, LOOM_MODULE_FILE_IDENTIFIER,
                  kIdentifierSize) != 0)
    return error(LOOM_STATUS_DATA_LOSS,
                 "not a Loom module: file identifier is '",
                 printable(data + kIdentifierOffset, kIdentifierSize),
                 "', expected '", LOOM_MODULE_FILE_IDENTIFIER, "'");
  if (size >= FLATBUFFERS_MAX_BUFFER_SIZE)
    return error(LOOM_STATUS_UNIMPLEMENTED, "module file is too large (",
                 size, " bytes; the format allows under 2 GiB)");
  uint32_t version = 0;
  if (!readFormatVersion(data, size, &version))
    return corrupt(size, "its root table is out of bounds");
  if (version < LOOM_MODULE_FORMAT_OLDEST_VERSION ||
      version > LOOM_MODULE_FORMAT_VERSION)
    return error(LOOM_STATUS_INCOMPATIBLE, "module format version ", version,
                 " is not supported: this runtime reads versions ",
                 LOOM_MODULE_FORMAT_OLDEST_VERSION, " to ",
                 LOOM_MODULE_FORMAT_VERSION,
                 "; recompile the model with a matching loom-compile");
  flatbuffers::Verifier verifier(data, size, kMaxDepth, kMaxTables);
  if (!loom::fb::VerifyModuleBuffer(verifier))
    return corrupt(size, "FlatBuffers verification failed (an offset, "
                         "vector or string points outside the file)");
  return okStatus();
}

} // namespace loom::rt
