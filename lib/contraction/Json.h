//===- Json.h - Minimal JSON reader (internal) ------------------*- C++ -*-===//
//
// Part of Loom's tensor-network contraction library (LoomContraction).
// Internal header.
//
// Just enough JSON (RFC 8259) to read network files: objects, arrays,
// strings (with escapes, \u as UTF-8), numbers, true/false/null. Objects keep
// their keys in file order; duplicate keys are an error. Recursion depth is
// bounded so hostile input cannot overflow the stack.
//
//===----------------------------------------------------------------------===//
#ifndef LOOM_LIB_CONTRACTION_JSON_H
#define LOOM_LIB_CONTRACTION_JSON_H

#include "loom/contraction/Result.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace loom {
namespace contraction {
namespace detail {

struct JsonValue {
  enum class Kind { Null, Bool, Number, String, Array, Object };
  Kind kind = Kind::Null;
  bool boolean = false;
  double number = 0;
  /// The number's text as written (to check for integers exactly).
  std::string text;
  std::vector<JsonValue> items;                          ///< Array
  std::vector<std::pair<std::string, JsonValue>> fields; ///< Object

  const JsonValue *field(const std::string &key) const {
    for (const auto &f : fields)
      if (f.first == key)
        return &f.second;
    return nullptr;
  }
};

/// Parses a whole document; errors give line and column.
Result<JsonValue> parseJson(const std::string &text);

/// Name of a kind, for messages ("an array", "a string", ...).
const char *jsonKindName(JsonValue::Kind kind);

} // namespace detail
} // namespace contraction
} // namespace loom

#endif // LOOM_LIB_CONTRACTION_JSON_H
