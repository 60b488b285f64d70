// Calls of dynamic functions. Each call binds the function's symbols from
// its inputs' shapes (bindSymbols: every mismatch is an error naming the
// input and the signature), then runs the instance for those values: a
// static loom_function_s with the output shapes, the arena plan (the
// compiler's greedy planner over the arena buffers' actual sizes) and the
// concrete dispatches and copies, every binding checked against its storage
// (instantiate). Instances are cached per tuple of symbol values, so a
// caller that alternates between a few sizes instantiates each once.
#ifndef LOOM_RUNTIME_SRC_INSTANCE_H
#define LOOM_RUNTIME_SRC_INSTANCE_H

#include "program.h"
#include "status.h"

#include <memory>
#include <mutex>
#include <vector>

namespace loom::rt {

using Instance = std::shared_ptr<const loom_function_s>;

class InstanceCache {
public:
  // The instance of `fn` for `symbols`, built on a miss. Thread-safe; an
  // instance stays alive while a caller holds it, even once evicted.
  Status get(const loom_function_s &fn, const std::vector<int64_t> &symbols,
             Instance *out);
  size_t size() const;

  static constexpr size_t kCapacity = 16;

private:
  mutable std::mutex mutex_;
  // Least recently used first.
  std::vector<std::pair<std::vector<int64_t>, Instance>> entries_;
};

// Checks a call's inputs (non-null, `fn.inputs.size()` of them) against
// dynamic function `fn` and returns its symbols' values.
Status bindSymbols(const loom_function_s &fn, loom_tensor_t *const *inputs,
                   std::vector<int64_t> *symbols);

// The static function that runs `fn` at these symbol values, checked
// against the runtime's max_call_memory_bytes.
Status instantiate(const loom_function_s &fn,
                   const std::vector<int64_t> &symbols,
                   std::unique_ptr<loom_function_s> *out);

} // namespace loom::rt

#endif // LOOM_RUNTIME_SRC_INSTANCE_H
