// First line of defence for a module file's bytes: size, file identifier,
// format version (read defensively before anything else, so an old or new
// file gets a version message rather than "corrupt"), then the FlatBuffers
// structural verifier (every offset, vector and string in bounds).
#ifndef LOOM_RUNTIME_SRC_MODULE_FORMAT_CHECK_H
#define LOOM_RUNTIME_SRC_MODULE_FORMAT_CHECK_H

#include "status.h"

#include <cstddef>

namespace loom::rt {

// On success the bytes may be read with loom::fb::GetModule.
Status checkModuleFormat(const unsigned char *data, size_t size);

} // namespace loom::rt

#endif // LOOM_RUNTIME_SRC_MODULE_FORMAT_CHECK_H
