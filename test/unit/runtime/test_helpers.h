// Helpers shared by the runtime unit tests: status checks that print the
// runtime's message, and owning handles for C API objects.
#ifndef LOOM_TEST_UNIT_RUNTIME_TEST_HELPERS_H
#define LOOM_TEST_UNIT_RUNTIME_TEST_HELPERS_H

#include "loom/runtime.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <unistd.h>
#include <vector>

namespace loom::test {

// A path in the test temp folder that is unique to this process: ctest and
// lit run test cases as parallel processes.
inline std::string tempPath(const std::string &name) {
  return ::testing::TempDir() + "loom-" + std::to_string(::getpid()) + "-" +
         name;
}

// Frees the status; returns its message ("" when ok) for EXPECT_THAT-style
// checks on the text.
inline std::string consume(loom_status_t status) {
  std::string message = status ? loom_status_message(status) : "";
  loom_status_free(status);
  return message;
}

#define LOOM_EXPECT_OK(expr)                                                   \
  do {                                                                         \
    loom_status_t s_ = (expr);                                                 \
    EXPECT_EQ(s_, nullptr) << loom_status_message(s_);                         \
    loom_status_free(s_);                                                      \
  } while (0)

#define LOOM_ASSERT_OK(expr)                                                   \
  do {                                                                         \
    loom_status_t s_ = (expr);                                                 \
    std::string m_ = s_ ? loom_status_message(s_) : "";                        \
    loom_status_free(s_);                                                      \
    ASSERT_TRUE(m_.empty()) << m_;                                             \
  } while (0)

// Expects `expr` to fail with `code` and a message containing every string in
// `fragments`.
#define LOOM_EXPECT_ERROR(expr, code, ...)                                     \
  do {                                                                         \
    loom_status_t s_ = (expr);                                                 \
    ASSERT_NE(s_, nullptr) << "expected " #code;                               \
    EXPECT_EQ(loom_status_code(s_), code)                                      \
        << loom_status_code_name(loom_status_code(s_)) << ": "                 \
        << loom_status_message(s_);                                            \
    std::string m_ = loom_status_message(s_);                                  \
    loom_status_free(s_);                                                      \
    for (const char *f_ : std::vector<const char *>{__VA_ARGS__})              \
      EXPECT_NE(m_.find(f_), std::string::npos)                                \
          << "message lacks '" << f_ << "': " << m_;                           \
  } while (0)

struct RuntimeDeleter {
  void operator()(loom_runtime_t *p) const { loom_runtime_release(p); }
};
struct ModuleDeleter {
  void operator()(loom_module_t *p) const { loom_module_release(p); }
};
struct TensorDeleter {
  void operator()(loom_tensor_t *p) const { loom_tensor_release(p); }
};
using RuntimePtr = std::unique_ptr<loom_runtime_t, RuntimeDeleter>;
using ModulePtr = std::unique_ptr<loom_module_t, ModuleDeleter>;
using TensorPtr = std::unique_ptr<loom_tensor_t, TensorDeleter>;

// A CPU runtime with `threads` threads (0: default) and a memory cap.
inline RuntimePtr makeRuntime(int threads = 1, uint64_t maxCallMemory = 0) {
  loom_runtime_options_t options;
  loom_runtime_options_init(&options);
  options.thread_count = threads;
  options.max_call_memory_bytes = maxCallMemory;
  loom_runtime_t *rt = nullptr;
  loom_status_t s = loom_runtime_create(&options, &rt);
  EXPECT_EQ(s, nullptr) << loom_status_message(s);
  loom_status_free(s);
  return RuntimePtr(rt);
}

inline TensorPtr makeF32(std::vector<int64_t> shape,
                         const std::vector<float> &values) {
  loom_tensor_t *t = nullptr;
  loom_status_t s =
      loom_tensor_create_copy(LOOM_DTYPE_F32, shape.size(), shape.data(),
                              values.data(), values.size() * sizeof(float), &t);
  EXPECT_EQ(s, nullptr) << loom_status_message(s);
  loom_status_free(s);
  return TensorPtr(t);
}

inline std::vector<float> f32Values(loom_tensor_t *t) {
  const float *p = static_cast<const float *>(loom_tensor_data(t));
  return std::vector<float>(p, p + loom_tensor_element_count(t));
}

} // namespace loom::test

#endif // LOOM_TEST_UNIT_RUNTIME_TEST_HELPERS_H
