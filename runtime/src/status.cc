// Status and the C status object (loom_status_s) behind loom_status_t.
#include "status.h"

#include <new>

struct loom_status_s {
  loom_status_code_t code;
  std::string message;
  bool isStatic; // the preallocated out-of-memory status: never freed
};

namespace loom::rt {
namespace {
loom_status_s outOfMemory{LOOM_STATUS_RESOURCE_EXHAUSTED,
                          "out of memory (while reporting an error)", true};
} // namespace

loom_status_t outOfMemoryStatus() { return &outOfMemory; }

Status &Status::withContext(const std::string &context) {
  if (!ok())
    message_ = context + ": " + message_;
  return *this;
}

loom_status_t Status::toC() const {
  if (ok())
    return nullptr;
  try {
    return new loom_status_s{code_, message_, false};
  } catch (...) {
    return outOfMemoryStatus();
  }
}

} // namespace loom::rt

extern "C" {

loom_status_code_t loom_status_code(loom_status_t status) {
  return status ? status->code : LOOM_STATUS_OK;
}

const char *loom_status_message(loom_status_t status) {
  return status ? status->message.c_str() : "OK";
}

const char *loom_status_code_name(loom_status_code_t code) {
  switch (code) {
  case LOOM_STATUS_OK:
    return "OK";
  case LOOM_STATUS_INVALID_ARGUMENT:
    return "INVALID_ARGUMENT";
  case LOOM_STATUS_NOT_FOUND:
    return "NOT_FOUND";
  case LOOM_STATUS_UNAVAILABLE:
    return "UNAVAILABLE";
  case LOOM_STATUS_DATA_LOSS:
    return "DATA_LOSS";
  case LOOM_STATUS_INCOMPATIBLE:
    return "INCOMPATIBLE";
  case LOOM_STATUS_RESOURCE_EXHAUSTED:
    return "RESOURCE_EXHAUSTED";
  case LOOM_STATUS_UNIMPLEMENTED:
    return "UNIMPLEMENTED";
  case LOOM_STATUS_IO_ERROR:
    return "IO_ERROR";
  case LOOM_STATUS_INTERNAL:
    return "INTERNAL";
  case LOOM_STATUS_CODE_MAX_ENUM:
    break;
  }
  return "UNKNOWN";
}

loom_status_t loom_status_create(loom_status_code_t code,
                                 const char *message) {
  if (code == LOOM_STATUS_OK)
    return nullptr;
  return loom::rt::Status(code, message ? message : "").toC();
}

void loom_status_free(loom_status_t status) {
  if (status && !status->isStatic)
    delete status;
}

} // extern "C"
