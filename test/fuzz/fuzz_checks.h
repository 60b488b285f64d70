// Checks shared by the fuzz targets: what bad input must never produce.
#ifndef LOOM_TEST_FUZZ_FUZZ_CHECKS_H
#define LOOM_TEST_FUZZ_FUZZ_CHECKS_H

#include "loom/runtime.h"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace loom::fuzz {

[[noreturn]] inline void violated(const std::string &what) {
  std::fprintf(stderr, "loom fuzz target: invariant violated: %s\n",
               what.c_str());
  std::abort();
}

// Returns the status's code and frees it; aborts on an INTERNAL status (a
// runtime bug), a code out of range, or an error without a message.
inline loom_status_code_t consume(const char *what, loom_status_t status) {
  if (!status)
    return LOOM_STATUS_OK;
  loom_status_code_t code = loom_status_code(status);
  std::string message = loom_status_message(status);
  loom_status_free(status);
  if (code == LOOM_STATUS_OK || code >= LOOM_STATUS_INTERNAL)
    violated(std::string(what) + ": status " + loom_status_code_name(code) +
             " (" + std::to_string(code) + "): " + message);
  if (message.empty())
    violated(std::string(what) + ": error without a message");
  return code;
}

} // namespace loom::fuzz

#endif // LOOM_TEST_FUZZ_FUZZ_CHECKS_H
