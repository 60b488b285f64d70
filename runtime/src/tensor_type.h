// Element types and static shapes: sizes, names, overflow-checked element
// and byte counts, and the "tensor<2x3xf32>" spelling used in messages (a
// negative dimension, a function signature's dynamic one, prints as "?").
#ifndef LOOM_RUNTIME_SRC_TENSOR_TYPE_H
#define LOOM_RUNTIME_SRC_TENSOR_TYPE_H

#include "status.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace loom::rt {

constexpr size_t kMaxRank = 16;

bool isValidDType(int dtype);
size_t dtypeSize(loom_dtype_t dtype);
const char *dtypeName(loom_dtype_t dtype);
bool parseDType(const std::string &name, loom_dtype_t *dtype);

// Checks the dtype, the rank (<= kMaxRank) and the dimensions (>= 0), and
// computes the element and byte counts without overflow. `what` names the
// tensor in messages ("input 0 of function 'main'").
Status checkTensorType(int dtype, const int64_t *shape, size_t rank,
                       const std::string &what, size_t *elementCount,
                       size_t *byteSize);

std::string formatType(loom_dtype_t dtype, const int64_t *shape, size_t rank);
inline std::string formatType(loom_dtype_t dtype,
                              const std::vector<int64_t> &shape) {
  return formatType(dtype, shape.data(), shape.size());
}

} // namespace loom::rt

#endif // LOOM_RUNTIME_SRC_TENSOR_TYPE_H
