// Runs the body of a C API function so that no C++ exception escapes:
// std::bad_alloc becomes RESOURCE_EXHAUSTED, anything else INTERNAL.
#ifndef LOOM_RUNTIME_SRC_API_GUARD_H
#define LOOM_RUNTIME_SRC_API_GUARD_H

#include "status.h"

#include <exception>
#include <new>

namespace loom::rt {

template <typename Body>
loom_status_t guardedCall(const char *apiName, Body &&body) noexcept {
  try {
    return body().toC();
  } catch (const std::bad_alloc &) {
    return outOfMemoryStatus();
  } catch (const std::exception &e) {
    return Status(LOOM_STATUS_INTERNAL,
                  cat(apiName, ": internal error: ", e.what()))
        .toC();
  } catch (...) {
    return Status(LOOM_STATUS_INTERNAL, cat(apiName, ": internal error"))
        .toC();
  }
}

// Checks that a pointer argument is not NULL.
#define LOOM_CHECK_ARG(apiName, arg)                                           \
  do {                                                                         \
    if ((arg) == nullptr)                                                      \
      return ::loom::rt::error(LOOM_STATUS_INVALID_ARGUMENT, apiName,          \
                               ": argument '" #arg "' is NULL");               \
  } while (0)

} // namespace loom::rt

#endif // LOOM_RUNTIME_SRC_API_GUARD_H
