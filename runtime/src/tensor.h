// loom_tensor_s: a reference-counted dense host array (C order), either
// owning 64-byte aligned memory or wrapping the caller's memory.
#ifndef LOOM_RUNTIME_SRC_TENSOR_H
#define LOOM_RUNTIME_SRC_TENSOR_H

#include "aligned_memory.h"
#include "status.h"

#include <atomic>
#include <cstdint>
#include <vector>

struct loom_tensor_s {
  std::atomic<int> refCount{1};
  loom_dtype_t dtype = LOOM_DTYPE_F32;
  std::vector<int64_t> shape;
  size_t elementCount = 0;
  size_t byteSize = 0;
  void *data = nullptr;
  bool ownsData = false; // data came from alignedAlloc
  loom_tensor_release_fn_t releaseFn = nullptr;
  void *releaseUserData = nullptr;

  ~loom_tensor_s();
};

namespace loom::rt {

// A new tensor with uninitialized (zeroFill = false) or zeroed memory.
// `what` names the tensor in error messages.
Status allocateTensor(loom_dtype_t dtype, const int64_t *shape, size_t rank,
                      bool zeroFill, const std::string &what,
                      loom_tensor_t **out);

} // namespace loom::rt

#endif // LOOM_RUNTIME_SRC_TENSOR_H
