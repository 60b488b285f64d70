// .npy reader and writer, and their C API.
//
// The header is a Python dict literal such as
//   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
// parsed here with a tiny recursive-descent reader that accepts exactly the
// subset NumPy writes (string, bool and tuple-of-int values).
#include "npy.h"

#include "api_guard.h"
#include "file_io.h"
#include "tensor.h"
#include "tensor_type.h"

#include <cctype>
#include <cstring>
#include <vector>

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "the .npy reader assumes a little-endian host");

namespace loom::rt {
namespace {

constexpr unsigned char kMagic[] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
constexpr size_t kMagicSize = sizeof(kMagic);

// NumPy descr <-> loom dtype. bf16 has no NumPy type: raw '<u2'.
struct DescrEntry {
  const char *descr; // without the byte-order character
  loom_dtype_t dtype;
};
constexpr DescrEntry kDescrs[] = {
    {"f4", LOOM_DTYPE_F32}, {"f2", LOOM_DTYPE_F16}, {"u2", LOOM_DTYPE_BF16},
    {"i4", LOOM_DTYPE_I32}, {"i8", LOOM_DTYPE_I64}, {"b1", LOOM_DTYPE_I1},
    {"i1", LOOM_DTYPE_I8},  {"f8", LOOM_DTYPE_F64},
};
constexpr const char *kSupportedDescrs =
    "'<f4' (f32), '<f2' (f16), '<f8' (f64), '<i4' (i32), '<i8' (i64), "
    "'|b1' (bool), '|i1' (i8), '<u2' (raw bfloat16 bits)";

std::string descrFor(loom_dtype_t dtype) {
  for (const DescrEntry &e : kDescrs)
    if (e.dtype == dtype)
      return (dtypeSize(dtype) == 1 ? "|" : "<") + std::string(e.descr);
  return "";
}

// The parsed header dict.
struct NpyHeader {
  std::string descr;
  bool fortranOrder = false;
  std::vector<int64_t> shape;
  bool hasDescr = false, hasFortranOrder = false, hasShape = false;
};

class HeaderParser {
public:
  HeaderParser(const std::string &text, const std::string &source)
      : text_(text), source_(source) {}

  Status parse(NpyHeader *header) {
    skipSpace();
    if (!consume('{'))
      return fail("expected '{'");
    for (;;) {
      skipSpace();
      if (consume('}'))
        break;
      std::string key;
      LOOM_RETURN_IF_ERROR(parseString(&key));
      skipSpace();
      if (!consume(':'))
        return fail("expected ':' after key '" + key + "'");
      skipSpace();
      if (key == "descr") {
        LOOM_RETURN_IF_ERROR(parseString(&header->descr));
        header->hasDescr = true;
      } else if (key == "fortran_order") {
        LOOM_RETURN_IF_ERROR(parseBool(&header->fortranOrder));
        header->hasFortranOrder = true;
      } else if (key == "shape") {
        LOOM_RETURN_IF_ERROR(parseShape(&header->shape));
        header->hasShape = true;
      } else {
        return fail("unexpected key '" + key + "'");
      }
      skipSpace();
      if (consume(','))
        continue;
      skipSpace();
      if (consume('}'))
        break;
      return fail("expected ',' or '}'");
    }
    if (!header->hasDescr || !header->hasFortranOrder || !header->hasShape)
      return fail("the header must have 'descr', 'fortran_order' and 'shape'");
    return okStatus();
  }

private:
  Status fail(const std::string &what) const {
    return error(LOOM_STATUS_DATA_LOSS, source_, ": malformed .npy header (",
                 what, " at character ", pos_, "): ", text_);
  }
  void skipSpace() {
    while (pos_ < text_.size() && std::isspace((unsigned char)text_[pos_]))
      ++pos_;
  }
  bool consume(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool consumeWord(const char *word) {
    size_t n = std::strlen(word);
    if (text_.compare(pos_, n, word) == 0) {
      pos_ += n;
      return true;
    }
    return false;
  }
  Status parseString(std::string *out) {
    char quote = pos_ < text_.size() ? text_[pos_] : '\0';
    if (quote != '\'' && quote != '"')
      return fail("expected a quoted string");
    size_t end = text_.find(quote, pos_ + 1);
    if (end == std::string::npos)
      return fail("unterminated string");
    *out = text_.substr(pos_ + 1, end - pos_ - 1);
    pos_ = end + 1;
    return okStatus();
  }
  Status parseBool(bool *out) {
    if (consumeWord("True"))
      *out = true;
    else if (consumeWord("False"))
      *out = false;
    else
      return fail("expected True or False");
    return okStatus();
  }
  Status parseShape(std::vector<int64_t> *shape) {
    if (!consume('('))
      return fail("expected '(' to start the shape");
    for (;;) {
      skipSpace();
      if (consume(')'))
        return okStatus();
      if (pos_ >= text_.size() || !std::isdigit((unsigned char)text_[pos_]))
        return fail("expected a non-negative integer dimension");
      int64_t dim = 0;
      while (pos_ < text_.size() && std::isdigit((unsigned char)text_[pos_])) {
        if (dim > (INT64_MAX - 9) / 10)
          return fail("dimension too large");
        dim = dim * 10 + (text_[pos_++] - '0');
      }
      // Python 2 wrote long integers as "3L".
      consume('L');
      shape->push_back(dim);
      skipSpace();
      if (consume(','))
        continue;
      skipSpace();
      if (consume(')'))
        return okStatus();
      return fail("expected ',' or ')' in the shape");
    }
  }

  const std::string &text_;
  const std::string &source_;
  size_t pos_ = 0;
};

Status dtypeFromDescr(const std::string &descr, const std::string &source,
                      loom_dtype_t *dtype) {
  if (descr.size() == 3) {
    char order = descr[0];
    std::string code = descr.substr(1);
    for (const DescrEntry &e : kDescrs) {
      if (code != e.descr)
        continue;
      bool singleByte = dtypeSize(e.dtype) == 1;
      if (order == '<' || order == '=' || (order == '|' && singleByte) ||
          (order == '>' && singleByte)) {
        *dtype = e.dtype;
        return okStatus();
      }
      if (order == '>')
        return error(LOOM_STATUS_UNIMPLEMENTED, source,
                     ": big-endian .npy data ('", descr,
                     "') is not supported; save it little-endian "
                     "(arr.astype(arr.dtype.newbyteorder('<')))");
    }
  }
  return error(LOOM_STATUS_UNIMPLEMENTED, source, ": unsupported .npy dtype '",
               descr, "' (supported: ", kSupportedDescrs, ")");
}

uint32_t readLittleEndian(const unsigned char *p, size_t bytes) {
  uint32_t value = 0;
  for (size_t i = 0; i < bytes; ++i)
    value |= static_cast<uint32_t>(p[i]) << (8 * i);
  return value;
}

} // namespace

Status readNpy(const unsigned char *data, size_t size,
               const std::string &source, loom_tensor_t **out) {
  if (size < kMagicSize + 2 || std::memcmp(data, kMagic, kMagicSize) != 0)
    return error(LOOM_STATUS_DATA_LOSS, source,
                 ": not a .npy file (it does not start with \\x93NUMPY)");
  unsigned major = data[6], minor = data[7];
  size_t lengthBytes;
  if (major == 1)
    lengthBytes = 2;
  else if (major == 2 || major == 3)
    lengthBytes = 4;
  else
    return error(LOOM_STATUS_UNIMPLEMENTED, source, ": .npy format version ",
                 major, ".", minor, " is not supported (expected 1.0, 2.0 or "
                 "3.0)");
  size_t prefix = kMagicSize + 2 + lengthBytes;
  if (size < prefix)
    return error(LOOM_STATUS_DATA_LOSS, source,
                 ": truncated .npy file (", size, " bytes, header cut off)");
  size_t headerLength = readLittleEndian(data + kMagicSize + 2, lengthBytes);
  if (headerLength > size - prefix)
    return error(LOOM_STATUS_DATA_LOSS, source, ": truncated .npy file (",
                 "header says ", headerLength, " bytes, only ", size - prefix,
                 " follow)");
  std::string headerText(reinterpret_cast<const char *>(data + prefix),
                         headerLength);
  NpyHeader header;
  LOOM_RETURN_IF_ERROR(HeaderParser(headerText, source).parse(&header));
  if (header.fortranOrder)
    return error(LOOM_STATUS_UNIMPLEMENTED, source,
                 ": fortran_order=True is not supported; save the array in C "
                 "order (np.ascontiguousarray)");
  loom_dtype_t dtype = LOOM_DTYPE_F32;
  LOOM_RETURN_IF_ERROR(dtypeFromDescr(header.descr, source, &dtype));

  // Check the size before allocating: a tiny file must not make us
  // allocate what its header claims.
  size_t bytes = 0;
  Status typeStatus = checkTensorType(dtype, header.shape.data(),
                                      header.shape.size(), source, nullptr,
                                      &bytes);
  if (!typeStatus.ok())
    return Status(LOOM_STATUS_DATA_LOSS, typeStatus.message());
  size_t payload = size - prefix - headerLength;
  if (payload != bytes)
    return error(LOOM_STATUS_DATA_LOSS, source, ": ",
                 payload < bytes ? "truncated" : "oversized",
                 " .npy file: ", formatType(dtype, header.shape), " needs ",
                 bytes, " bytes of data, the file has ", payload);
  loom_tensor_t *tensor = nullptr;
  LOOM_RETURN_IF_ERROR(allocateTensor(dtype, header.shape.data(),
                                      header.shape.size(), /*zeroFill=*/false,
                                      source, &tensor));
  if (payload)
    std::memcpy(tensor->data, data + prefix + headerLength, payload);
  *out = tensor;
  return okStatus();
}

Status encodeNpy(const loom_tensor_t &tensor, std::string *bytes) {
  std::string dict = "{'descr': '" + descrFor(tensor.dtype) +
                     "', 'fortran_order': False, 'shape': (";
  for (size_t i = 0; i < tensor.shape.size(); ++i) {
    if (i)
      dict += ", ";
    dict += std::to_string(tensor.shape[i]);
  }
  dict += tensor.shape.size() == 1 ? ",), }" : "), }";
  // Pad with spaces and end with '\n' so the data starts 64-byte aligned.
  bool version1 = dict.size() + 1 + 63 <= 65535;
  size_t prefix = kMagicSize + 2 + (version1 ? 2 : 4);
  size_t total = prefix + dict.size() + 1;
  dict.append((64 - total % 64) % 64, ' ');
  dict += '\n';

  bytes->assign(reinterpret_cast<const char *>(kMagic), kMagicSize);
  bytes->push_back(static_cast<char>(version1 ? 1 : 2));
  bytes->push_back(0);
  size_t length = dict.size();
  for (size_t i = 0; i < (version1 ? 2u : 4u); ++i)
    bytes->push_back(static_cast<char>((length >> (8 * i)) & 0xff));
  *bytes += dict;
  bytes->append(static_cast<const char *>(tensor.data), tensor.byteSize);
  return okStatus();
}

} // namespace loom::rt

using namespace loom::rt;

extern "C" {

loom_status_t loom_npy_read_file(const char *path,
                                 loom_tensor_t **out_tensor) {
  const char *api = "loom_npy_read_file";
  return guardedCall(api, [&]() -> Status {
    LOOM_CHECK_ARG(api, path);
    LOOM_CHECK_ARG(api, out_tensor);
    *out_tensor = nullptr;
    FileBytes file;
    LOOM_RETURN_IF_ERROR(readFile(path, &file));
    return readNpy(file.data(), file.size(), path, out_tensor);
  });
}

loom_status_t loom_npy_read_memory(const void *data, size_t size,
                                   loom_tensor_t **out_tensor) {
  const char *api = "loom_npy_read_memory";
  return guardedCall(api, [&]() -> Status {
    LOOM_CHECK_ARG(api, data);
    LOOM_CHECK_ARG(api, out_tensor);
    *out_tensor = nullptr;
    return readNpy(static_cast<const unsigned char *>(data), size,
                   "<memory>", out_tensor);
  });
}

loom_status_t loom_npy_write_file(const char *path,
                                  const loom_tensor_t *tensor) {
  const char *api = "loom_npy_write_file";
  return guardedCall(api, [&]() -> Status {
    LOOM_CHECK_ARG(api, path);
    LOOM_CHECK_ARG(api, tensor);
    std::string bytes;
    LOOM_RETURN_IF_ERROR(encodeNpy(*tensor, &bytes));
    return writeFile(path, bytes.data(), bytes.size());
  });
}

} // extern "C"
