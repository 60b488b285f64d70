// Reading and writing NumPy .npy files (format versions 1.0, 2.0 and 3.0;
// little-endian; C order) as tensors.
#ifndef LOOM_RUNTIME_SRC_NPY_H
#define LOOM_RUNTIME_SRC_NPY_H

#include "status.h"

#include <cstddef>
#include <string>

namespace loom::rt {

// Parses a whole .npy file held in memory. `source` names it in messages.
Status readNpy(const unsigned char *data, size_t size,
               const std::string &source, loom_tensor_t **out);

// Serializes a tensor to the bytes of a .npy file (format 1.0, or 2.0 if the
// header does not fit 1.0).
Status encodeNpy(const loom_tensor_t &tensor, std::string *bytes);

} // namespace loom::rt

#endif // LOOM_RUNTIME_SRC_NPY_H
