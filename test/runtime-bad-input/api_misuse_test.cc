// Runtime API misuse that test/unit/runtime does not already cover: each
// call fails with one clear message and the right code, writes no output,
// and crashes nothing. (Covered there: NULL arguments of load/lookup/call,
// wrong input count/shape/dtype, unknown function names, tensor sizes, bad
// runtime options, the memory cap on the test module.)
#include "test_helpers.h"
#include "test_module_builder.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>

namespace loom::test {
namespace {

std::vector<uint8_t> testModule() { return serialize(*makeTestModule()); }

// The standard test module, loaded (copied) into `runtime`; its `name`.
ModulePtr loadTestModule(loom_runtime_t *runtime, const char *name,
                         loom_function_t **function) {
  std::vector<uint8_t> bytes = testModule();
  loom_module_t *m = nullptr;
  loom_status_t s = loom_module_load_memory(runtime, bytes.data(),
                                            bytes.size(), LOOM_MEMORY_COPY, &m);
  EXPECT_EQ(s, nullptr) << loom_status_message(s);
  loom_status_free(s);
  s = m ? loom_module_lookup_function(m, name, function) : nullptr;
  EXPECT_EQ(s, nullptr) << loom_status_message(s);
  loom_status_free(s);
  return ModulePtr(m);
}

TEST(ApiMisuseTest, UnknownMemoryMode) {
  RuntimePtr runtime = makeRuntime();
  std::vector<uint8_t> bytes = testModule();
  loom_module_t *m = nullptr;
  LOOM_EXPECT_ERROR(
      loom_module_load_memory(runtime.get(), bytes.data(), bytes.size(),
                              static_cast<loom_memory_mode_t>(7), &m),
      LOOM_STATUS_INVALID_ARGUMENT, "unknown memory mode 7");
  EXPECT_EQ(m, nullptr);
}

TEST(ApiMisuseTest, EmptyAndTinyModuleBuffers) {
  RuntimePtr runtime = makeRuntime();
  std::vector<uint8_t> bytes = testModule();
  for (size_t size : {0, 1, 7}) {
    loom_module_t *m = nullptr;
    LOOM_EXPECT_ERROR(loom_module_load_memory(runtime.get(), bytes.data(),
                                              size, LOOM_MEMORY_COPY, &m),
                      LOOM_STATUS_DATA_LOSS, "module file is too small (",
                      "to be a Loom module");
    EXPECT_EQ(m, nullptr);
  }
}

TEST(ApiMisuseTest, NotAModuleAtAll) {
  RuntimePtr runtime = makeRuntime();
  const char text[] = "func.func @main() { return }";
  loom_module_t *m = nullptr;
  LOOM_EXPECT_ERROR(loom_module_load_memory(runtime.get(), text,
                                            sizeof(text), LOOM_MEMORY_COPY,
                                            &m),
                    LOOM_STATUS_DATA_LOSS, "not a Loom module",
                    "expected 'LOOM'");
  EXPECT_EQ(m, nullptr);
}

TEST(ApiMisuseTest, SignatureQueriesOutOfRangeOrNull) {
  RuntimePtr runtime = makeRuntime();
  loom_function_t *fn = nullptr;
  ModulePtr module = loadTestModule(runtime.get(), "main", &fn);
  ASSERT_NE(fn, nullptr);
  loom_module_t *m = module.get();
  loom_tensor_type_t type;
  LOOM_EXPECT_ERROR(loom_function_output_type(fn, 1, &type),
                    LOOM_STATUS_INVALID_ARGUMENT, "index 1 is out of range",
                    "has 1 outputs");
  LOOM_EXPECT_ERROR(loom_function_input_type(fn, 0, nullptr),
                    LOOM_STATUS_INVALID_ARGUMENT, "'out_type' is NULL");
  LOOM_EXPECT_ERROR(loom_function_input_type(nullptr, 0, &type),
                    LOOM_STATUS_INVALID_ARGUMENT, "'function' is NULL");
  LOOM_EXPECT_ERROR(loom_module_lookup_function(m, nullptr, &fn),
                    LOOM_STATUS_INVALID_ARGUMENT, "'name' is NULL");
  LOOM_EXPECT_ERROR(loom_module_lookup_function(m, "", &fn),
                    LOOM_STATUS_NOT_FOUND, "no function named ''");
  EXPECT_EQ(fn, nullptr);
}

TEST(ApiMisuseTest, WrappedTensorOfTheWrongSize) {
  int64_t shape[] = {2, 3};
  float data[5] = {};
  int released = 0;
  loom_tensor_t *t = nullptr;
  LOOM_EXPECT_ERROR(
      loom_tensor_wrap(LOOM_DTYPE_F32, 2, shape, data, sizeof(data),
                       [](void *user, void *) { ++*static_cast<int *>(user); },
                       &released, &t),
      LOOM_STATUS_INVALID_ARGUMENT, "tensor<2x3xf32>", "24");
  EXPECT_EQ(t, nullptr);
  // A failed wrap does not take ownership: the release callback is not run.
  EXPECT_EQ(released, 0);
}

TEST(ApiMisuseTest, CallWithAWrappedInputOfTheRightSizeButWrongShape) {
  RuntimePtr runtime = makeRuntime();
  loom_function_t *fn = nullptr;
  ModulePtr module = loadTestModule(runtime.get(), "main", &fn);
  ASSERT_NE(fn, nullptr);
  // 16 floats, as main expects, but as 4x4 instead of 2x8.
  TensorPtr x = makeF32({4, 4}, std::vector<float>(16, 1.0f));
  TensorPtr y = makeF32({2, 8}, std::vector<float>(16, 1.0f));
  loom_tensor_t *inputs[] = {x.get(), y.get()};
  loom_tensor_t *out = nullptr;
  LOOM_EXPECT_ERROR(loom_function_call(fn, inputs, 2, &out, 1),
                    LOOM_STATUS_INVALID_ARGUMENT,
                    "input 0 of function 'main' is tensor<4x4xf32> but the "
                    "function expects tensor<2x8xf32>");
  EXPECT_EQ(out, nullptr);
}

TEST(ApiMisuseTest, NpyMisuse) {
  loom_tensor_t *t = nullptr;
  LOOM_EXPECT_ERROR(loom_npy_read_memory(nullptr, 10, &t),
                    LOOM_STATUS_INVALID_ARGUMENT, "'data' is NULL");
  const char bytes[] = "\x93NUMPY";
  LOOM_EXPECT_ERROR(loom_npy_read_memory(bytes, 6, nullptr),
                    LOOM_STATUS_INVALID_ARGUMENT, "'out_tensor' is NULL");
  LOOM_EXPECT_ERROR(loom_npy_read_memory(bytes, 6, &t), LOOM_STATUS_DATA_LOSS,
                    "not a .npy file");
  LOOM_EXPECT_ERROR(loom_npy_write_file(tempPath("x.npy").c_str(), nullptr),
                    LOOM_STATUS_INVALID_ARGUMENT, "'tensor' is NULL");
  EXPECT_EQ(t, nullptr);
}

// The memory cap on a module from loom-compile: its buffer plan (a 128-byte
// arena, two results of 32 and 16 bytes) is in the message.
TEST(ApiMisuseTest, CompiledModuleAboveTheMemoryCap) {
#if !defined(__x86_64__)
  GTEST_SKIP() << "the compiled module is x86-64 code";
#endif
  std::ifstream in(LOOM_COMPILED_MODULE, std::ios::binary);
  std::vector<uint8_t> bytes(std::istreambuf_iterator<char>(in), {});
  ASSERT_FALSE(bytes.empty());
  for (uint64_t cap : {175u, 1u}) {
    RuntimePtr runtime = makeRuntime(1, cap);
    loom_module_t *m = nullptr;
    std::string limit =
        "above the runtime's limit of " + std::to_string(cap) + " bytes";
    LOOM_EXPECT_ERROR(
        loom_module_load_memory(runtime.get(), bytes.data(), bytes.size(),
                                LOOM_MEMORY_COPY, &m),
        LOOM_STATUS_RESOURCE_EXHAUSTED,
        "function 'main' needs 176 bytes per call (arena 128 + outputs 48)",
        limit.c_str());
    EXPECT_EQ(m, nullptr);
  }
  RuntimePtr exact = makeRuntime(1, 176);
  loom_module_t *m = nullptr;
  LOOM_EXPECT_OK(loom_module_load_memory(exact.get(), bytes.data(),
                                         bytes.size(), LOOM_MEMORY_COPY, &m));
  loom_module_release(m);
}

} // namespace
} // namespace loom::test
