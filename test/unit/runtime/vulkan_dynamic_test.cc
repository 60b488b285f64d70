// Push constants and dynamic shapes on the vulkan device (lavapipe in CI),
// with a hand-written SPIR-V kernel (test_kernels_vulkan.spvasm, assembled
// by spirv-as at build time): a static dispatch with a push constant, and a
// dynamic function run at several sizes through an arena buffer. Skipped
// when spirv-as was not found or no Vulkan device is available.
#include "test_helpers.h"
#include "test_module_builder.h"

#include "loom/module_format.h"

#include <fstream>
#include <iterator>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#include <sanitizer/lsan_interface.h>
#define LOOM_TEST_LSAN 1
#endif
#endif

namespace loom::test {
namespace {

using namespace loom::fb;

#ifdef LOOM_TEST_VULKAN_SPIRV_PATH
std::vector<uint8_t> spirv() {
  std::ifstream in(LOOM_TEST_VULKAN_SPIRV_PATH, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}
#endif

std::unique_ptr<CommandEntryT> addOne(BufferRef x, BufferRef out,
                                      std::vector<int32_t> sizes,
                                      std::vector<uint32_t> push,
                                      std::vector<int32_t> pushExprs,
                                      std::vector<uint32_t> grid,
                                      std::vector<int32_t> gridExprs) {
  DispatchT d;
  d.kernel = 0;
  d.bindings = {x, out};
  d.binding_size_exprs = std::move(sizes);
  d.push_constants = std::move(push);
  d.push_constant_exprs = std::move(pushExprs);
  d.workgroup_count = std::move(grid);
  d.workgroup_count_exprs = std::move(gridExprs);
  auto e = std::make_unique<CommandEntryT>();
  e->command.Set(std::move(d));
  return e;
}

// static_add(x: tensor<2x3xf32>) -> x + 1 (push constant n = 6);
// dyn_add(x: tensor<?x3xf32>) -> x + 2 through an arena buffer (n =
// batch * 3, grid ceildiv(n, 16)).
std::unique_ptr<ModuleT> makeVulkanModule(std::vector<uint8_t> code) {
  auto m = std::make_unique<ModuleT>();
  m->format_version = LOOM_MODULE_FORMAT_VERSION;
  m->target = "vulkan";
  m->target_cpu = "spirv1.3";
  m->target_features = "Shader";
  auto k = std::make_unique<KernelT>();
  k->name = "add_one";
  k->binding_count = 2;
  k->push_constant_count = 1;
  k->workgroup_size = {16, 1, 1};
  m->kernels.push_back(std::move(k));
  auto lib = std::make_unique<KernelLibraryT>();
  lib->format = "spirv";
  lib->data = std::move(code);
  m->libraries.push_back(std::move(lib));

  auto fixed = std::make_unique<FunctionT>();
  fixed->name = "static_add";
  for (auto *list : {&fixed->inputs, &fixed->outputs}) {
    auto t = std::make_unique<TensorTypeT>();
    t->shape = {2, 3};
    list->push_back(std::move(t));
  }
  fixed->commands.push_back(addOne(ref(Space::input, 0, 0, 24),
                                   ref(Space::output, 0, 0, 24), {}, {6}, {},
                                   {1, 1, 1}, {}));
  m->functions.push_back(std::move(fixed));

  auto dyn = std::make_unique<FunctionT>();
  dyn->name = "dyn_add";
  dyn->symbols = {"batch"};
  auto expr = [&](SizeCode code) {
    auto e = std::make_unique<SizeExprT>();
    e->code = std::move(code);
    dyn->exprs.push_back(std::move(e));
    return int32_t(dyn->exprs.size() - 1);
  };
  int32_t batch = expr(sizeSymbol(0));
  int32_t n = expr(sizeOp(sizeSymbol(0), sizeConst(3), 4));
  int32_t bytes = expr(sizeOp(sizeSymbol(0), sizeConst(12), 4));
  int32_t groups = expr(sizeOp(sizeOp(sizeSymbol(0), sizeConst(3), 4),
                               sizeConst(16), 6));
  for (auto *list : {&dyn->inputs, &dyn->outputs}) {
    auto t = std::make_unique<TensorTypeT>();
    t->shape = {-1, 3};
    t->dim_exprs = {batch, -1};
    list->push_back(std::move(t));
  }
  auto buffer = std::make_unique<ArenaBufferT>();
  buffer->size_expr = bytes;
  buffer->first = 0;
  buffer->last = 1;
  dyn->arena_buffers.push_back(std::move(buffer));
  dyn->commands.push_back(addOne(ref(Space::input, 0, 0, 0),
                                 ref(Space::arena, 0, 0, 0), {bytes, bytes},
                                 {}, {n}, {1, 1, 1}, {groups, -1, -1}));
  dyn->commands.push_back(addOne(ref(Space::arena, 0, 0, 0),
                                 ref(Space::output, 0, 0, 0), {bytes, bytes},
                                 {}, {n}, {1, 1, 1}, {groups, -1, -1}));
  m->functions.push_back(std::move(dyn));
  return m;
}

class VulkanDynamicTest : public ::testing::Test {
protected:
  void SetUp() override {
#ifndef LOOM_TEST_VULKAN_SPIRV_PATH
    GTEST_SKIP() << "spirv-as was not found at configure time";
#else
    loom_runtime_options_t options;
    loom_runtime_options_init(&options);
    options.device = "vulkan";
    loom_runtime_t *rt = nullptr;
    loom_status_t s;
    {
#ifdef LOOM_TEST_LSAN
      // lavapipe keeps 128 bytes of each Vulkan instance after it is
      // destroyed (inside the driver, not Loom's): not leaks of ours.
      __lsan::ScopedDisabler driverAllocations;
#endif
      s = loom_runtime_create(&options, &rt);
    }
    if (s) {
      std::string why = loom_status_message(s);
      loom_status_free(s);
      GTEST_SKIP() << "no Vulkan device: " << why;
    }
    runtime.reset(rt);
    std::vector<uint8_t> bytes = serialize(*makeVulkanModule(spirv()));
    loom_module_t *m = nullptr;
    LOOM_ASSERT_OK(loom_module_load_memory(runtime.get(), bytes.data(),
                                           bytes.size(), LOOM_MEMORY_COPY,
                                           &m));
    module.reset(m);
#endif
  }

  std::vector<float> run(const char *name, int64_t rows,
                         const std::vector<float> &x) {
    loom_function_t *fn = nullptr;
    EXPECT_EQ(consume(loom_module_lookup_function(module.get(), name, &fn)),
              "");
    TensorPtr in = makeF32({rows, 3}, x);
    loom_tensor_t *raw[1] = {in.get()};
    loom_tensor_t *out = nullptr;
    std::string message = consume(loom_function_call(fn, raw, 1, &out, 1));
    EXPECT_EQ(message, "");
    TensorPtr result(out);
    if (!out)
      return {};
    EXPECT_EQ(loom_tensor_shape(out)[0], rows);
    return f32Values(out);
  }

  RuntimePtr runtime;
  ModulePtr module;
};

TEST_F(VulkanDynamicTest, StaticPushConstant) {
  std::vector<float> x = {1, 2, 3, 4, 5, 6};
  EXPECT_EQ(run("static_add", 2, x),
            (std::vector<float>{2, 3, 4, 5, 6, 7}));
}

TEST_F(VulkanDynamicTest, DynamicBatch) {
  for (int64_t batch : {1, 3, 8, 64, 3, 100}) {
    std::vector<float> x(size_t(batch * 3)), want(x.size());
    for (size_t i = 0; i < x.size(); ++i) {
      x[i] = 0.5f * float(i) - 7;
      want[i] = x[i] + 2;
    }
    EXPECT_EQ(run("dyn_add", batch, x), want) << "batch " << batch;
  }
}

TEST_F(VulkanDynamicTest, ManySizesReuseAndDropCallContexts) {
  // More sizes than the device keeps idle call contexts for.
  for (int round = 0; round < 2; ++round)
    for (int64_t batch = 1; batch <= 40; ++batch) {
      std::vector<float> x(size_t(batch * 3), float(batch));
      std::vector<float> want(x.size(), float(batch) + 2);
      ASSERT_EQ(run("dyn_add", batch, x), want) << "batch " << batch;
    }
}

} // namespace
} // namespace loom::test
