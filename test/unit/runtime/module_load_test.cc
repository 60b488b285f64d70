// Creating runtimes, loading modules (file, copy, borrow) and querying their
// functions and signatures.
#include "test_helpers.h"
#include "test_module_builder.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

namespace loom::test {
namespace {

std::string writeTempFile(const std::vector<uint8_t> &bytes) {
  std::string path = ::testing::TempDir() + "loom-test-XXXXXX";
  int fd = ::mkstemp(&path[0]);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(::write(fd, bytes.data(), bytes.size()),
            static_cast<ssize_t>(bytes.size()));
  ::close(fd);
  return path;
}

TEST(RuntimeTest, DefaultsToTheCpuWithOneThreadPerCore) {
  loom_runtime_t *rt = nullptr;
  LOOM_ASSERT_OK(loom_runtime_create(nullptr, &rt));
  EXPECT_STREQ(loom_runtime_device_name(rt), "cpu");
  EXPECT_GE(loom_runtime_thread_count(rt), 1);
  EXPECT_EQ(loom_runtime_max_call_memory_bytes(rt), 0u);
  loom_runtime_release(rt);
}

TEST(RuntimeTest, GpuDevicesWithoutADriverAreUnavailable) {
  // The GPU drivers are opened at run time: point them at nothing.
  setenv("LOOM_VULKAN_LIBRARY", "/nonexistent/libvulkan.so.1", 1);
  setenv("LOOM_CUDA_LIBRARY", "/nonexistent/libcuda.so.1", 1);
  loom_runtime_options_t options;
  loom_runtime_options_init(&options);
  for (const char *device : {"vulkan", "vulkan:1", "cuda", "cuda:0"}) {
    options.device = device;
    loom_runtime_t *rt = nullptr;
    loom_status_t status = loom_runtime_create(&options, &rt);
    EXPECT_EQ(loom_status_code(status), LOOM_STATUS_UNAVAILABLE) << device;
    std::string message = loom_status_message(status);
    EXPECT_TRUE(message.find("cannot load '/nonexistent/") !=
                    std::string::npos ||
                message.find("is not available in this build") !=
                    std::string::npos)
        << message;
    loom_status_free(status);
    EXPECT_EQ(rt, nullptr);
  }
  unsetenv("LOOM_VULKAN_LIBRARY");
  unsetenv("LOOM_CUDA_LIBRARY");
  options.device = "tpu";
  loom_runtime_t *rt = nullptr;
  LOOM_EXPECT_ERROR(loom_runtime_create(&options, &rt),
                    LOOM_STATUS_INVALID_ARGUMENT, "unknown device 'tpu'");
}

TEST(RuntimeTest, RejectsBadOptions) {
  loom_runtime_options_t options;
  loom_runtime_options_init(&options);
  options.thread_count = -2;
  loom_runtime_t *rt = nullptr;
  LOOM_EXPECT_ERROR(loom_runtime_create(&options, &rt),
                    LOOM_STATUS_INVALID_ARGUMENT, "thread count -2");
  options.thread_count = 0;
  options.struct_size = 0;
  LOOM_EXPECT_ERROR(loom_runtime_create(&options, &rt),
                    LOOM_STATUS_INVALID_ARGUMENT, "loom_runtime_options_init");
  LOOM_EXPECT_ERROR(loom_runtime_create(nullptr, nullptr),
                    LOOM_STATUS_INVALID_ARGUMENT, "'out_runtime' is NULL");
}

class ModuleLoadTest : public ::testing::Test {
protected:
  void SetUp() override {
    runtime = makeRuntime(2);
    bytes = serialize(*makeTestModule());
  }
  RuntimePtr runtime;
  std::vector<uint8_t> bytes;
};

TEST_F(ModuleLoadTest, FromFile) {
  std::string path = writeTempFile(bytes);
  loom_module_t *m = nullptr;
  LOOM_ASSERT_OK(loom_module_load_file(runtime.get(), path.c_str(), &m));
  ModulePtr module(m);
  std::remove(path.c_str());
  EXPECT_STREQ(loom_module_target(m), "cpu");
  EXPECT_STREQ(loom_module_producer(m), "loom-test-module-gen");
  EXPECT_EQ(loom_module_function_count(m), 3u);
}

TEST_F(ModuleLoadTest, MissingFileAndDirectory) {
  loom_module_t *m = nullptr;
  LOOM_EXPECT_ERROR(
      loom_module_load_file(runtime.get(), "/nonexistent/x.loom", &m),
      LOOM_STATUS_NOT_FOUND, "cannot open '/nonexistent/x.loom'",
      "No such file");
  LOOM_EXPECT_ERROR(loom_module_load_file(runtime.get(), "/tmp", &m),
                    LOOM_STATUS_IO_ERROR, "'/tmp': it is a directory");
}

TEST_F(ModuleLoadTest, FromCopiedMemoryOutlivesTheCallersBytes) {
  std::vector<uint8_t> copy = bytes;
  loom_module_t *m = nullptr;
  LOOM_ASSERT_OK(loom_module_load_memory(runtime.get(), copy.data(),
                                         copy.size(), LOOM_MEMORY_COPY, &m));
  ModulePtr module(m);
  std::fill(copy.begin(), copy.end(), 0);
  copy.clear();
  copy.shrink_to_fit();
  loom_function_t *fn = nullptr;
  LOOM_EXPECT_OK(loom_module_lookup_function(m, "grid", &fn));
  loom_tensor_t *out = nullptr;
  LOOM_EXPECT_OK(loom_function_call(fn, nullptr, 0, &out, 1));
  loom_tensor_release(out);
}

TEST_F(ModuleLoadTest, BorrowedMemoryMustBeAligned) {
  unsigned char *aligned =
      static_cast<unsigned char *>(std::aligned_alloc(64, bytes.size() + 64));
  std::memcpy(aligned, bytes.data(), bytes.size());
  loom_module_t *m = nullptr;
  LOOM_EXPECT_OK(loom_module_load_memory(runtime.get(), aligned, bytes.size(),
                                         LOOM_MEMORY_BORROW, &m));
  loom_module_release(m);
  std::memmove(aligned + 8, aligned, bytes.size());
  m = nullptr;
  LOOM_EXPECT_ERROR(loom_module_load_memory(runtime.get(), aligned + 8,
                                            bytes.size(), LOOM_MEMORY_BORROW,
                                            &m),
                    LOOM_STATUS_INVALID_ARGUMENT, "64-byte aligned");
  EXPECT_EQ(m, nullptr);
  std::free(aligned);
}

TEST_F(ModuleLoadTest, ModuleKeepsItsRuntimeAlive) {
  loom_module_t *m = nullptr;
  LOOM_ASSERT_OK(loom_module_load_memory(runtime.get(), bytes.data(),
                                         bytes.size(), LOOM_MEMORY_COPY, &m));
  runtime.reset();
  loom_function_t *fn = nullptr;
  LOOM_EXPECT_OK(loom_module_lookup_function(m, "grid", &fn));
  loom_tensor_t *out = nullptr;
  LOOM_EXPECT_OK(loom_function_call(fn, nullptr, 0, &out, 1));
  loom_tensor_release(out);
  loom_module_retain(m);
  loom_module_release(m);
  loom_module_release(m);
}

TEST_F(ModuleLoadTest, FunctionsAndSignatures) {
  loom_module_t *m = nullptr;
  LOOM_ASSERT_OK(loom_module_load_memory(runtime.get(), bytes.data(),
                                         bytes.size(), LOOM_MEMORY_COPY, &m));
  ModulePtr module(m);
  const char *names[] = {"main", "copy_fill", "grid"};
  for (size_t i = 0; i < 3; ++i) {
    loom_function_t *fn = nullptr;
    LOOM_ASSERT_OK(loom_module_function_at(m, i, &fn));
    EXPECT_STREQ(loom_function_name(fn), names[i]);
  }
  loom_function_t *fn = nullptr;
  LOOM_ASSERT_OK(loom_module_lookup_function(m, "copy_fill", &fn));
  EXPECT_STREQ(loom_function_signature(fn),
               "copy_fill(tensor<5xf32>) -> (tensor<5xf32>, tensor<3xi32>)");
  EXPECT_EQ(loom_function_input_count(fn), 1u);
  EXPECT_EQ(loom_function_output_count(fn), 2u);
  loom_tensor_type_t type;
  LOOM_ASSERT_OK(loom_function_output_type(fn, 1, &type));
  EXPECT_EQ(type.dtype, LOOM_DTYPE_I32);
  ASSERT_EQ(type.rank, 1u);
  EXPECT_EQ(type.shape[0], 3);
  LOOM_ASSERT_OK(loom_function_input_type(fn, 0, &type));
  EXPECT_EQ(type.dtype, LOOM_DTYPE_F32);
  EXPECT_EQ(type.shape[0], 5);
  LOOM_EXPECT_ERROR(loom_function_input_type(fn, 1, &type),
                    LOOM_STATUS_INVALID_ARGUMENT, "index 1 is out of range",
                    "has 1 inputs");
  LOOM_EXPECT_ERROR(loom_module_function_at(m, 3, &fn),
                    LOOM_STATUS_INVALID_ARGUMENT, "index 3 is out of range");
}

TEST_F(ModuleLoadTest, UnknownFunctionListsTheKnownOnes) {
  loom_module_t *m = nullptr;
  LOOM_ASSERT_OK(loom_module_load_memory(runtime.get(), bytes.data(),
                                         bytes.size(), LOOM_MEMORY_COPY, &m));
  ModulePtr module(m);
  loom_function_t *fn = nullptr;
  LOOM_EXPECT_ERROR(loom_module_lookup_function(m, "predict", &fn),
                    LOOM_STATUS_NOT_FOUND,
                    "no function named 'predict' in the module (it has: "
                    "main, copy_fill, grid)");
  EXPECT_EQ(fn, nullptr);
}

TEST_F(ModuleLoadTest, NullArguments) {
  loom_module_t *m = nullptr;
  LOOM_EXPECT_ERROR(loom_module_load_file(nullptr, "x", &m),
                    LOOM_STATUS_INVALID_ARGUMENT, "'runtime' is NULL");
  LOOM_EXPECT_ERROR(loom_module_load_file(runtime.get(), nullptr, &m),
                    LOOM_STATUS_INVALID_ARGUMENT, "'path' is NULL");
  LOOM_EXPECT_ERROR(loom_module_load_memory(runtime.get(), nullptr, 10,
                                            LOOM_MEMORY_COPY, &m),
                    LOOM_STATUS_INVALID_ARGUMENT, "'data' is NULL");
  LOOM_EXPECT_ERROR(loom_module_load_memory(runtime.get(), bytes.data(),
                                            bytes.size(), LOOM_MEMORY_COPY,
                                            nullptr),
                    LOOM_STATUS_INVALID_ARGUMENT, "'out_module' is NULL");
  loom_function_t *fn = nullptr;
  LOOM_EXPECT_ERROR(loom_module_lookup_function(nullptr, "main", &fn),
                    LOOM_STATUS_INVALID_ARGUMENT, "'module' is NULL");
  // Getters tolerate NULL.
  EXPECT_EQ(loom_module_function_count(nullptr), 0u);
  EXPECT_STREQ(loom_function_name(nullptr), "");
  EXPECT_EQ(loom_function_input_count(nullptr), 0u);
  loom_module_release(nullptr);
  loom_runtime_release(nullptr);
}

} // namespace
} // namespace loom::test
