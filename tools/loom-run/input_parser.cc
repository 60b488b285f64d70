#include "input_parser.h"

#include "half_float.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace loom::run {
namespace {

std::string takeMessage(loom_status_t status) {
  std::string message = loom_status_message(status);
  loom_status_free(status);
  return message;
}

// Splits inline values on spaces and commas; brackets are ignored.
std::vector<std::string> splitValues(const std::string &text) {
  std::vector<std::string> values;
  std::string current;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == ',' || c == '[' ||
        c == ']') {
      if (!current.empty())
        values.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty())
    values.push_back(current);
  return values;
}

bool parseFloat(const std::string &text, double *value) {
  errno = 0;
  char *end = nullptr;
  *value = std::strtod(text.c_str(), &end);
  return end != text.c_str() && *end == '\0';
}

bool parseSigned(const std::string &text, long long min, long long max,
                 long long *value) {
  errno = 0;
  char *end = nullptr;
  *value = std::strtoll(text.c_str(), &end, 10);
  return end != text.c_str() && *end == '\0' && errno == 0 && *value >= min &&
         *value <= max;
}

// Writes one textual value as element `index` of a tensor of `dtype`.
bool storeValue(const std::string &text, loom_dtype_t dtype, void *data,
                size_t index, std::string *error) {
  double f = 0;
  long long i = 0;
  auto bad = [&](const char *expected) {
    *error = "'" + text + "' is not " + expected;
    return false;
  };
  switch (dtype) {
  case LOOM_DTYPE_F32:
    if (!parseFloat(text, &f))
      return bad("a number");
    static_cast<float *>(data)[index] = static_cast<float>(f);
    return true;
  case LOOM_DTYPE_F64:
    if (!parseFloat(text, &f))
      return bad("a number");
    static_cast<double *>(data)[index] = f;
    return true;
  case LOOM_DTYPE_F16:
    if (!parseFloat(text, &f))
      return bad("a number");
    static_cast<uint16_t *>(data)[index] = floatToHalf(static_cast<float>(f));
    return true;
  case LOOM_DTYPE_BF16:
    if (!parseFloat(text, &f))
      return bad("a number");
    static_cast<uint16_t *>(data)[index] = floatToBf16(static_cast<float>(f));
    return true;
  case LOOM_DTYPE_I8:
    if (!parseSigned(text, INT8_MIN, INT8_MAX, &i))
      return bad("an integer in [-128, 127]");
    static_cast<int8_t *>(data)[index] = static_cast<int8_t>(i);
    return true;
  case LOOM_DTYPE_I32:
    if (!parseSigned(text, INT32_MIN, INT32_MAX, &i))
      return bad("a 32-bit integer");
    static_cast<int32_t *>(data)[index] = static_cast<int32_t>(i);
    return true;
  case LOOM_DTYPE_I64:
    if (!parseSigned(text, INT64_MIN, INT64_MAX, &i))
      return bad("a 64-bit integer");
    static_cast<int64_t *>(data)[index] = static_cast<int64_t>(i);
    return true;
  case LOOM_DTYPE_I1:
    if (text == "true" || text == "True" || text == "1")
      static_cast<uint8_t *>(data)[index] = 1;
    else if (text == "false" || text == "False" || text == "0")
      static_cast<uint8_t *>(data)[index] = 0;
    else
      return bad("a boolean (true, false, 1 or 0)");
    return true;
  case LOOM_DTYPE_MAX_ENUM:
    break;
  }
  return bad("a value of a known dtype");
}

bool parseInline(const std::string &spec, loom_tensor_t **out,
                 std::string *error) {
  size_t eq = spec.find('=');
  std::string typeText = spec.substr(0, eq);
  loom_dtype_t dtype;
  std::vector<int64_t> shape;
  if (!parseTypeSpec(typeText, &dtype, &shape, error))
    return false;
  loom_tensor_t *tensor = nullptr;
  loom_status_t status =
      loom_tensor_allocate(dtype, shape.size(), shape.data(), &tensor);
  if (status) {
    *error = takeMessage(status);
    return false;
  }
  if (eq == std::string::npos) { // zeros
    *out = tensor;
    return true;
  }
  std::vector<std::string> values = splitValues(spec.substr(eq + 1));
  size_t count = loom_tensor_element_count(tensor);
  char typeName[128];
  loom_tensor_type_format(loom_tensor_type(tensor), typeName,
                          sizeof(typeName));
  if (values.size() != count && !(values.size() == 1 && count > 0)) {
    *error = std::to_string(values.size()) + " value" +
             (values.size() == 1 ? "" : "s") + " for " + typeName +
             ", expected " + std::to_string(count) +
             (count > 1 ? " (or 1 to fill every element)" : "");
    loom_tensor_release(tensor);
    return false;
  }
  void *data = loom_tensor_data(tensor);
  for (size_t i = 0; i < count; ++i) {
    const std::string &text = values.size() == 1 ? values[0] : values[i];
    if (!storeValue(text, dtype, data, i, error)) {
      *error = "value " + std::to_string(i) + " of " + typeName + ": " + *error;
      loom_tensor_release(tensor);
      return false;
    }
    if (values.size() == 1 && count > 1) { // splat: copy element 0
      size_t size = loom_dtype_size(dtype);
      auto *bytes = static_cast<unsigned char *>(data);
      for (size_t j = 1; j < count; ++j)
        std::memcpy(bytes + j * size, bytes, size);
      break;
    }
  }
  *out = tensor;
  return true;
}

} // namespace

bool parseTypeSpec(const std::string &text, loom_dtype_t *dtype,
                   std::vector<int64_t> *shape, std::string *error) {
  shape->clear();
  size_t start = 0;
  for (;;) {
    size_t x = text.find('x', start);
    std::string part = text.substr(start, x == std::string::npos
                                              ? std::string::npos
                                              : x - start);
    bool isDim = !part.empty() &&
                 std::isdigit(static_cast<unsigned char>(part[0]));
    if (!isDim) {
      std::string dtypeText = text.substr(start);
      loom_status_t status = loom_dtype_parse(dtypeText.c_str(), dtype);
      if (status) {
        loom_status_free(status);
        *error = "'" + text + "' is not a tensor type like 2x3xf32 (unknown "
                 "dtype '" + dtypeText + "'; expected f32, f16, bf16, f64, "
                 "i8, i32, i64, i1 or bool)";
        return false;
      }
      return true;
    }
    long long dim = 0;
    if (!parseSigned(part, 0, std::numeric_limits<int64_t>::max(), &dim)) {
      *error = "'" + text + "': bad dimension '" + part + "'";
      return false;
    }
    shape->push_back(dim);
    if (x == std::string::npos) {
      *error = "'" + text + "' has no dtype (write it like 2x3xf32)";
      return false;
    }
    start = x + 1;
  }
}

bool parseInput(const std::string &spec, loom_tensor_t **out,
                std::string *error) {
  *out = nullptr;
  if (spec.empty()) {
    *error = "empty input (expected @file.npy or a value like 2x3xf32=1 2 3 "
             "4 5 6)";
    return false;
  }
  if (spec[0] == '@') {
    loom_status_t status = loom_npy_read_file(spec.c_str() + 1, out);
    if (status) {
      *error = takeMessage(status);
      return false;
    }
    return true;
  }
  return parseInline(spec, out, error);
}

} // namespace loom::run
