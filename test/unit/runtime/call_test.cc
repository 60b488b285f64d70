// Calling functions: results, thread counts, concurrent calls, the memory
// cap, and every misuse of loom_function_call.
#include "test_helpers.h"
#include "test_module_builder.h"

#include <atomic>
#include <cstring>
#include <thread>

namespace loom::test {
namespace {

class CallTest : public ::testing::TestWithParam<int> {
protected:
  void SetUp() override {
    runtime = makeRuntime(GetParam());
    std::vector<uint8_t> bytes = serialize(*makeTestModule());
    loom_module_t *m = nullptr;
    LOOM_ASSERT_OK(loom_module_load_memory(runtime.get(), bytes.data(),
                                           bytes.size(), LOOM_MEMORY_COPY,
                                           &m));
    module.reset(m);
  }

  loom_function_t *function(const char *name) {
    loom_function_t *fn = nullptr;
    LOOM_EXPECT_OK(loom_module_lookup_function(module.get(), name, &fn));
    return fn;
  }

  // Inputs x[i] = i * seed, y[i] = 1 + seed; expected (x + y) * 2.5.
  static std::vector<float> xValues(float seed) {
    std::vector<float> x(kMainElements);
    for (int i = 0; i < kMainElements; ++i)
      x[i] = static_cast<float>(i) * seed;
    return x;
  }
  static std::vector<float> expectedMain(float seed) {
    std::vector<float> out = xValues(seed);
    for (float &v : out)
      v = (v + 1.0f + seed) * kTestScale;
    return out;
  }

  // Runs main once and checks the result.
  void runMainAndCheck(float seed) {
    TensorPtr x = makeF32({2, 8}, xValues(seed));
    TensorPtr y = makeF32({2, 8}, std::vector<float>(kMainElements, 1 + seed));
    loom_tensor_t *inputs[] = {x.get(), y.get()};
    loom_tensor_t *out = nullptr;
    LOOM_ASSERT_OK(loom_function_call(function("main"), inputs, 2, &out, 1));
    TensorPtr result(out);
    ASSERT_EQ(loom_tensor_rank(out), 2u);
    EXPECT_EQ(loom_tensor_shape(out)[0], 2);
    EXPECT_EQ(loom_tensor_shape(out)[1], 8);
    EXPECT_EQ(f32Values(out), expectedMain(seed));
  }

  RuntimePtr runtime;
  ModulePtr module;
};

TEST_P(CallTest, MainComputesScaledSum) {
  EXPECT_EQ(loom_runtime_thread_count(runtime.get()), GetParam());
  for (int i = 0; i < 20; ++i)
    runMainAndCheck(static_cast<float>(i));
}

TEST_P(CallTest, CopyAndFill) {
  TensorPtr x = makeF32({5}, {1, 2, 3, 4, 5});
  loom_tensor_t *inputs[] = {x.get()};
  loom_tensor_t *outs[2] = {nullptr, nullptr};
  LOOM_ASSERT_OK(loom_function_call(function("copy_fill"), inputs, 1, outs, 2));
  TensorPtr copied(outs[0]), filled(outs[1]);
  EXPECT_EQ(f32Values(outs[0]), (std::vector<float>{1, 2, 3, 4, 5}));
  ASSERT_EQ(loom_tensor_dtype(outs[1]), LOOM_DTYPE_I32);
  const int32_t *fill = static_cast<const int32_t *>(loom_tensor_data(outs[1]));
  EXPECT_EQ(std::vector<int32_t>(fill, fill + 3),
            (std::vector<int32_t>{7, 7, 7}));
}

TEST_P(CallTest, EveryWorkgroupOfA3DGridRunsOnceWithItsId) {
  loom_tensor_t *out = nullptr;
  LOOM_ASSERT_OK(loom_function_call(function("grid"), nullptr, 0, &out, 1));
  TensorPtr result(out);
  const int32_t *ids = static_cast<const int32_t *>(loom_tensor_data(out));
  for (int i = 0; i < 12; ++i)
    EXPECT_EQ(ids[i], i + 1) << "workgroup " << i;
}

TEST_P(CallTest, ConcurrentCallsOfOneModule) {
  constexpr int kThreads = 6, kCalls = 150;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      loom_function_t *fn = nullptr;
      loom_status_free(loom_module_lookup_function(module.get(), "main", &fn));
      for (int c = 0; c < kCalls; ++c) {
        float seed = static_cast<float>(t * 1000 + c);
        TensorPtr x = makeF32({2, 8}, xValues(seed));
        TensorPtr y =
            makeF32({2, 8}, std::vector<float>(kMainElements, 1 + seed));
        loom_tensor_t *inputs[] = {x.get(), y.get()};
        loom_tensor_t *out = nullptr;
        loom_status_t s = loom_function_call(fn, inputs, 2, &out, 1);
        if (s || f32Values(out) != expectedMain(seed))
          failures.fetch_add(1);
        loom_status_free(s);
        loom_tensor_release(out);
      }
    });
  }
  for (std::thread &t : threads)
    t.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST_P(CallTest, MisalignedWrappedInputsAreStaged) {
  std::vector<float> x = xValues(3), y(kMainElements, 4);
  // One float past a 64-byte boundary.
  alignas(64) float storage[kMainElements * 2 + 16];
  float *xData = storage + 1, *yData = storage + 1 + kMainElements;
  std::memcpy(xData, x.data(), sizeof(float) * kMainElements);
  std::memcpy(yData, y.data(), sizeof(float) * kMainElements);
  int64_t shape[] = {2, 8};
  loom_tensor_t *xt = nullptr, *yt = nullptr;
  LOOM_ASSERT_OK(loom_tensor_wrap(LOOM_DTYPE_F32, 2, shape, xData,
                                  sizeof(float) * kMainElements, nullptr,
                                  nullptr, &xt));
  LOOM_ASSERT_OK(loom_tensor_wrap(LOOM_DTYPE_F32, 2, shape, yData,
                                  sizeof(float) * kMainElements, nullptr,
                                  nullptr, &yt));
  TensorPtr xp(xt), yp(yt);
  loom_tensor_t *inputs[] = {xt, yt};
  loom_tensor_t *out = nullptr;
  LOOM_ASSERT_OK(loom_function_call(function("main"), inputs, 2, &out, 1));
  TensorPtr result(out);
  EXPECT_EQ(f32Values(out), expectedMain(3));
}

INSTANTIATE_TEST_SUITE_P(Threads, CallTest, ::testing::Values(1, 4),
                         [](const ::testing::TestParamInfo<int> &info) {
                           return "threads" + std::to_string(info.param);
                         });

class CallMisuseTest : public CallTest {};

TEST_P(CallMisuseTest, WrongInputCountNamesTheSignature) {
  TensorPtr x = makeF32({2, 8}, xValues(1));
  loom_tensor_t *inputs[] = {x.get()};
  loom_tensor_t *out = nullptr;
  LOOM_EXPECT_ERROR(loom_function_call(function("main"), inputs, 1, &out, 1),
                    LOOM_STATUS_INVALID_ARGUMENT,
                    "function 'main' takes 2 inputs, got 1",
                    "signature: main(tensor<2x8xf32>, tensor<2x8xf32>) -> "
                    "(tensor<2x8xf32>)");
  EXPECT_EQ(out, nullptr);
}

TEST_P(CallMisuseTest, WrongShapeNamesTheInput) {
  TensorPtr x = makeF32({2, 8}, xValues(1));
  TensorPtr y = makeF32({16}, xValues(1));
  loom_tensor_t *inputs[] = {x.get(), y.get()};
  loom_tensor_t *out = nullptr;
  LOOM_EXPECT_ERROR(loom_function_call(function("main"), inputs, 2, &out, 1),
                    LOOM_STATUS_INVALID_ARGUMENT,
                    "input 1 of function 'main' is tensor<16xf32> but the "
                    "function expects tensor<2x8xf32>",
                    "signature: main(");
}

TEST_P(CallMisuseTest, WrongDTypeNamesTheInput) {
  int64_t shape[] = {2, 8};
  loom_tensor_t *y = nullptr;
  LOOM_ASSERT_OK(loom_tensor_allocate(LOOM_DTYPE_I32, 2, shape, &y));
  TensorPtr yp(y);
  TensorPtr x = makeF32({2, 8}, xValues(1));
  loom_tensor_t *inputs[] = {x.get(), y};
  loom_tensor_t *out = nullptr;
  LOOM_EXPECT_ERROR(loom_function_call(function("main"), inputs, 2, &out, 1),
                    LOOM_STATUS_INVALID_ARGUMENT,
                    "input 1 of function 'main' is tensor<2x8xi32> but the "
                    "function expects tensor<2x8xf32>");
}

TEST_P(CallMisuseTest, NullArguments) {
  TensorPtr x = makeF32({2, 8}, xValues(1));
  loom_tensor_t *inputs[] = {x.get(), nullptr};
  loom_tensor_t *out = nullptr;
  LOOM_EXPECT_ERROR(loom_function_call(nullptr, inputs, 2, &out, 1),
                    LOOM_STATUS_INVALID_ARGUMENT, "'function' is NULL");
  LOOM_EXPECT_ERROR(loom_function_call(function("main"), inputs, 2, &out, 1),
                    LOOM_STATUS_INVALID_ARGUMENT,
                    "input 1 of function 'main' is NULL");
  LOOM_EXPECT_ERROR(loom_function_call(function("main"), nullptr, 2, &out, 1),
                    LOOM_STATUS_INVALID_ARGUMENT, "'inputs' is NULL");
  inputs[1] = x.get();
  LOOM_EXPECT_ERROR(
      loom_function_call(function("main"), inputs, 2, nullptr, 1),
      LOOM_STATUS_INVALID_ARGUMENT, "'outputs' is NULL");
  loom_tensor_t *outs[2];
  LOOM_EXPECT_ERROR(loom_function_call(function("main"), inputs, 2, outs, 2),
                    LOOM_STATUS_INVALID_ARGUMENT,
                    "returns 1 output but output_count is 2");
}

INSTANTIATE_TEST_SUITE_P(Default, CallMisuseTest, ::testing::Values(1));

TEST(MemoryCapTest, ModuleAboveTheCapIsRefusedAtLoad) {
  // main needs a 128-byte arena and a 64-byte result per call.
  RuntimePtr runtime = makeRuntime(1, /*maxCallMemory=*/100);
  EXPECT_EQ(loom_runtime_max_call_memory_bytes(runtime.get()), 100u);
  std::vector<uint8_t> bytes = serialize(*makeTestModule());
  loom_module_t *m = nullptr;
  LOOM_EXPECT_ERROR(loom_module_load_memory(runtime.get(), bytes.data(),
                                            bytes.size(), LOOM_MEMORY_COPY,
                                            &m),
                    LOOM_STATUS_RESOURCE_EXHAUSTED,
                    "function 'main' needs 192 bytes per call (arena 128 + "
                    "outputs 64), above the runtime's limit of 100 bytes");
  EXPECT_EQ(m, nullptr);
}

TEST(MemoryCapTest, ModuleWithinTheCapLoads) {
  RuntimePtr runtime = makeRuntime(1, /*maxCallMemory=*/192);
  std::vector<uint8_t> bytes = serialize(*makeTestModule());
  loom_module_t *m = nullptr;
  LOOM_EXPECT_OK(loom_module_load_memory(runtime.get(), bytes.data(),
                                         bytes.size(), LOOM_MEMORY_COPY, &m));
  loom_module_release(m);
}

// Loads `module` on a one-thread CPU runtime; `fn` gets its function main.
class SignatureNamesTest : public ::testing::Test {
protected:
  void load(const loom::fb::ModuleT &module) {
    runtime = makeRuntime(1);
    std::vector<uint8_t> bytes = serialize(module);
    loom_module_t *m = nullptr;
    LOOM_ASSERT_OK(loom_module_load_memory(runtime.get(), bytes.data(),
                                           bytes.size(), LOOM_MEMORY_COPY, &m));
    loaded.reset(m);
    LOOM_ASSERT_OK(loom_module_lookup_function(m, "main", &fn));
  }
  RuntimePtr runtime;
  ModulePtr loaded;
  loom_function_t *fn = nullptr;
};

TEST_F(SignatureNamesTest, NamesRecordedInTheModuleAreReportedAndUsed) {
  std::unique_ptr<loom::fb::ModuleT> module = makeTestModule();
  loom::fb::FunctionT &main = *module->functions[0];
  ASSERT_EQ(main.name, "main");
  main.inputs[0]->name = "x";
  main.outputs[0]->name = "scaled_sum";
  load(*module);
  EXPECT_STREQ(loom_function_input_name(fn, 0), "x");
  EXPECT_STREQ(loom_function_input_name(fn, 1), ""); // not recorded
  EXPECT_EQ(loom_function_input_name(fn, 2), nullptr);
  EXPECT_STREQ(loom_function_output_name(fn, 0), "scaled_sum");
  EXPECT_EQ(loom_function_output_name(fn, 1), nullptr);
  EXPECT_EQ(loom_function_input_name(nullptr, 0), nullptr);
  // A call error names the input by its name too.
  TensorPtr x = makeF32({16}, std::vector<float>(kMainElements, 1));
  TensorPtr y = makeF32({2, 8}, std::vector<float>(kMainElements, 1));
  loom_tensor_t *inputs[] = {x.get(), y.get()};
  loom_tensor_t *out = nullptr;
  LOOM_EXPECT_ERROR(loom_function_call(fn, inputs, 2, &out, 1),
                    LOOM_STATUS_INVALID_ARGUMENT,
                    "input 0 ('x') of function 'main' is tensor<16xf32> but "
                    "the function expects tensor<2x8xf32>");
}

TEST_F(SignatureNamesTest, ModulesWithoutNamesReportEmptyNames) {
  load(*makeTestModule());
  EXPECT_STREQ(loom_function_input_name(fn, 0), "");
  EXPECT_STREQ(loom_function_output_name(fn, 0), "");
}

} // namespace
} // namespace loom::test
