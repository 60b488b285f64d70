#include "tensor_type.h"

#include <cstring>
#include <limits>

namespace loom::rt {

bool isValidDType(int dtype) {
  return dtype >= LOOM_DTYPE_F32 && dtype <= LOOM_DTYPE_F64;
}

size_t dtypeSize(loom_dtype_t dtype) {
  switch (dtype) {
  case LOOM_DTYPE_F32:
  case LOOM_DTYPE_I32:
    return 4;
  case LOOM_DTYPE_F16:
  case LOOM_DTYPE_BF16:
    return 2;
  case LOOM_DTYPE_I64:
  case LOOM_DTYPE_F64:
    return 8;
  case LOOM_DTYPE_I1:
  case LOOM_DTYPE_I8:
    return 1;
  case LOOM_DTYPE_MAX_ENUM:
    break;
  }
  return 0;
}

const char *dtypeName(loom_dtype_t dtype) {
  switch (dtype) {
  case LOOM_DTYPE_F32:
    return "f32";
  case LOOM_DTYPE_F16:
    return "f16";
  case LOOM_DTYPE_BF16:
    return "bf16";
  case LOOM_DTYPE_I32:
    return "i32";
  case LOOM_DTYPE_I64:
    return "i64";
  case LOOM_DTYPE_I1:
    return "i1";
  case LOOM_DTYPE_I8:
    return "i8";
  case LOOM_DTYPE_F64:
    return "f64";
  case LOOM_DTYPE_MAX_ENUM:
    break;
  }
  return "?";
}

bool parseDType(const std::string &name, loom_dtype_t *dtype) {
  for (int d = LOOM_DTYPE_F32; d <= LOOM_DTYPE_F64; ++d) {
    if (name == dtypeName(static_cast<loom_dtype_t>(d))) {
      *dtype = static_cast<loom_dtype_t>(d);
      return true;
    }
  }
  if (name == "bool") {
    *dtype = LOOM_DTYPE_I1;
    return true;
  }
  return false;
}

Status checkTensorType(int dtype, const int64_t *shape, size_t rank,
                       const std::string &what, size_t *elementCount,
                       size_t *byteSize) {
  if (!isValidDType(dtype))
    return error(LOOM_STATUS_INVALID_ARGUMENT, what, ": unknown dtype ", dtype,
                 " (expected 0..7: f32, f16, bf16, i32, i64, i1, i8, f64)");
  if (rank > kMaxRank)
    return error(LOOM_STATUS_INVALID_ARGUMENT, what, ": rank ", rank,
                 " is above the maximum of ", kMaxRank);
  if (rank > 0 && shape == nullptr)
    return error(LOOM_STATUS_INVALID_ARGUMENT, what,
                 ": shape is NULL but rank is ", rank);
  size_t elements = 1;
  for (size_t i = 0; i < rank; ++i) {
    if (shape[i] < 0)
      return error(LOOM_STATUS_INVALID_ARGUMENT, what, ": dimension ", i,
                   " is ", shape[i],
                   " (dimensions must be >= 0)");
    uint64_t dim = static_cast<uint64_t>(shape[i]);
    if (dim != 0 && elements > std::numeric_limits<size_t>::max() / dim)
      return error(LOOM_STATUS_INVALID_ARGUMENT, what,
                   ": element count overflows");
    elements *= static_cast<size_t>(dim);
  }
  size_t elementSize = dtypeSize(static_cast<loom_dtype_t>(dtype));
  if (elements > std::numeric_limits<size_t>::max() / 2 / elementSize)
    return error(LOOM_STATUS_INVALID_ARGUMENT, what, ": byte size overflows");
  if (elementCount)
    *elementCount = elements;
  if (byteSize)
    *byteSize = elements * elementSize;
  return okStatus();
}

std::string formatType(loom_dtype_t dtype, const int64_t *shape, size_t rank) {
  std::string s = "tensor<";
  for (size_t i = 0; i < rank; ++i) {
    s += shape[i] < 0 ? std::string("?") : std::to_string(shape[i]);
    s += 'x';
  }
  s += dtypeName(dtype);
  s += '>';
  return s;
}

} // namespace loom::rt

extern "C" {

const char *loom_dtype_name(loom_dtype_t dtype) {
  return loom::rt::dtypeName(dtype);
}

size_t loom_dtype_size(loom_dtype_t dtype) {
  return loom::rt::dtypeSize(dtype);
}

loom_status_t loom_dtype_parse(const char *name, loom_dtype_t *out_dtype) {
  using namespace loom::rt;
  if (!name || !out_dtype)
    return Status(LOOM_STATUS_INVALID_ARGUMENT,
                  "loom_dtype_parse: 'name' and 'out_dtype' must not be NULL")
        .toC();
  if (!parseDType(name, out_dtype))
    return error(LOOM_STATUS_INVALID_ARGUMENT, "unknown dtype '", name,
                 "' (expected one of f32, f16, bf16, i32, i64, i1, i8, f64)")
        .toC();
  return nullptr;
}

size_t loom_tensor_type_format(loom_tensor_type_t type, char *buffer,
                               size_t capacity) {
  if (buffer && capacity > 0)
    buffer[0] = '\0';
  try {
    std::string text;
    if (!loom::rt::isValidDType(type.dtype) ||
        (type.rank > 0 && type.shape == nullptr) ||
        type.rank > loom::rt::kMaxRank)
      text = "tensor<?>";
    else
      text = loom::rt::formatType(type.dtype, type.shape, type.rank);
    if (buffer && capacity > 0) {
      size_t n = text.size() < capacity - 1 ? text.size() : capacity - 1;
      std::memcpy(buffer, text.data(), n);
      buffer[n] = '\0';
    }
    return text.size();
  } catch (...) {
    return 0;
  }
}

} // extern "C"
