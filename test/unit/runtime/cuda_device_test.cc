// The CUDA device without a GPU: the driver loader (cuda_api), the mapping of
// driver errors to statuses, the architecture rules, and the device itself
// through the C API on the fake driver of fake_cuda_driver.h (every failure
// the driver can report, the schedule run on host memory, the choice between
// a cubin and the PTX, and that everything allocated is released).
#include "cuda/cuda_api.h"
#include "cuda/cuda_device.h"

#include "fake_cuda_driver.h"
#include "test_helpers.h"
#include "test_module_builder.h"

#include <cstdlib>
#include <cstring>
#include <dlfcn.h>

namespace loom::test {
namespace {

using rt::Status;
using rt::cuda::CudaApi;

// --- The driver loader and error mapping ----------------------------------

TEST(CudaApiTest, LoadReportsAMissingLibrary) {
  std::unique_ptr<CudaApi> api;
  Status s = CudaApi::loadFrom("/nonexistent/libcuda.so.1", &api);
  EXPECT_EQ(s.code(), LOOM_STATUS_UNAVAILABLE);
  EXPECT_NE(s.message().find("no CUDA driver: cannot load "
                             "'/nonexistent/libcuda.so.1': "),
            std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("needs an NVIDIA GPU and its driver"),
            std::string::npos)
      << s.message();
  EXPECT_EQ(api, nullptr);
}

TEST(CudaApiTest, LoadHonoursLoomCudaLibrary) {
  ::setenv("LOOM_CUDA_LIBRARY", LOOM_FAKE_CUDA_DRIVER_PATH, 1);
  std::unique_ptr<CudaApi> api;
  Status s = CudaApi::load(&api);
  ::unsetenv("LOOM_CUDA_LIBRARY");
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(api->libraryPath(), LOOM_FAKE_CUDA_DRIVER_PATH);
  EXPECT_NE(api->cuLaunchKernel, nullptr);
  EXPECT_NE(api->cuMemAlloc, nullptr);
}

TEST(CudaApiTest, LoadNamesAMissingEntryPoint) {
  // This fake exports cuMemAlloc but not cuMemAlloc_v2 (64-bit pointers).
  std::unique_ptr<CudaApi> api;
  Status s = CudaApi::loadFrom(LOOM_FAKE_CUDA_NO_MEM_ALLOC_PATH, &api);
  EXPECT_EQ(s.code(), LOOM_STATUS_UNAVAILABLE);
  EXPECT_NE(s.message().find("is not a usable CUDA driver: it does not "
                             "define cuMemAlloc_v2"),
            std::string::npos)
      << s.message();
  EXPECT_EQ(api, nullptr);
}

TEST(CudaApiTest, ResultNamesWithoutADriver) {
  EXPECT_EQ(rt::cuda::resultName(nullptr, 0), "CUDA_SUCCESS");
  EXPECT_EQ(rt::cuda::resultName(nullptr, 2), "CUDA_ERROR_OUT_OF_MEMORY");
  EXPECT_EQ(rt::cuda::resultName(nullptr, 100), "CUDA_ERROR_NO_DEVICE");
  EXPECT_EQ(rt::cuda::resultName(nullptr, 218), "CUDA_ERROR_INVALID_PTX");
  EXPECT_EQ(rt::cuda::resultName(nullptr, 719), "CUDA_ERROR_LAUNCH_FAILED");
  EXPECT_EQ(rt::cuda::resultName(nullptr, 999), "CUDA_ERROR_UNKNOWN");
  EXPECT_EQ(rt::cuda::resultName(nullptr, 304), "CUresult 304");
  EXPECT_EQ(rt::cuda::resultName(nullptr, -5), "CUresult -5");
}

TEST(CudaApiTest, ResultNamesFromTheDriver) {
  std::unique_ptr<CudaApi> api;
  Status s = CudaApi::loadFrom(LOOM_FAKE_CUDA_DRIVER_PATH, &api);
  ASSERT_TRUE(s.ok()) << s.message();
  // The driver knows 304; codes it does not know fall back to the table.
  EXPECT_EQ(rt::cuda::resultName(api.get(), 304),
            "CUDA_ERROR_OPERATING_SYSTEM");
  EXPECT_EQ(rt::cuda::resultName(api.get(), 2), "CUDA_ERROR_OUT_OF_MEMORY");
  EXPECT_EQ(rt::cuda::resultName(api.get(), 701),
            "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES");
  EXPECT_EQ(rt::cuda::resultName(api.get(), 12345), "CUresult 12345");
  // The driver's text follows the name.
  EXPECT_EQ(rt::cuda::resultStatus(api.get(), "cuMemAlloc", 2).message(),
            "cuMemAlloc failed: CUDA_ERROR_OUT_OF_MEMORY (fake: out of "
            "memory)");
  EXPECT_EQ(rt::cuda::resultStatus(api.get(), "cuInit", 12345).message(),
            "cuInit failed: CUresult 12345");
}

TEST(CudaApiTest, ResultStatusCodes) {
  struct Case {
    int result;
    loom_status_code_t code;
  };
  const Case cases[] = {
      {2, LOOM_STATUS_RESOURCE_EXHAUSTED}, {34, LOOM_STATUS_UNAVAILABLE},
      {100, LOOM_STATUS_UNAVAILABLE},      {209, LOOM_STATUS_UNAVAILABLE},
      {218, LOOM_STATUS_UNAVAILABLE},      {222, LOOM_STATUS_UNAVAILABLE},
      {803, LOOM_STATUS_UNAVAILABLE},      {1, LOOM_STATUS_INVALID_ARGUMENT},
      {701, LOOM_STATUS_INVALID_ARGUMENT}, {719, LOOM_STATUS_INTERNAL},
      {700, LOOM_STATUS_INTERNAL},         {12345, LOOM_STATUS_INTERNAL},
  };
  for (const Case &c : cases) {
    Status s = rt::cuda::resultStatus(nullptr, "cuCall", c.result);
    EXPECT_EQ(s.code(), c.code) << c.result;
    EXPECT_EQ(s.message(), "cuCall failed: " +
                               rt::cuda::resultName(nullptr, c.result))
        << c.result;
  }
}

// --- Architectures ----------------------------------------------------------

TEST(CudaArchTest, Parse) {
  rt::cuda::SmArch a;
  ASSERT_TRUE(rt::cuda::parseSmArch("sm_86", &a));
  EXPECT_EQ(a.major, 8);
  EXPECT_EQ(a.minor, 6);
  EXPECT_EQ(a.variant, 0);
  ASSERT_TRUE(rt::cuda::parseSmArch("sm_90a", &a));
  EXPECT_EQ(a.number(), 90);
  EXPECT_EQ(a.variant, 'a');
  ASSERT_TRUE(rt::cuda::parseSmArch("sm_120f", &a));
  EXPECT_EQ(a.major, 12);
  EXPECT_EQ(a.minor, 0);
  EXPECT_EQ(a.variant, 'f');
  for (const char *bad : {"", "sm_", "sm_8", "sm_08", "sm80", "compute_80",
                          "sm_80b", "sm_80aa", "sm_12345", " sm_80"})
    EXPECT_FALSE(rt::cuda::parseSmArch(bad, &a)) << bad;
}

TEST(CudaArchTest, CubinAndPtxCompatibility) {
  struct Case {
    const char *arch;
    int major, minor;
    bool cubin, ptx;
  };
  const Case cases[] = {
      {"sm_80", 8, 0, true, true},   {"sm_80", 8, 6, true, true},
      {"sm_80", 8, 9, true, true},   {"sm_86", 8, 0, false, false},
      {"sm_80", 9, 0, false, true},  {"sm_80", 7, 5, false, false},
      {"sm_75", 8, 0, false, true},  {"sm_90a", 9, 0, true, true},
      {"sm_90a", 10, 0, false, false}, {"sm_100f", 10, 3, true, true},
      {"sm_100f", 12, 0, false, false}, {"sm_103f", 10, 0, false, false},
  };
  for (const Case &c : cases) {
    rt::cuda::SmArch arch;
    ASSERT_TRUE(rt::cuda::parseSmArch(c.arch, &arch));
    EXPECT_EQ(rt::cuda::cubinRunsOn(arch, c.major, c.minor), c.cubin)
        << "cubin " << c.arch << " on " << c.major << "." << c.minor;
    EXPECT_EQ(rt::cuda::ptxRunsOn(arch, c.major, c.minor), c.ptx)
        << "PTX " << c.arch << " on " << c.major << "." << c.minor;
  }
}

// --- The device on the fake driver -----------------------------------------

// The fake driver's control functions, from the library the runtime loads
// (dlopen of the same path gives the same copy).
struct FakeDriver {
  void *handle = nullptr;
  decltype(&fake_cuda_reset) reset = nullptr;
  decltype(&fake_cuda_set_launch_hook) setLaunchHook = nullptr;
  decltype(&fake_cuda_get_counters) counters = nullptr;
  decltype(&fake_cuda_launch_count) launchCount = nullptr;
  decltype(&fake_cuda_launch_at) launchAt = nullptr;
  decltype(&fake_cuda_loads) loads = nullptr;
  decltype(&fake_cuda_last_image) lastImage = nullptr;
};

constexpr const char *kFakeVariables[] = {
    "LOOM_FAKE_CUDA_INIT_RESULT",   "LOOM_FAKE_CUDA_DEVICE_COUNT",
    "LOOM_FAKE_CUDA_CC",            "LOOM_FAKE_CUDA_NAME",
    "LOOM_FAKE_CUDA_MAX_THREADS",   "LOOM_FAKE_CUDA_LOAD_RESULT",
    "LOOM_FAKE_CUDA_LOAD_LOG",      "LOOM_FAKE_CUDA_REFUSE_CUBIN",
    "LOOM_FAKE_CUDA_MEMORY_LIMIT",  "LOOM_FAKE_CUDA_LAUNCH_RESULT",
    "LOOM_FAKE_CUDA_TRACE",         "LOOM_CUDA_VERBOSE",
    "LOOM_CUDA_TIMING"};

class CudaDeviceTest : public ::testing::Test {
protected:
  void SetUp() override {
    fake.handle = dlopen(LOOM_FAKE_CUDA_DRIVER_PATH, RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(fake.handle, nullptr) << dlerror();
#define LOOM_FAKE_SYMBOL(field, name)                                          \
  fake.field = reinterpret_cast<decltype(fake.field)>(dlsym(fake.handle, name)); \
  ASSERT_NE(fake.field, nullptr) << name;
    LOOM_FAKE_SYMBOL(reset, "fake_cuda_reset")
    LOOM_FAKE_SYMBOL(setLaunchHook, "fake_cuda_set_launch_hook")
    LOOM_FAKE_SYMBOL(counters, "fake_cuda_get_counters")
    LOOM_FAKE_SYMBOL(launchCount, "fake_cuda_launch_count")
    LOOM_FAKE_SYMBOL(launchAt, "fake_cuda_launch_at")
    LOOM_FAKE_SYMBOL(loads, "fake_cuda_loads")
    LOOM_FAKE_SYMBOL(lastImage, "fake_cuda_last_image")
#undef LOOM_FAKE_SYMBOL
    fake.reset();
    for (const char *name : kFakeVariables)
      ::unsetenv(name);
    ::setenv("LOOM_CUDA_LIBRARY", LOOM_FAKE_CUDA_DRIVER_PATH, 1);
  }

  // Everything the device took from the driver went back, and it never
  // freed twice or touched memory outside an allocation.
  void TearDown() override {
    module.reset();
    runtime.reset();
    if (fake.counters) {
      const fake_cuda_counters &c = *fake.counters();
      EXPECT_EQ(c.live_allocations, 0);
      EXPECT_EQ(c.bad_frees, 0);
      EXPECT_EQ(c.out_of_bounds, 0);
      EXPECT_EQ(c.module_loads, c.module_unloads);
      EXPECT_EQ(c.streams_created, c.streams_destroyed);
      EXPECT_EQ(c.events_created, c.events_destroyed);
      EXPECT_EQ(c.context_retains, c.context_releases);
      fake.setLaunchHook(nullptr, nullptr);
    }
    for (const char *name : kFakeVariables)
      ::unsetenv(name);
    ::unsetenv("LOOM_CUDA_LIBRARY");
    if (fake.handle)
      dlclose(fake.handle);
  }

  static void set(const char *name, const std::string &value) {
    ::setenv(name, value.c_str(), 1);
  }

  static loom_status_t createRuntime(RuntimePtr *out,
                                     const char *device = "cuda") {
    loom_runtime_options_t options;
    loom_runtime_options_init(&options);
    options.device = device;
    loom_runtime_t *rt = nullptr;
    loom_status_t s = loom_runtime_create(&options, &rt);
    out->reset(rt);
    return s;
  }

  static loom_status_t load(loom_runtime_t *rt, const fb::ModuleT &module,
                            ModulePtr *out) {
    std::vector<uint8_t> bytes = serialize(module);
    loom_module_t *m = nullptr;
    loom_status_t s = loom_module_load_memory(rt, bytes.data(), bytes.size(),
                                              LOOM_MEMORY_COPY, &m);
    out->reset(m);
    return s;
  }

  // Creates the runtime and loads `module` (which must succeed).
  void loadOrFail(const fb::ModuleT &module) {
    LOOM_ASSERT_OK(createRuntime(&runtime));
    LOOM_ASSERT_OK(load(runtime.get(), module, &this->module));
  }

  // The status of creating a cuda runtime and loading `module` on it.
  static loom_status_t tryLoad(const fb::ModuleT &module) {
    RuntimePtr rt;
    if (loom_status_t s = createRuntime(&rt))
      return s;
    ModulePtr m;
    return load(rt.get(), module, &m);
  }

  loom_function_t *function(const char *name) {
    loom_function_t *fn = nullptr;
    LOOM_EXPECT_OK(loom_module_lookup_function(module.get(), name, &fn));
    return fn;
  }

  // Calls main(x, y) with x[i] = i, y[i] = 1; `out` gets the result.
  loom_status_t callMain(TensorPtr *out) {
    std::vector<float> x(kMainElements);
    for (int i = 0; i < kMainElements; ++i)
      x[i] = float(i);
    TensorPtr a = makeF32({2, 8}, x);
    TensorPtr b = makeF32({2, 8}, std::vector<float>(kMainElements, 1.0f));
    loom_tensor_t *inputs[] = {a.get(), b.get()};
    loom_tensor_t *result = nullptr;
    loom_status_t s =
        loom_function_call(function("main"), inputs, 2, &result, 1);
    out->reset(result);
    return s;
  }

  static std::vector<float> expectedMain() {
    std::vector<float> y(kMainElements);
    for (int i = 0; i < kMainElements; ++i)
      y[i] = (float(i) + 1.0f) * kTestScale;
    return y;
  }

  // copy_fill: a device-to-device copy and a 4-byte pattern fill, which the
  // fake driver does for real.
  void expectCopyFillRuns() {
    std::vector<float> x = {1.5f, -2, 3, 4.25f, 5};
    TensorPtr in = makeF32({5}, x);
    loom_tensor_t *input = in.get();
    loom_tensor_t *outs[2] = {nullptr, nullptr};
    LOOM_ASSERT_OK(
        loom_function_call(function("copy_fill"), &input, 1, outs, 2));
    TensorPtr copied(outs[0]), filled(outs[1]);
    EXPECT_EQ(f32Values(copied.get()), x);
    const int32_t *fill =
        static_cast<const int32_t *>(loom_tensor_data(filled.get()));
    EXPECT_EQ(std::vector<int32_t>(fill, fill + 3),
              (std::vector<int32_t>{7, 7, 7}));
  }

  // Calls main with the kernels emulated on the host; checks the result.
  void expectMainRuns() {
    fake.setLaunchHook(emulate, nullptr);
    TensorPtr out;
    LOOM_ASSERT_OK(callMain(&out));
    EXPECT_EQ(f32Values(out.get()), expectedMain());
  }

  // Runs the test kernels of makeCudaTestModule on the host: each thread
  // of each block computes its element, as the GPU would.
  static void emulate(const fake_cuda_launch *launch, void **params, void *) {
    auto buffer = [&](int i) {
      return reinterpret_cast<void *>(
          *static_cast<const unsigned long long *>(params[i]));
    };
    std::string name = launch->kernel;
    unsigned threads = launch->block[0] * launch->block[1] * launch->block[2];
    for (unsigned bz = 0; bz < launch->grid[2]; ++bz)
      for (unsigned by = 0; by < launch->grid[1]; ++by)
        for (unsigned bx = 0; bx < launch->grid[0]; ++bx) {
          unsigned block =
              (bz * launch->grid[1] + by) * launch->grid[0] + bx;
          if (name == "record_workgroups") {
            static_cast<int32_t *>(buffer(0))[block] = int32_t(block + 1);
            continue;
          }
          for (unsigned t = 0; t < threads; ++t) {
            unsigned i = bx * threads + t;
            if (i >= unsigned(kMainElements))
              continue;
            auto *a = static_cast<const float *>(buffer(0));
            auto *b = static_cast<const float *>(buffer(1));
            auto *out = static_cast<float *>(buffer(2));
            out[i] = name == "add_f32" ? a[i] + b[i] : a[i] * b[0];
          }
        }
  }

  FakeDriver fake;
  RuntimePtr runtime;
  ModulePtr module;
};

TEST_F(CudaDeviceTest, NoDriver) {
  set("LOOM_CUDA_LIBRARY", "/nonexistent/libcuda.so.1");
  RuntimePtr rt;
  LOOM_EXPECT_ERROR(createRuntime(&rt), LOOM_STATUS_UNAVAILABLE,
                    "no CUDA driver: cannot load '/nonexistent/libcuda.so.1'");
  EXPECT_EQ(rt, nullptr);
}

TEST_F(CudaDeviceTest, UnusableDriver) {
  set("LOOM_CUDA_LIBRARY", LOOM_FAKE_CUDA_NO_MEM_ALLOC_PATH);
  RuntimePtr rt;
  LOOM_EXPECT_ERROR(createRuntime(&rt), LOOM_STATUS_UNAVAILABLE,
                    "does not define cuMemAlloc_v2");
}

TEST_F(CudaDeviceTest, InitFailure) {
  RuntimePtr rt;
  set("LOOM_FAKE_CUDA_INIT_RESULT", "100");
  LOOM_EXPECT_ERROR(createRuntime(&rt), LOOM_STATUS_UNAVAILABLE,
                    "no usable CUDA GPU: cuInit failed: CUDA_ERROR_NO_DEVICE "
                    "(fake: no CUDA-capable device is detected)");
  // Any cuInit failure means there is no GPU to use.
  set("LOOM_FAKE_CUDA_INIT_RESULT", "999");
  LOOM_EXPECT_ERROR(createRuntime(&rt), LOOM_STATUS_UNAVAILABLE,
                    "no usable CUDA GPU: cuInit failed: CUDA_ERROR_UNKNOWN");
}

TEST_F(CudaDeviceTest, NoDevices) {
  set("LOOM_FAKE_CUDA_DEVICE_COUNT", "0");
  RuntimePtr rt;
  LOOM_EXPECT_ERROR(createRuntime(&rt), LOOM_STATUS_UNAVAILABLE,
                    "no CUDA GPU: the driver found no devices");
}

TEST_F(CudaDeviceTest, MissingOrdinal) {
  RuntimePtr rt;
  LOOM_EXPECT_ERROR(createRuntime(&rt, "cuda:2"), LOOM_STATUS_INVALID_ARGUMENT,
                    "CUDA device 2 does not exist; this machine has 1 GPU "
                    "(cuda:0)");
  set("LOOM_FAKE_CUDA_DEVICE_COUNT", "2");
  LOOM_EXPECT_ERROR(createRuntime(&rt, "cuda:2"), LOOM_STATUS_INVALID_ARGUMENT,
                    "this machine has 2 GPUs (cuda:0 to cuda:1)");
  LOOM_EXPECT_OK(createRuntime(&rt, "cuda:1"));
  EXPECT_STREQ(loom_runtime_device_name(rt.get()), "cuda");
}

TEST_F(CudaDeviceTest, OlderGpuRefusesTheModule) {
  set("LOOM_FAKE_CUDA_CC", "75");
  LOOM_EXPECT_ERROR(tryLoad(*makeCudaTestModule()), LOOM_STATUS_INCOMPATIBLE,
                    "the kernels were compiled for sm_80 but Fake GPU (sm_75) "
                    "is older; recompile with --cuda-arch=sm_75");
  EXPECT_STREQ(fake.loads(), "");
}

TEST_F(CudaDeviceTest, ArchSpecificPtxNeedsThatGpu) {
  auto module = makeCudaTestModule();
  module->target_cpu = "sm_90a";
  set("LOOM_FAKE_CUDA_CC", "100");
  LOOM_EXPECT_ERROR(tryLoad(*module), LOOM_STATUS_INCOMPATIBLE,
                    "compiled for sm_90a, which only runs on that exact GPU "
                    "architecture, not on Fake GPU (sm_100)");
  set("LOOM_FAKE_CUDA_CC", "90");
  LOOM_EXPECT_OK(tryLoad(*module));
}

TEST_F(CudaDeviceTest, InvalidPtxShowsTheJitLog) {
  set("LOOM_FAKE_CUDA_LOAD_RESULT", "218");
  set("LOOM_FAKE_CUDA_LOAD_LOG",
      "ptxas application ptx input, line 5; error   : Unknown symbol 'x'");
  LOOM_EXPECT_ERROR(tryLoad(*makeCudaTestModule()), LOOM_STATUS_UNAVAILABLE,
                    "loading the PTX on Fake GPU (sm_80): cuModuleLoadDataEx "
                    "failed: CUDA_ERROR_INVALID_PTX (fake: a PTX JIT "
                    "compilation failed); the driver's log:\nptxas "
                    "application ptx input, line 5; error   : Unknown symbol "
                    "'x'");
  EXPECT_STREQ(fake.loads(), "ptx");
  EXPECT_STREQ(fake.lastImage(), "// loom test PTX for sm_80");
}

TEST_F(CudaDeviceTest, KernelMissingFromThePtx) {
  auto module = makeCudaTestModule();
  module->kernels[1]->name = "no_such_kernel";
  LOOM_EXPECT_ERROR(tryLoad(*module), LOOM_STATUS_INTERNAL,
                    "kernel 'no_such_kernel': cuModuleGetFunction failed: "
                    "CUDA_ERROR_NOT_FOUND");
}

TEST_F(CudaDeviceTest, OutOfMemoryAtLoad) {
  set("LOOM_FAKE_CUDA_MEMORY_LIMIT", "0"); // not even the constant fits
  LOOM_EXPECT_ERROR(tryLoad(*makeCudaTestModule()),
                    LOOM_STATUS_RESOURCE_EXHAUSTED,
                    "cuMemAlloc failed: CUDA_ERROR_OUT_OF_MEMORY");
}

TEST_F(CudaDeviceTest, OutOfMemoryAtCall) {
  // The constant fits; the first call's inputs do not.
  set("LOOM_FAKE_CUDA_MEMORY_LIMIT", "100");
  loadOrFail(*makeCudaTestModule());
  TensorPtr out;
  LOOM_EXPECT_ERROR(callMain(&out), LOOM_STATUS_RESOURCE_EXHAUSTED,
                    "preparing function 'main' on Fake GPU (sm_80): "
                    "cuMemAlloc failed: CUDA_ERROR_OUT_OF_MEMORY");
  EXPECT_EQ(out, nullptr);
  // What the failed call allocated went back.
  EXPECT_EQ(fake.counters()->live_allocations, 1);
  ::unsetenv("LOOM_FAKE_CUDA_MEMORY_LIMIT");
  expectMainRuns();
}

TEST_F(CudaDeviceTest, LaunchFailure) {
  loadOrFail(*makeCudaTestModule());
  set("LOOM_FAKE_CUDA_LAUNCH_RESULT", "719");
  TensorPtr out;
  LOOM_EXPECT_ERROR(callMain(&out), LOOM_STATUS_INTERNAL,
                    "running function 'main' on Fake GPU (sm_80): kernel "
                    "'add_f32': cuLaunchKernel failed: "
                    "CUDA_ERROR_LAUNCH_FAILED (fake: unspecified launch "
                    "failure)");
  set("LOOM_FAKE_CUDA_LAUNCH_RESULT", "701");
  LOOM_EXPECT_ERROR(callMain(&out), LOOM_STATUS_INVALID_ARGUMENT,
                    "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES");
  // The failed calls' memory and streams went back; the next call works.
  ::unsetenv("LOOM_FAKE_CUDA_LAUNCH_RESULT");
  expectMainRuns();
}

TEST_F(CudaDeviceTest, RunsTheScheduleOnTheHost) {
  loadOrFail(*makeCudaTestModule());
  EXPECT_STREQ(fake.loads(), "ptx");
  fake.setLaunchHook(emulate, nullptr);

  // main: fill, add (4 blocks of 8), scale (3 blocks of 8).
  TensorPtr out;
  LOOM_ASSERT_OK(callMain(&out));
  EXPECT_EQ(f32Values(out.get()), expectedMain());
  ASSERT_EQ(fake.launchCount(), 2);
  const fake_cuda_launch *add = fake.launchAt(0), *scale = fake.launchAt(1);
  EXPECT_STREQ(add->kernel, "add_f32");
  EXPECT_STREQ(scale->kernel, "scale_f32");
  EXPECT_EQ(std::vector<unsigned>(add->grid, add->grid + 3),
            (std::vector<unsigned>{4, 1, 1}));
  EXPECT_EQ(std::vector<unsigned>(add->block, add->block + 3),
            (std::vector<unsigned>{8, 1, 1}));
  EXPECT_EQ(std::vector<unsigned>(scale->grid, scale->grid + 3),
            (std::vector<unsigned>{3, 1, 1}));
  EXPECT_EQ(std::vector<unsigned>(scale->block, scale->block + 3),
            (std::vector<unsigned>{8, 1, 1}));
  for (const fake_cuda_launch *l : {add, scale}) {
    EXPECT_EQ(l->param_count, 3); // one pointer per binding
    EXPECT_EQ(l->shared_bytes, 0u);
    EXPECT_TRUE(l->has_stream);
  }
  // Both bindings of the intermediate are the arena at offset 64; the
  // constant holds the scale.
  EXPECT_EQ(add->params[2], scale->params[0]);
  EXPECT_EQ(add->params[2] % 64, 0u);
  EXPECT_EQ(*reinterpret_cast<const float *>(scale->params[1]), kTestScale);

  expectCopyFillRuns();

  // grid: a 3x2x2 grid of one-thread blocks.
  loom_tensor_t *gridOut = nullptr;
  LOOM_ASSERT_OK(
      loom_function_call(function("grid"), nullptr, 0, &gridOut, 1));
  TensorPtr grid(gridOut);
  const fake_cuda_launch *g = fake.launchAt(2);
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(std::vector<unsigned>(g->grid, g->grid + 3),
            (std::vector<unsigned>{3, 2, 2}));
  EXPECT_EQ(std::vector<unsigned>(g->block, g->block + 3),
            (std::vector<unsigned>{1, 1, 1}));
  const int32_t *ids = static_cast<const int32_t *>(loom_tensor_data(gridOut));
  for (int i = 0; i < 12; ++i)
    EXPECT_EQ(ids[i], i + 1);
}

TEST_F(CudaDeviceTest, ReusesCallMemoryAndReleasesEverything) {
  loadOrFail(*makeCudaTestModule());
  expectMainRuns();
  int allocations = fake.counters()->allocations;
  int streams = fake.counters()->streams_created;
  for (int i = 0; i < 3; ++i)
    expectMainRuns();
  EXPECT_EQ(fake.counters()->allocations, allocations);
  EXPECT_EQ(fake.counters()->streams_created, streams);
  EXPECT_EQ(fake.counters()->context_retains, 1);
  module.reset();
  runtime.reset();
  // TearDown checks that nothing is left.
  EXPECT_EQ(fake.counters()->live_allocations, 0);
  EXPECT_EQ(fake.counters()->module_unloads, 1);
}

TEST_F(CudaDeviceTest, ModuleWithoutKernels) {
  auto module = makeCudaTestModule();
  module->functions.erase(module->functions.begin()); // main
  module->functions.pop_back();                       // grid
  module->kernels.clear();
  module->libraries.clear();
  loadOrFail(*module);
  EXPECT_STREQ(fake.loads(), "");
  expectCopyFillRuns();
}

TEST_F(CudaDeviceTest, TooManyThreadsPerBlock) {
  set("LOOM_FAKE_CUDA_MAX_THREADS", "4");
  LOOM_EXPECT_ERROR(tryLoad(*makeCudaTestModule()), LOOM_STATUS_INCOMPATIBLE,
                    "function 'main', command 1 (kernel 'add_f32'): 8 "
                    "threads per block, more than Fake GPU (sm_80) allows "
                    "(4)");
}

TEST_F(CudaDeviceTest, PushConstantsAreNotSupported) {
  auto module = makeCudaTestModule();
  module->kernels[0]->push_constant_count = 1;
  module->functions[0]->commands[1]->command.AsDispatch()->push_constants = {
      16};
  LOOM_EXPECT_ERROR(tryLoad(*module), LOOM_STATUS_UNIMPLEMENTED,
                    "function 'main', command 1: push constants are not "
                    "supported by the cuda device yet");
}

TEST_F(CudaDeviceTest, DynamicShapesAreNotSupportedYet) {
  auto module = makeDynamicModule();
  module->target = "cuda";
  module->target_triple = "nvptx64-nvidia-cuda";
  module->target_cpu = "sm_80";
  module->libraries = std::move(makeCudaTestModule()->libraries);
  LOOM_EXPECT_ERROR(tryLoad(*module), LOOM_STATUS_UNIMPLEMENTED,
                    "function 'inc' has dynamic shapes (inc(tensor<?x3xf32>) "
                    "-> (tensor<?x3xf32>) where ? = batch), which the cuda "
                    "device does not run yet");
}

TEST_F(CudaDeviceTest, TimingIsPrintedWhenAsked) {
  loadOrFail(*makeCudaTestModule());
  set("LOOM_CUDA_TIMING", "1");
  TensorPtr out;
  ::testing::internal::CaptureStderr();
  loom_status_t s = callMain(&out);
  std::string err = ::testing::internal::GetCapturedStderr();
  LOOM_EXPECT_OK(s);
  EXPECT_EQ(err, "loom cuda: main: 0.250 ms on the GPU\n");
}

// --- Cubin or PTX ---------------------------------------------------------

class CudaCubinTest : public CudaDeviceTest {
protected:
  // Loads `module` on a GPU of compute capability `cc` with
  // LOOM_CUDA_VERBOSE=1; returns what the device said on stderr.
  std::string loadOn(const fb::ModuleT &module, const char *cc) {
    set("LOOM_FAKE_CUDA_CC", cc);
    set("LOOM_CUDA_VERBOSE", "1");
    fake.reset();
    ::testing::internal::CaptureStderr();
    loom_status_t s = tryLoad(module);
    std::string err = ::testing::internal::GetCapturedStderr();
    LOOM_EXPECT_OK(s);
    return err;
  }

  static std::unique_ptr<fb::ModuleT> withCubins(
      std::initializer_list<const char *> arches) {
    auto module = makeCudaTestModule();
    for (const char *arch : arches)
      addTestCubin(*module, arch, std::string("loom test cubin for ") + arch);
    return module;
  }
};

TEST_F(CudaCubinTest, LoadsACubinOfTheSameMajorVersion) {
  auto module = withCubins({"sm_80"});
  for (const char *cc : {"80", "86", "89"}) {
    EXPECT_EQ(loadOn(*module, cc),
              std::string("loom cuda: Fake GPU (sm_") + cc +
                  "): loading the cubin for sm_80\n");
    EXPECT_STREQ(fake.loads(), "cubin");
    EXPECT_STREQ(fake.lastImage(), "loom test cubin for sm_80");
  }
}

TEST_F(CudaCubinTest, OtherGpusJitThePtx) {
  auto module = withCubins({"sm_80"});
  EXPECT_EQ(loadOn(*module, "90"),
            "loom cuda: Fake GPU (sm_90): JIT-compiling the PTX for sm_80 "
            "(the cubin for sm_80 does not run on sm_90)\n");
  EXPECT_STREQ(fake.loads(), "ptx");
  EXPECT_STREQ(fake.lastImage(), "// loom test PTX for sm_80");
  // A cubin for a later minor version than the GPU's.
  module = withCubins({"sm_86"});
  EXPECT_EQ(loadOn(*module, "80"),
            "loom cuda: Fake GPU (sm_80): JIT-compiling the PTX for sm_80 "
            "(the cubin for sm_86 does not run on sm_80)\n");
  EXPECT_STREQ(fake.loads(), "ptx");
  // No cubin at all: a module written before cubins existed.
  module = makeCudaTestModule();
  EXPECT_EQ(loadOn(*module, "80"),
            "loom cuda: Fake GPU (sm_80): JIT-compiling the PTX for sm_80 "
            "(the module has no cubin)\n");
  EXPECT_STREQ(fake.loads(), "ptx");
}

TEST_F(CudaCubinTest, PicksTheBestCubin) {
  auto module = withCubins({"sm_86", "sm_80", "sm_90"});
  loadOn(*module, "80");
  EXPECT_STREQ(fake.lastImage(), "loom test cubin for sm_80");
  loadOn(*module, "86");
  EXPECT_STREQ(fake.lastImage(), "loom test cubin for sm_86");
  loadOn(*module, "89");
  EXPECT_STREQ(fake.lastImage(), "loom test cubin for sm_86");
  loadOn(*module, "90");
  EXPECT_STREQ(fake.lastImage(), "loom test cubin for sm_90");
  EXPECT_EQ(loadOn(*module, "120"),
            "loom cuda: Fake GPU (sm_120): JIT-compiling the PTX for sm_80 "
            "(the cubins for sm_86, sm_80, sm_90 do not run on sm_120)\n");
}

TEST_F(CudaCubinTest, ArchSpecificCubinOnlyOnItsGpu) {
  auto module = withCubins({"sm_90", "sm_90a"});
  loadOn(*module, "90");
  EXPECT_STREQ(fake.lastImage(), "loom test cubin for sm_90a");
  module = withCubins({"sm_90a"});
  module->target_cpu = "sm_90";
  loadOn(*module, "100");
  EXPECT_STREQ(fake.loads(), "ptx");
}

TEST_F(CudaCubinTest, ArchDefaultsToTheModuleTarget) {
  auto module = makeCudaTestModule();
  addTestCubin(*module, "", "loom test cubin without arch");
  EXPECT_EQ(loadOn(*module, "86"),
            "loom cuda: Fake GPU (sm_86): loading the cubin for sm_80\n");
  EXPECT_STREQ(fake.lastImage(), "loom test cubin without arch");
}

TEST_F(CudaCubinTest, RefusedCubinFallsBackToThePtx) {
  set("LOOM_FAKE_CUDA_REFUSE_CUBIN", "1");
  EXPECT_EQ(loadOn(*withCubins({"sm_80"}), "80"),
            "loom cuda: Fake GPU (sm_80): JIT-compiling the PTX for sm_80 "
            "(loading the cubin on Fake GPU (sm_80): cuModuleLoadDataEx "
            "failed: CUDA_ERROR_NO_BINARY_FOR_GPU)\n");
  EXPECT_STREQ(fake.loads(), "cubin,ptx");
}

TEST_F(CudaCubinTest, LaunchesFromTheCubin) {
  loadOrFail(*withCubins({"sm_80"}));
  EXPECT_STREQ(fake.loads(), "cubin");
  expectMainRuns();
  ASSERT_EQ(fake.launchCount(), 2);
  EXPECT_STREQ(fake.launchAt(0)->kernel, "add_f32");
  EXPECT_EQ(fake.launchAt(0)->param_count, -1); // a cubin: not parsed
}

TEST_F(CudaCubinTest, InvalidLibraries) {
  auto module = withCubins({"compute_80"});
  LOOM_EXPECT_ERROR(tryLoad(*module), LOOM_STATUS_DATA_LOSS,
                    "invalid module: kernel library 1 is a cubin for "
                    "'compute_80', not a GPU architecture (sm_NN)");
  module = makeCudaTestModule();
  module->libraries[0]->format = "fatbin";
  LOOM_EXPECT_ERROR(tryLoad(*module), LOOM_STATUS_DATA_LOSS,
                    "invalid module: kernel library 0 has format 'fatbin'; "
                    "the cuda device reads 'ptx' and 'cubin'");
  module = withCubins({"sm_80"});
  module->libraries.erase(module->libraries.begin());
  LOOM_EXPECT_ERROR(tryLoad(*module), LOOM_STATUS_DATA_LOSS,
                    "the cuda device expects one kernel library of format "
                    "'ptx' (found 0)");
  EXPECT_STREQ(fake.loads(), "");
}

} // namespace
} // namespace loom::test
