// Tuning knobs read from environment variables.
#ifndef LOOM_RUNTIME_SRC_ENVIRONMENT_H
#define LOOM_RUNTIME_SRC_ENVIRONMENT_H

#include <cstdint>
#include <cstdlib>
#include <optional>

namespace loom::rt {

// The non-negative decimal number in environment variable `name`; nullopt
// when it is unset, empty, negative or not a number (the caller keeps its
// default). A value too large for 64 bits reads as UINT64_MAX.
inline std::optional<uint64_t> environmentNumber(const char *name) {
  const char *text = std::getenv(name);
  if (!text || !*text)
    return std::nullopt;
  char *end = nullptr;
  unsigned long long value = std::strtoull(text, &end, 10);
  for (const char *c = text; c != end; ++c)
    if (*c == '-')
      return std::nullopt;
  if (*end != '\0')
    return std::nullopt;
  return value;
}

} // namespace loom::rt

#endif // LOOM_RUNTIME_SRC_ENVIRONMENT_H
