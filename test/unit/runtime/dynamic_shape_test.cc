// Dynamic shapes (format version 3): calls at several sizes with their
// results and output shapes, symbols bound from the inputs, output
// dimensions computed from expressions, arena buffers planned per call, the
// per-size instance cache, every mismatch a caller can make and every
// malformed piece of a module, each with the message a user sees.
#include "test_helpers.h"
#include "test_module_builder.h"

#include "instance.h"
#include "loom/module_format.h"
#include "module.h"

#include <functional>
#include <thread>

namespace loom::test {
namespace {

using namespace loom::fb;

class DynamicShapeTest : public ::testing::Test {
protected:
  void SetUp() override { runtime = makeRuntime(2); }

  loom_status_t load(const ModuleT &m, loom_runtime_t *rt = nullptr) {
    std::vector<uint8_t> bytes = serialize(m);
    loom_module_t *out = nullptr;
    loom_status_t s =
        loom_module_load_memory(rt ? rt : runtime.get(), bytes.data(),
                                bytes.size(), LOOM_MEMORY_COPY, &out);
    module.reset(out);
    return s;
  }

  loom_status_t loadEdited(const std::function<void(ModuleT &)> &edit) {
    auto m = makeDynamicModule();
    edit(*m);
    return load(*m);
  }

  loom_function_t *function(const char *name) {
    loom_function_t *fn = nullptr;
    LOOM_EXPECT_OK(loom_module_lookup_function(module.get(), name, &fn));
    return fn;
  }

  // Calls `name`; returns the status and fills `outputs`.
  loom_status_t call(const char *name, std::vector<loom_tensor_t *> inputs,
                     std::vector<TensorPtr> *outputs, size_t count = 1) {
    std::vector<loom_tensor_t *> raw(count, nullptr);
    loom_status_t s = loom_function_call(function(name), inputs.data(),
                                         inputs.size(), raw.data(), count);
    outputs->clear();
    for (loom_tensor_t *t : raw)
      outputs->emplace_back(t);
    return s;
  }

  static std::vector<float> rows(int64_t n, int64_t cols, float base = 0) {
    std::vector<float> v(size_t(n * cols));
    for (size_t i = 0; i < v.size(); ++i)
      v[i] = base + 0.5f * float(i);
    return v;
  }

  static std::vector<int64_t> shape(loom_tensor_t *t) {
    return std::vector<int64_t>(loom_tensor_shape(t),
                                loom_tensor_shape(t) + loom_tensor_rank(t));
  }

  // inc(x) at `batch`: expects x + 3 with shape [batch, 3].
  void expectInc(int64_t batch) {
    std::vector<float> x = rows(batch, 3, float(batch));
    TensorPtr in = makeF32({batch, 3}, x);
    std::vector<TensorPtr> out;
    LOOM_ASSERT_OK(call("inc", {in.get()}, &out));
    EXPECT_EQ(shape(out[0].get()), (std::vector<int64_t>{batch, 3}));
    std::vector<float> want = x;
    for (float &v : want)
      v += 3;
    EXPECT_EQ(f32Values(out[0].get()), want) << "batch " << batch;
  }

  RuntimePtr runtime;
  ModulePtr module;
};

TEST_F(DynamicShapeTest, SignatureShowsDynamicDimensions) {
  LOOM_ASSERT_OK(load(*makeDynamicModule()));
  loom_function_t *inc = function("inc");
  EXPECT_STREQ(loom_function_signature(inc),
               "inc(tensor<?x3xf32>) -> (tensor<?x3xf32>) where ? = batch");
  EXPECT_STREQ(loom_function_signature(function("twice")),
               "twice(tensor<?x6xf32>, tensor<?xf32>) -> (tensor<?x3xf32>, "
               "tensor<?xf32>) where ?s = batch, batch * 6 -> batch * 2, "
               "batch * 6");
  EXPECT_EQ(loom_function_is_dynamic(inc), 1);
  loom_tensor_type_t type;
  LOOM_ASSERT_OK(loom_function_input_type(inc, 0, &type));
  ASSERT_EQ(type.rank, 2u);
  EXPECT_EQ(type.shape[0], -1);
  EXPECT_EQ(type.shape[1], 3);
  char text[64];
  loom_tensor_type_format(type, text, sizeof text);
  EXPECT_STREQ(text, "tensor<?x3xf32>");
  EXPECT_STREQ(loom_function_input_dim_name(inc, 0, 0), "batch");
  EXPECT_STREQ(loom_function_input_dim_name(inc, 0, 1), "");
  EXPECT_EQ(loom_function_input_dim_name(inc, 0, 2), nullptr);
  EXPECT_EQ(loom_function_input_dim_name(inc, 1, 0), nullptr);
  EXPECT_STREQ(loom_function_output_dim_name(function("twice"), 0, 0),
               "batch * 2");
}

TEST_F(DynamicShapeTest, RunsAtEverySize) {
  LOOM_ASSERT_OK(load(*makeDynamicModule()));
  for (int64_t batch : {1, 3, 8, 64, 5})
    expectInc(batch);
}

TEST_F(DynamicShapeTest, InstancesAreCachedPerSize) {
  LOOM_ASSERT_OK(load(*makeDynamicModule()));
  expectInc(3);
  expectInc(8);
  expectInc(3);
  const loom_function_s *inc = function("inc");
  EXPECT_EQ(inc->dynamic->instances->size(), 2u);
  // More sizes than the cache holds: the oldest go, results stay right.
  for (int64_t batch = 1; batch <= 40; ++batch)
    expectInc(batch);
  EXPECT_EQ(inc->dynamic->instances->size(), rt::InstanceCache::kCapacity);
  expectInc(3);
}

TEST_F(DynamicShapeTest, ConcurrentCallsOfDifferentSizes) {
  LOOM_ASSERT_OK(load(*makeDynamicModule()));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([this, t] {
      for (int i = 0; i < 30; ++i)
        expectInc(1 + (t * 7 + i) % 20);
    });
  for (std::thread &t : threads)
    t.join();
}

TEST_F(DynamicShapeTest, ArenaBuffersArePlannedPerCall) {
  LOOM_ASSERT_OK(load(*makeDynamicModule()));
  const loom_function_s &inc = *function("inc");
  for (int64_t batch : {1, 6, 100}) {
    std::unique_ptr<loom_function_s> instance;
    rt::Status status = rt::instantiate(inc, {batch}, &instance);
    ASSERT_TRUE(status.ok()) << status.message();
    // a0 and a1 are both live in dispatch 1: side by side, 64-byte aligned.
    uint64_t buffer = (uint64_t(batch) * 12 + 63) / 64 * 64;
    EXPECT_EQ(instance->arenaSize, 2 * buffer);
    EXPECT_EQ(instance->callMemoryBytes, 2 * buffer + uint64_t(batch) * 12);
    ASSERT_EQ(instance->commands.size(), 3u);
    const auto &d1 = std::get<rt::DispatchCommand>(instance->commands[1]);
    EXPECT_EQ(d1.bindings[0].space, rt::Space::Arena);
    EXPECT_NE(d1.bindings[0].offset, d1.bindings[1].offset);
    EXPECT_EQ(d1.bindings[0].size, uint64_t(batch) * 12);
    EXPECT_EQ(d1.workgroupCount[0], uint32_t((batch + 3) / 4));
    EXPECT_EQ(d1.pushConstants, (std::vector<uint32_t>{uint32_t(batch), 3}));
  }
}

TEST_F(DynamicShapeTest, InputsShareASymbol) {
  LOOM_ASSERT_OK(load(*makeDynamicModule()));
  for (int64_t batch : {1, 3, 8, 64}) {
    std::vector<float> x = rows(batch, 3), y = rows(batch, 3, 100);
    TensorPtr a = makeF32({batch, 3}, x), b = makeF32({batch, 3}, y);
    std::vector<TensorPtr> out;
    LOOM_ASSERT_OK(call("pair", {a.get(), b.get()}, &out));
    EXPECT_EQ(shape(out[0].get()), (std::vector<int64_t>{batch, 3}));
    for (size_t i = 0; i < x.size(); ++i)
      x[i] += y[i];
    EXPECT_EQ(f32Values(out[0].get()), x);
  }
  TensorPtr a = makeF32({3, 3}, rows(3, 3)), b = makeF32({4, 3}, rows(4, 3));
  std::vector<TensorPtr> out;
  LOOM_EXPECT_ERROR(
      call("pair", {a.get(), b.get()}, &out), LOOM_STATUS_INVALID_ARGUMENT,
      "input 1 ('y') of function 'pair' is tensor<4x3xf32>: dimension 0 is "
      "4, but 'batch' is 3 (from input 0 ('x') dimension 0); signature: "
      "pair(tensor<?x3xf32>, tensor<?x3xf32>) -> (tensor<?x3xf32>) where ? "
      "= batch");
  EXPECT_EQ(out[0], nullptr);
}

TEST_F(DynamicShapeTest, OutputDimensionFromAnExpression) {
  LOOM_ASSERT_OK(load(*makeDynamicModule()));
  for (int64_t batch : {1, 3, 8}) {
    std::vector<float> x = rows(batch, 6), z = rows(batch * 6, 1, 7);
    TensorPtr a = makeF32({batch, 6}, x), b = makeF32({batch * 6}, z);
    std::vector<TensorPtr> out;
    LOOM_ASSERT_OK(call("twice", {a.get(), b.get()}, &out, 2));
    EXPECT_EQ(shape(out[0].get()), (std::vector<int64_t>{batch * 2, 3}));
    EXPECT_EQ(f32Values(out[0].get()), x);
    EXPECT_EQ(shape(out[1].get()), (std::vector<int64_t>{batch * 6}));
    EXPECT_EQ(f32Values(out[1].get()), z);
  }
  // z's size is an expression of batch, checked against it.
  TensorPtr a = makeF32({2, 6}, rows(2, 6)), b = makeF32({11}, rows(11, 1));
  std::vector<TensorPtr> out;
  LOOM_EXPECT_ERROR(call("twice", {a.get(), b.get()}, &out, 2),
                    LOOM_STATUS_INVALID_ARGUMENT,
                    "input 1 of function 'twice' is tensor<11xf32>: "
                    "dimension 0 is 11, but the function expects batch * 6 "
                    "= 12 with batch = 2; signature: twice(");
}

TEST_F(DynamicShapeTest, MismatchesNameTheInputAndTheSignature) {
  LOOM_ASSERT_OK(load(*makeDynamicModule()));
  const char *sig = "signature: inc(tensor<?x3xf32>) -> (tensor<?x3xf32>) "
                    "where ? = batch";
  std::vector<TensorPtr> out;
  TensorPtr rank1 = makeF32({6}, rows(6, 1));
  LOOM_EXPECT_ERROR(call("inc", {rank1.get()}, &out),
                    LOOM_STATUS_INVALID_ARGUMENT,
                    "input 0 ('x') of function 'inc' is tensor<6xf32> but "
                    "the function expects tensor<?x3xf32>",
                    sig);
  TensorPtr wrongStatic = makeF32({2, 4}, rows(2, 4));
  LOOM_EXPECT_ERROR(call("inc", {wrongStatic.get()}, &out),
                    LOOM_STATUS_INVALID_ARGUMENT,
                    "is tensor<2x4xf32> but the function expects "
                    "tensor<?x3xf32>",
                    sig);
  loom_tensor_t *i32 = nullptr;
  int64_t dims[2] = {2, 3};
  LOOM_ASSERT_OK(loom_tensor_allocate(LOOM_DTYPE_I32, 2, dims, &i32));
  TensorPtr wrongType(i32);
  LOOM_EXPECT_ERROR(call("inc", {wrongType.get()}, &out),
                    LOOM_STATUS_INVALID_ARGUMENT,
                    "is tensor<2x3xi32> but the function expects "
                    "tensor<?x3xf32>");
  TensorPtr empty = makeF32({0, 3}, {});
  LOOM_EXPECT_ERROR(call("inc", {empty.get()}, &out),
                    LOOM_STATUS_INVALID_ARGUMENT,
                    "input 0 ('x') of function 'inc' is tensor<0x3xf32>: "
                    "dimension 0 ('batch') is 0, but the function needs "
                    "'batch' >= 1",
                    sig);
  LOOM_EXPECT_ERROR(call("inc", {nullptr}, &out),
                    LOOM_STATUS_INVALID_ARGUMENT,
                    "input 0 ('x') of function 'inc' is NULL; expected "
                    "tensor<?x3xf32>");
  LOOM_EXPECT_ERROR(call("inc", {}, &out), LOOM_STATUS_INVALID_ARGUMENT,
                    "function 'inc' takes 1 input, got 0");
}

TEST_F(DynamicShapeTest, MaxCallMemoryIsCheckedWithTheCallsSizes) {
  // inc at batch b: two arena buffers of b*12 bytes (64-byte aligned) and
  // a b*12-byte result: 140 bytes at batch 1, 352 at 8, 2304 at 64.
  RuntimePtr capped = makeRuntime(1, 1000);
  LOOM_ASSERT_OK(load(*makeDynamicModule(), capped.get()));
  TensorPtr small = makeF32({8, 3}, rows(8, 3));
  std::vector<TensorPtr> out;
  LOOM_EXPECT_OK(call("inc", {small.get()}, &out));
  TensorPtr big = makeF32({64, 3}, rows(64, 3));
  LOOM_EXPECT_ERROR(call("inc", {big.get()}, &out),
                    LOOM_STATUS_RESOURCE_EXHAUSTED,
                    "function 'inc' with batch = 64 needs 2304 bytes for "
                    "this call (arena 1536 + outputs 768), above the "
                    "runtime's limit of 1000 bytes (max_call_memory_bytes)");
}

TEST_F(DynamicShapeTest, AnEmptyGridSkipsTheDispatch) {
  // pair's grid: batch floordiv 100, 0 below batch 100.
  LOOM_ASSERT_OK(loadEdited([](ModuleT &m) {
    FunctionT &pair = *m.functions[1];
    int32_t e = int32_t(pair.exprs.size());
    auto expr = std::make_unique<SizeExprT>();
    expr->code = sizeOp(sizeSymbol(0), sizeConst(100), 5);
    pair.exprs.push_back(std::move(expr));
    pair.commands[0]->command.AsDispatch()->workgroup_count_exprs[0] = e;
  }));
  std::unique_ptr<loom_function_s> instance;
  ASSERT_TRUE(rt::instantiate(*function("pair"), {3}, &instance).ok());
  EXPECT_TRUE(instance->commands.empty());
}

TEST_F(DynamicShapeTest, OverflowingSizesAreErrors) {
  // pair's byte size: batch * 2^62.
  LOOM_ASSERT_OK(loadEdited([](ModuleT &m) {
    m.functions[1]->exprs[1]->code =
        sizeOp(sizeSymbol(0), sizeConst(int64_t(1) << 62), 4);
  }));
  TensorPtr a = makeF32({3, 3}, rows(3, 3)), b = makeF32({3, 3}, rows(3, 3));
  std::vector<TensorPtr> out;
  LOOM_EXPECT_ERROR(call("pair", {a.get(), b.get()}, &out),
                    LOOM_STATUS_INVALID_ARGUMENT,
                    "function 'pair' with batch = 3: batch * "
                    "4611686018427387904: '3 * 4611686018427387904' "
                    "overflows");
  // A push constant above 32 bits.
  LOOM_ASSERT_OK(loadEdited([](ModuleT &m) {
    m.functions[1]->exprs[2]->code =
        sizeOp(sizeSymbol(0), sizeConst(int64_t(1) << 32), 4);
  }));
  LOOM_EXPECT_ERROR(call("pair", {a.get(), b.get()}, &out),
                    LOOM_STATUS_INVALID_ARGUMENT,
                    "push constant 0 (batch * 4294967296) is 12884901888, "
                    "more than 2^32-1");
  // A binding past its storage at some sizes: refused at that call.
  LOOM_ASSERT_OK(loadEdited([](ModuleT &m) {
    m.functions[1]->exprs[1]->code =
        sizeOp(sizeSymbol(0), sizeConst(16), 4);
  }));
  LOOM_EXPECT_ERROR(call("pair", {a.get(), b.get()}, &out),
                    LOOM_STATUS_DATA_LOSS,
                    "binding 0: [0, +48) is out of bounds of its storage 0 "
                    "(36 bytes)");
}

TEST_F(DynamicShapeTest, OlderVersionsStillLoad) {
  auto v1 = makeTestModule();
  v1->format_version = LOOM_MODULE_FORMAT_OLDEST_VERSION;
  LOOM_EXPECT_OK(load(*v1));
  auto v2 = makeSliceLoopModule();
  v2->format_version = LOOM_MODULE_FORMAT_SLICE_LOOP_VERSION;
  LOOM_ASSERT_OK(load(*v2));
  std::vector<float> x(24, 1.0f);
  TensorPtr in = makeF32({6, 4}, x);
  std::vector<TensorPtr> out;
  LOOM_ASSERT_OK(call("sum_rows", {in.get()}, &out));
  EXPECT_EQ(f32Values(out[0].get()), std::vector<float>(4, 6 * kTestScale));
}

// --- The loader's checks -------------------------------------------------

TEST_F(DynamicShapeTest, MalformedSizeExpressionsAreRefused) {
  struct Case {
    SizeCode code;
    const char *message;
  } cases[] = {
      {{}, "size expression #1 is empty"},
      {{1, 0, 2}, "size expression #1 word 2: '+' needs two operands, the "
                  "stack has 1"},
      {{1, 0, 1, 0}, "size expression #1 leaves 2 values, expected 1"},
      {{1, 5}, "size expression #1 word 0: symbol 5 is out of range (the "
               "function has 1 symbols)"},
      {{1, 0, 0, 2, 42}, "size expression #1 word 4: unknown opcode 42"},
      {{0}, "size expression #1 ends inside the operand of word 0"},
      {SizeCode(2000, 0), "size expression #1 has 2000 words, more than the "
                          "1024 allowed"},
  };
  for (const Case &c : cases)
    LOOM_EXPECT_ERROR(loadEdited([&](ModuleT &m) {
                        m.functions[0]->exprs[1]->code = c.code;
                      }),
                      LOOM_STATUS_DATA_LOSS,
                      "invalid module: function 'inc': ", c.message);
}

TEST_F(DynamicShapeTest, OutOfRangeIndicesAreRefused) {
  LOOM_EXPECT_ERROR(loadEdited([](ModuleT &m) {
                      m.functions[0]->inputs[0]->dim_exprs[0] = 99;
                    }),
                    LOOM_STATUS_DATA_LOSS,
                    "function 'inc': input 0: dimension 0: expression index "
                    "99 is out of range (the function has 4 expressions)");
  LOOM_EXPECT_ERROR(loadEdited([](ModuleT &m) {
                      m.functions[0]->commands[0]->command.AsDispatch()
                          ->binding_size_exprs[1] = 4;
                    }),
                    LOOM_STATUS_DATA_LOSS,
                    "command #0 (dispatch of kernel #3 'add_one_rows'): "
                    "binding 1: size: expression index 4 is out of range");
  LOOM_EXPECT_ERROR(loadEdited([](ModuleT &m) {
                      m.functions[0]->commands[0]->command.AsDispatch()
                          ->push_constant_exprs[0] = -1;
                    }),
                    LOOM_STATUS_DATA_LOSS,
                    "push constant: expression index -1 is out of range");
  LOOM_EXPECT_ERROR(loadEdited([](ModuleT &m) {
                      m.functions[0]->commands[0]->command.AsDispatch()
                          ->workgroup_count_exprs[2] = 7;
                    }),
                    LOOM_STATUS_DATA_LOSS,
                    "workgroup count: expression index 7 is out of range");
  LOOM_EXPECT_ERROR(loadEdited([](ModuleT &m) {
                      m.functions[0]->arena_buffers[1]->size_expr = 4;
                    }),
                    LOOM_STATUS_DATA_LOSS,
                    "function 'inc': arena buffer 1: size expression 4 is out "
                    "of range");
  LOOM_EXPECT_ERROR(loadEdited([](ModuleT &m) {
                      m.functions[0]->commands[1]->command.AsDispatch()
                          ->bindings[1] = ref(Space::arena, 2, 0, 0);
                    }),
                    LOOM_STATUS_DATA_LOSS,
                    "command #1 (dispatch of kernel #3 'add_one_rows'): "
                    "binding 1: arena buffer index 2 is out of range (the "
                    "function has 2 arena buffers)");
  LOOM_EXPECT_ERROR(loadEdited([](ModuleT &m) {
                      m.functions[1]->commands[0]->command.AsDispatch()
                          ->bindings[2] = ref(Space::output, 1, 0, 0);
                    }),
                    LOOM_STATUS_DATA_LOSS,
                    "binding 2: output index 1 is out of range (the "
                    "function has 1 output)");
}

TEST_F(DynamicShapeTest, InconsistentPiecesAreRefused) {
  LOOM_EXPECT_ERROR(loadEdited([](ModuleT &m) {
                      m.functions[0]->inputs[0]->dim_exprs = {0};
                    }),
                    LOOM_STATUS_DATA_LOSS,
                    "input 0: has 1 dimension expressions for rank 2");
  LOOM_EXPECT_ERROR(loadEdited([](ModuleT &m) {
                      m.functions[0]->inputs[0]->shape[0] = 5;
                    }),
                    LOOM_STATUS_DATA_LOSS,
                    "input 0: dimension 0 is 5 but has a dimension "
                    "expression (a dynamic dimension is -1)");
  LOOM_EXPECT_ERROR(loadEdited([](ModuleT &m) {
                      m.functions[0]->outputs[0]->dim_exprs.clear();
                    }),
                    LOOM_STATUS_DATA_LOSS,
                    "output 0: dimension 0 is dynamic (-1) but has no "
                    "dimension expression");
  LOOM_EXPECT_ERROR(loadEdited([](ModuleT &m) {
                      m.functions[0]->inputs[0]->dim_exprs[0] = 1;
                    }),
                    LOOM_STATUS_DATA_LOSS,
                    "function 'inc': symbol 'batch' is no input's "
                    "dimension, so no call can give it a value");
  LOOM_EXPECT_ERROR(loadEdited([](ModuleT &m) {
                      m.functions[0]->commands[0]->command.AsDispatch()
                          ->push_constant_exprs.pop_back();
                    }),
                    LOOM_STATUS_DATA_LOSS,
                    "has 1 push constants, the kernel takes 2");
  LOOM_EXPECT_ERROR(loadEdited([](ModuleT &m) {
                      m.functions[0]->commands[0]->command.AsDispatch()
                          ->bindings.pop_back();
                    }),
                    LOOM_STATUS_DATA_LOSS,
                    "has 1 bindings, the kernel takes 2");
  LOOM_EXPECT_ERROR(loadEdited([](ModuleT &m) {
                      m.functions[0]->commands[2]->command.AsDispatch()
                          ->bindings[0] = ref(Space::arena, 0, 0, 0);
                    }),
                    LOOM_STATUS_DATA_LOSS,
                    "binding 0: arena buffer 0 is live in dispatches [0, 1], "
                    "not in dispatch 2");
  LOOM_EXPECT_ERROR(loadEdited([](ModuleT &m) {
                      FillT fill;
                      fill.dst = std::make_unique<BufferRef>(
                          ref(Space::output, 0, 0, 4));
                      auto e = std::make_unique<CommandEntryT>();
                      e->command.Set(std::move(fill));
                      m.functions[0]->commands.push_back(std::move(e));
                    }),
                    LOOM_STATUS_DATA_LOSS,
                    "command #3: a Fill command in a function with dynamic "
                    "shapes (not supported)");
  LOOM_EXPECT_ERROR(loadEdited([](ModuleT &m) {
                      m.functions[0]->symbols.push_back("batch");
                    }),
                    LOOM_STATUS_DATA_LOSS,
                    "symbol 1 has an empty or duplicate name 'batch'");
}

TEST_F(DynamicShapeTest, DynamicPiecesNeedSymbolsAndVersion3) {
  LOOM_EXPECT_ERROR(loadEdited([](ModuleT &m) {
                      m.format_version = LOOM_MODULE_FORMAT_SLICE_LOOP_VERSION;
                    }),
                    LOOM_STATUS_DATA_LOSS,
                    "function 'inc': has dynamic shapes (symbols) in a "
                    "version-2 module");
  // A static function carrying expressions.
  auto withExprs = makeTestModule();
  withExprs->functions[0]->inputs[0]->dim_exprs = {0, -1};
  LOOM_EXPECT_ERROR(load(*withExprs), LOOM_STATUS_DATA_LOSS,
                    "function 'main': input 0: has dimension expressions but "
                    "the function has no symbols");
  auto grid = makeTestModule();
  grid->functions[0]->commands[1]->command.AsDispatch()
      ->workgroup_count_exprs = {0, -1, -1};
  LOOM_EXPECT_ERROR(load(*grid), LOOM_STATUS_DATA_LOSS,
                    "has size expressions but the function has no symbols");
  auto copy = makeTestModule();
  copy->functions[1]->commands[0]->command.AsCopy()->size_expr = 0;
  LOOM_EXPECT_ERROR(load(*copy), LOOM_STATUS_DATA_LOSS,
                    "has a size expression but the function has no symbols");
}

TEST_F(DynamicShapeTest, EveryTruncationIsAnError) {
  std::vector<uint8_t> bytes = serialize(*makeDynamicModule());
  for (size_t length = 0; length + 64 <= bytes.size();
       length += length < 1024 ? 7 : 97) {
    std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + length);
    loom_module_t *m = nullptr;
    loom_status_t s = loom_module_load_memory(
        runtime.get(), cut.empty() ? "" : (const void *)cut.data(),
        cut.size(), LOOM_MEMORY_COPY, &m);
    EXPECT_NE(s, nullptr) << "truncated to " << length;
    loom_status_free(s);
    loom_module_release(m);
  }
}

} // namespace
} // namespace loom::test
