// The compiler's module writer (lib/module/ModuleWriter.cpp) against this
// runtime: dynamic functions written from a ModuleSchedule load and run at
// several sizes; static modules keep the oldest format version and carry
// none of the dynamic-shape fields. Built with the compiler only (it links
// LoomModule).
#include "test_helpers.h"
#include "test_module_builder.h"

#include "loom/module/ModuleWriter.h"
#include "loom/module_format.h"
#include "loom/schema/module_generated.h"

namespace loom::test {
namespace {

std::string kernelLibrary() {
  std::vector<uint8_t> bytes = testKernelLibrary();
  return std::string(bytes.begin(), bytes.end());
}

ModuleTargetInfo cpuTarget() {
  ModuleTargetInfo target;
#if defined(__x86_64__)
  target.triple = "x86_64-unknown-linux-gnu";
#elif defined(__aarch64__)
  target.triple = "aarch64-unknown-linux-gnu";
#endif
  return target;
}

SizeExpr code(SizeCode c) { return SizeExpr{std::move(c)}; }

// inc(x: tensor<?x3xf32>) -> x + 2 through one arena buffer (add_one_rows,
// four rows per workgroup), and reshape(x: tensor<?x6xf32>) ->
// tensor<?x3xf32> (batch * 2 rows) by a copy.
ModuleSchedule dynamicSchedule() {
  ModuleSchedule s;
  s.kernels.push_back({"add_one_rows", 2, 2, {}});
  FunctionSchedule inc;
  inc.name = "inc";
  inc.symbols = {"batch"};
  inc.exprs = {SizeExpr::symbol(0),
               code(sizeOp(sizeSymbol(0), sizeConst(12), SizeExpr::Mul)),
               code(sizeOp(sizeSymbol(0), sizeConst(4), SizeExpr::CeilDiv)),
               SizeExpr::constant(3)};
  TensorSignature rows{DType::F32, {-1, 3}, "x", {0, kStatic}};
  inc.inputs = {rows};
  rows.name = "";
  inc.outputs = {rows};
  inc.arenaBuffers = {{1, 0, 1}};
  auto dispatch = [&](BufferRef a, BufferRef b) {
    Command c;
    c.kind = Command::Kind::Dispatch;
    a.sizeExpr = b.sizeExpr = 1;
    c.bindings = {a, b};
    c.workgroupCountExprs = {2, kStatic, kStatic};
    c.pushConstantExprs = {0, 3};
    inc.commands.push_back(c);
  };
  dispatch({StorageSpace::Input, 0, 0, 0}, {StorageSpace::Arena, 0, 0, 0});
  dispatch({StorageSpace::Arena, 0, 0, 0}, {StorageSpace::Output, 0, 0, 0});
  s.functions.push_back(inc);

  FunctionSchedule reshape;
  reshape.name = "reshape";
  reshape.symbols = {"batch"};
  reshape.exprs = {SizeExpr::symbol(0),
                   code(sizeOp(sizeSymbol(0), sizeConst(2), SizeExpr::Mul)),
                   code(sizeOp(sizeSymbol(0), sizeConst(24), SizeExpr::Mul))};
  reshape.inputs = {{DType::F32, {-1, 6}, "", {0, kStatic}}};
  reshape.outputs = {{DType::F32, {-1, 3}, "", {1, kStatic}}};
  Command copy;
  copy.kind = Command::Kind::Copy;
  copy.src = {StorageSpace::Input, 0, 0, 0, 2};
  copy.dst = {StorageSpace::Output, 0, 0, 0, 2};
  reshape.commands.push_back(copy);
  s.functions.push_back(reshape);
  return s;
}

class ModuleWriterTest : public ::testing::Test {
protected:
  void SetUp() override { runtime = makeRuntime(2); }

  void load(const std::string &bytes) {
    loom_module_t *m = nullptr;
    LOOM_ASSERT_OK(loom_module_load_memory(runtime.get(), bytes.data(),
                                           bytes.size(), LOOM_MEMORY_COPY,
                                           &m));
    module.reset(m);
  }

  TensorPtr call(const char *name, TensorPtr input) {
    loom_function_t *fn = nullptr;
    LOOM_EXPECT_OK(loom_module_lookup_function(module.get(), name, &fn));
    loom_tensor_t *in[1] = {input.get()}, *out = nullptr;
    LOOM_EXPECT_OK(loom_function_call(fn, in, 1, &out, 1));
    return TensorPtr(out);
  }

  RuntimePtr runtime;
  ModulePtr module;
};

TEST_F(ModuleWriterTest, DynamicFunctionsRunAtEverySize) {
  std::string bytes = writeModuleFile(
      dynamicSchedule(), KernelLibraryBlob{"elf-so", kernelLibrary(), ""},
      cpuTarget());
  EXPECT_EQ(fb::GetModule(bytes.data())->format_version(),
            LOOM_MODULE_FORMAT_DYNAMIC_SHAPE_VERSION);
  load(bytes);
  loom_function_t *inc = nullptr;
  LOOM_ASSERT_OK(loom_module_lookup_function(module.get(), "inc", &inc));
  EXPECT_STREQ(loom_function_signature(inc),
               "inc(tensor<?x3xf32>) -> (tensor<?x3xf32>) where ? = batch");
  EXPECT_STREQ(loom_function_input_name(inc, 0), "x");
  for (int64_t batch : {1, 3, 8, 64}) {
    std::vector<float> x(size_t(batch * 3));
    for (size_t i = 0; i < x.size(); ++i)
      x[i] = float(i);
    TensorPtr out = call("inc", makeF32({batch, 3}, x));
    ASSERT_NE(out, nullptr);
    EXPECT_EQ(loom_tensor_shape(out.get())[0], batch);
    for (float &v : x)
      v += 2;
    EXPECT_EQ(f32Values(out.get()), x) << "batch " << batch;

    std::vector<float> y(size_t(batch * 6), 1.5f);
    TensorPtr reshaped = call("reshape", makeF32({batch, 6}, y));
    ASSERT_NE(reshaped, nullptr);
    EXPECT_EQ(loom_tensor_shape(reshaped.get())[0], batch * 2);
    EXPECT_EQ(f32Values(reshaped.get()), y);
  }
}

TEST_F(ModuleWriterTest, StaticModulesKeepTheOldestVersion) {
  ModuleSchedule s;
  s.kernels.push_back({"record_workgroups", 1, 0, {}});
  FunctionSchedule grid;
  grid.name = "grid";
  grid.outputs = {{DType::I32, {3, 2, 2}, "", {}}};
  Command d;
  d.kind = Command::Kind::Dispatch;
  d.bindings = {{StorageSpace::Output, 0, 0, 48}};
  d.workgroupCount = {3, 2, 2};
  grid.commands.push_back(d);
  s.functions.push_back(grid);
  std::string bytes = writeModuleFile(
      s, KernelLibraryBlob{"elf-so", kernelLibrary(), ""}, cpuTarget());
  const fb::Module *m = fb::GetModule(bytes.data());
  EXPECT_EQ(m->format_version(), LOOM_MODULE_FORMAT_OLDEST_VERSION);
  const fb::Function *fn = m->functions()->Get(0);
  EXPECT_EQ(fn->symbols(), nullptr);
  EXPECT_EQ(fn->exprs(), nullptr);
  EXPECT_EQ(fn->arena_buffers(), nullptr);
  EXPECT_EQ(fn->outputs()->Get(0)->dim_exprs(), nullptr);
  const fb::Dispatch *dispatch = fn->commands()->Get(0)->command_as_Dispatch();
  EXPECT_EQ(dispatch->push_constant_exprs(), nullptr);
  EXPECT_EQ(dispatch->workgroup_count_exprs(), nullptr);
  EXPECT_EQ(dispatch->binding_size_exprs(), nullptr);
  load(bytes);
  loom_function_t *fn2 = nullptr;
  LOOM_ASSERT_OK(loom_module_lookup_function(module.get(), "grid", &fn2));
  loom_tensor_t *out = nullptr;
  LOOM_ASSERT_OK(loom_function_call(fn2, nullptr, 0, &out, 1));
  TensorPtr result(out);
  const int32_t *v = static_cast<const int32_t *>(loom_tensor_data(out));
  for (int i = 0; i < 12; ++i)
    EXPECT_EQ(v[i], i + 1);
}

} // namespace
} // namespace loom::test
