// The header-only C++ wrapper (loom/runtime.hpp).
#include "loom/runtime.hpp"
#include "test_module_builder.h"

#include <gtest/gtest.h>

namespace loom::test {
namespace {

TEST(CppWrapperTest, LoadCallAndErrors) {
  loom_runtime_options_t options;
  loom_runtime_options_init(&options);
  options.thread_count = 2;
  Runtime runtime;
  ASSERT_TRUE(Runtime::create(&options, &runtime).ok());
  std::vector<uint8_t> bytes = serialize(*makeTestModule());
  Module module;
  Status s = Module::loadMemory(runtime, bytes.data(), bytes.size(),
                                LOOM_MEMORY_COPY, &module);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(module.functionCount(), 3u);

  Function fn;
  ASSERT_TRUE(module.lookup("copy_fill", &fn).ok());
  EXPECT_STREQ(fn.name(), "copy_fill");
  std::vector<float> values = {1, 2, 3, 4, 5};
  Tensor x;
  ASSERT_TRUE(Tensor::copy(LOOM_DTYPE_F32, {5}, values.data(),
                           values.size() * sizeof(float), &x)
                  .ok());
  std::vector<Tensor> results;
  s = fn.call({x}, &results);
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].shape(), std::vector<int64_t>{5});
  EXPECT_EQ(results[0].data<float>()[4], 5.0f);
  EXPECT_EQ(results[1].data<int32_t>()[0], 7);

  Status missing = module.lookup("nope", &fn);
  EXPECT_FALSE(missing.ok());
  EXPECT_EQ(missing.code(), LOOM_STATUS_NOT_FOUND);
  Status wrong = fn.call({}, &results);
  EXPECT_EQ(wrong.code(), LOOM_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(results.size(), 2u); // untouched on failure
}

TEST(CppWrapperTest, DynamicShapes) {
  Runtime runtime;
  ASSERT_TRUE(Runtime::create(nullptr, &runtime).ok());
  std::vector<uint8_t> bytes = serialize(*makeDynamicModule());
  Module module;
  ASSERT_TRUE(Module::loadMemory(runtime, bytes.data(), bytes.size(),
                                 LOOM_MEMORY_COPY, &module)
                  .ok());
  Function fn;
  ASSERT_TRUE(module.lookup("twice", &fn).ok());
  EXPECT_TRUE(fn.isDynamic());
  EXPECT_STREQ(fn.inputDimName(0, 0), "batch");
  EXPECT_STREQ(fn.inputDimName(0, 1), "");
  EXPECT_STREQ(fn.inputDimName(5, 0), "");
  EXPECT_STREQ(fn.outputDimName(0, 0), "batch * 2");
}

} // namespace
} // namespace loom::test
