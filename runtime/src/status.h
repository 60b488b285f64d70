// Status: the runtime's internal error type, and its conversion to the C
// API's loom_status_t. A Status is either ok or a code plus a message meant
// for the user (what failed, where, expected vs got).
#ifndef LOOM_RUNTIME_SRC_STATUS_H
#define LOOM_RUNTIME_SRC_STATUS_H

#include "loom/runtime.h"

#include <sstream>
#include <string>
#include <utility>

namespace loom::rt {

class [[nodiscard]] Status {
public:
  Status() = default;
  Status(loom_status_code_t code, std::string message)
      : code_(code), message_(std::move(message)) {}

  bool ok() const { return code_ == LOOM_STATUS_OK; }
  loom_status_code_t code() const { return code_; }
  const std::string &message() const { return message_; }

  // Prepends "context: " to the message of an error (no-op when ok).
  Status &withContext(const std::string &context);

  // Converts to the C representation: NULL when ok. Never fails (falls back
  // to a static out-of-memory status).
  loom_status_t toC() const;

private:
  loom_status_code_t code_ = LOOM_STATUS_OK;
  std::string message_;
};

inline Status okStatus() { return Status(); }

// Concatenates streamable values into a string.
template <typename... Args> std::string cat(const Args &...args) {
  std::ostringstream os;
  (os << ... << args);
  return os.str();
}

template <typename... Args>
Status error(loom_status_code_t code, const Args &...args) {
  return Status(code, cat(args...));
}

// The C status for out-of-memory, without allocating.
loom_status_t outOfMemoryStatus();

} // namespace loom::rt

#define LOOM_RETURN_IF_ERROR(expr)                                             \
  do {                                                                         \
    ::loom::rt::Status loomStatus_ = (expr);                                   \
    if (!loomStatus_.ok())                                                     \
      return loomStatus_;                                                      \
  } while (0)

#endif // LOOM_RUNTIME_SRC_STATUS_H
