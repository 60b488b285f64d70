#include "test_module_builder.h"

#include "loom/module_format.h"

#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace loom::test {
namespace {

using namespace loom::fb;

std::vector<uint8_t> readBinary(const char *path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw std::runtime_error(std::string("cannot read ") + path);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

std::unique_ptr<TensorTypeT> tensorType(DType dtype,
                                        std::vector<int64_t> shape) {
  auto type = std::make_unique<TensorTypeT>();
  type->dtype = dtype;
  type->shape = std::move(shape);
  return type;
}

std::unique_ptr<KernelT> kernel(const char *name, uint32_t bindings,
                                uint32_t pushConstants) {
  auto k = std::make_unique<KernelT>();
  k->name = name;
  k->binding_count = bindings;
  k->push_constant_count = pushConstants;
  return k;
}

// Wraps a DispatchT, CopyT or FillT in a command entry.
template <typename Command>
std::unique_ptr<CommandEntryT> entry(Command &&command) {
  auto e = std::make_unique<CommandEntryT>();
  e->command.Set(std::forward<Command>(command));
  return e;
}

std::unique_ptr<CommandEntryT> dispatch(uint32_t kernelIndex,
                                        std::vector<BufferRef> bindings,
                                        std::vector<uint32_t> push,
                                        std::vector<uint32_t> workgroups) {
  DispatchT d;
  d.kernel = kernelIndex;
  d.bindings = std::move(bindings);
  d.push_constants = std::move(push);
  d.workgroup_count = std::move(workgroups);
  return entry(std::move(d));
}

std::unique_ptr<CommandEntryT> copy(BufferRef src, BufferRef dst) {
  CopyT c;
  c.src = std::make_unique<BufferRef>(src);
  c.dst = std::make_unique<BufferRef>(dst);
  return entry(std::move(c));
}

std::unique_ptr<CommandEntryT> fill(BufferRef dst, uint32_t pattern) {
  FillT f;
  f.dst = std::make_unique<BufferRef>(dst);
  f.pattern = pattern;
  return entry(std::move(f));
}

std::unique_ptr<FunctionT> mainFunction() {
  constexpr uint64_t bytes = kMainElements * sizeof(float);
  auto fn = std::make_unique<FunctionT>();
  fn->name = "main";
  fn->inputs.push_back(tensorType(DType::f32, {2, 8}));
  fn->inputs.push_back(tensorType(DType::f32, {2, 8}));
  fn->outputs.push_back(tensorType(DType::f32, {2, 8}));
  fn->arena_size = 128;
  fn->arena_alignment = 64;
  fn->commands.push_back(fill(ref(Space::arena, 0, 0, 128), 0));
  fn->commands.push_back(dispatch(
      0,
      {ref(Space::input, 0, 0, bytes), ref(Space::input, 1, 0, bytes),
       ref(Space::arena, 0, 64, bytes)},
      {kMainElements}, {4, 1, 1}));
  fn->commands.push_back(dispatch(
      1,
      {ref(Space::arena, 0, 64, bytes), ref(Space::constant, 0, 0, 4),
       ref(Space::output, 0, 0, bytes)},
      {kMainElements}, {3, 1, 1}));
  return fn;
}

std::unique_ptr<FunctionT> copyFillFunction() {
  auto fn = std::make_unique<FunctionT>();
  fn->name = "copy_fill";
  fn->inputs.push_back(tensorType(DType::f32, {5}));
  fn->outputs.push_back(tensorType(DType::f32, {5}));
  fn->outputs.push_back(tensorType(DType::i32, {3}));
  fn->commands.push_back(
      copy(ref(Space::input, 0, 0, 20), ref(Space::output, 0, 0, 20)));
  fn->commands.push_back(fill(ref(Space::output, 1, 0, 12), 7));
  return fn;
}

std::unique_ptr<FunctionT> gridFunction() {
  auto fn = std::make_unique<FunctionT>();
  fn->name = "grid";
  fn->outputs.push_back(tensorType(DType::i32, {3, 2, 2}));
  fn->commands.push_back(
      dispatch(2, {ref(Space::output, 0, 0, 48)}, {}, {3, 2, 2}));
  return fn;
}

std::unique_ptr<FunctionT> bodyFunction(const char *name, int inputs,
                                        int64_t elements) {
  auto fn = std::make_unique<FunctionT>();
  fn->name = name;
  for (int i = 0; i < inputs; ++i)
    fn->inputs.push_back(tensorType(DType::f32, {elements}));
  fn->outputs.push_back(tensorType(DType::f32, {elements}));
  uint64_t bytes = uint64_t(elements) * 4;
  uint32_t n = static_cast<uint32_t>(elements);
  if (inputs == 1)  // out = x * constant0
    fn->commands.push_back(dispatch(
        1, {ref(Space::input, 0, 0, bytes), ref(Space::constant, 0, 0, 4),
            ref(Space::output, 0, 0, bytes)},
        {n}, {1, 1, 1}));
  else  // out = a + b
    fn->commands.push_back(dispatch(
        0, {ref(Space::input, 0, 0, bytes), ref(Space::input, 1, 0, bytes),
            ref(Space::output, 0, 0, bytes)},
        {n}, {2, 1, 1}));
  return fn;
}

std::unique_ptr<FunctionT> sliceLoopFunction(
    const char *name, std::vector<int64_t> outShape, uint32_t reduce,
    std::vector<uint64_t> extents, std::vector<uint64_t> inputStrides,
    std::vector<uint64_t> outputStrides) {
  auto fn = std::make_unique<FunctionT>();
  fn->name = name;
  fn->inputs.push_back(tensorType(DType::f32, {6, 4}));
  uint64_t outBytes = 4;
  for (int64_t d : outShape)
    outBytes *= uint64_t(d);
  fn->outputs.push_back(tensorType(DType::f32, std::move(outShape)));
  SliceLoopT loop;
  loop.body = 0;
  loop.accumulate = 1;
  loop.reduce = reduce;
  loop.extents = std::move(extents);
  auto input = std::make_unique<SlicedBufferT>();
  input->buffer = std::make_unique<BufferRef>(ref(Space::input, 0, 0, 96));
  input->strides = std::move(inputStrides);
  loop.inputs.push_back(std::move(input));
  loop.accumulator = std::make_unique<SlicedBufferT>();
  loop.accumulator->buffer =
      std::make_unique<BufferRef>(ref(Space::output, 0, 0, outBytes));
  loop.accumulator->strides = std::move(outputStrides);
  fn->commands.push_back(entry(std::move(loop)));
  return fn;
}

// --- Dynamic shapes ----------------------------------------------------------

// Appends `code` to the function's expressions; returns its index.
int32_t addExpr(FunctionT &fn, SizeCode code) {
  auto e = std::make_unique<SizeExprT>();
  e->code = std::move(code);
  fn.exprs.push_back(std::move(e));
  return static_cast<int32_t>(fn.exprs.size() - 1);
}

std::unique_ptr<TensorTypeT> dynamicType(std::vector<int64_t> shape,
                                         std::vector<int32_t> dims) {
  auto type = tensorType(DType::f32, std::move(shape));
  type->dim_exprs = std::move(dims);
  return type;
}

// A dispatch of add_one_rows (kernel 3) over `rows` x 3 f32 rows.
std::unique_ptr<CommandEntryT> addOneRows(BufferRef x, BufferRef out,
                                          int32_t bytes, int32_t rows,
                                          int32_t cols, int32_t groups) {
  DispatchT d;
  d.kernel = kDynamicKernel;
  d.bindings = {x, out};
  d.binding_size_exprs = {bytes, bytes};
  d.push_constant_exprs = {rows, cols};
  d.workgroup_count = {1, 1, 1};
  d.workgroup_count_exprs = {groups, -1, -1};
  return entry(std::move(d));
}

// inc(x: tensor<?x3xf32>) -> tensor<?x3xf32>: x + 3 through two arena
// buffers (x -> a0 -> a1 -> out; a0 and a1 both live in dispatch 1).
std::unique_ptr<FunctionT> incFunction() {
  auto fn = std::make_unique<FunctionT>();
  fn->name = "inc";
  fn->symbols = {"batch"};
  int32_t batch = addExpr(*fn, sizeSymbol(0));
  int32_t bytes = addExpr(*fn, sizeOp(sizeSymbol(0), sizeConst(12), 4));
  int32_t groups = addExpr(*fn, sizeOp(sizeSymbol(0), sizeConst(4), 6));
  int32_t cols = addExpr(*fn, sizeConst(3));
  fn->inputs.push_back(dynamicType({-1, 3}, {batch, -1}));
  fn->inputs.back()->name = "x";
  fn->outputs.push_back(dynamicType({-1, 3}, {batch, -1}));
  fn->arena_alignment = 64;
  for (auto [first, last] : {std::pair{0u, 1u}, std::pair{1u, 2u}}) {
    auto buffer = std::make_unique<ArenaBufferT>();
    buffer->size_expr = bytes;
    buffer->first = first;
    buffer->last = last;
    fn->arena_buffers.push_back(std::move(buffer));
  }
  fn->commands.push_back(addOneRows(ref(Space::input, 0, 0, 0),
                                    ref(Space::arena, 0, 0, 0), bytes, batch,
                                    cols, groups));
  fn->commands.push_back(addOneRows(ref(Space::arena, 0, 0, 0),
                                    ref(Space::arena, 1, 0, 0), bytes, batch,
                                    cols, groups));
  fn->commands.push_back(addOneRows(ref(Space::arena, 1, 0, 0),
                                    ref(Space::output, 0, 0, 0), bytes, batch,
                                    cols, groups));
  return fn;
}

// pair(x: tensor<?x3xf32>, y: tensor<?x3xf32>) -> tensor<?x3xf32>: x + y
// (add_f32 over batch*3 elements), both inputs sharing `batch`.
std::unique_ptr<FunctionT> pairFunction() {
  auto fn = std::make_unique<FunctionT>();
  fn->name = "pair";
  fn->symbols = {"batch"};
  int32_t batch = addExpr(*fn, sizeSymbol(0));
  int32_t bytes = addExpr(*fn, sizeOp(sizeSymbol(0), sizeConst(12), 4));
  int32_t elements = addExpr(*fn, sizeOp(sizeSymbol(0), sizeConst(3), 4));
  int32_t groups = addExpr(*fn, sizeOp(sizeSymbol(0), sizeConst(4), 6));
  fn->inputs.push_back(dynamicType({-1, 3}, {batch, -1}));
  fn->inputs.back()->name = "x";
  fn->inputs.push_back(dynamicType({-1, 3}, {batch, -1}));
  fn->inputs.back()->name = "y";
  fn->outputs.push_back(dynamicType({-1, 3}, {batch, -1}));
  DispatchT d;
  d.kernel = 0;
  d.bindings = {ref(Space::input, 0, 0, 0), ref(Space::input, 1, 0, 0),
                ref(Space::output, 0, 0, 0)};
  d.binding_size_exprs = {bytes, bytes, bytes};
  d.push_constant_exprs = {elements};
  d.workgroup_count = {1, 1, 1};
  d.workgroup_count_exprs = {groups, -1, -1};
  fn->commands.push_back(entry(std::move(d)));
  return fn;
}

// twice(x: tensor<?x6xf32>, z: tensor<?xf32>) ->
//     (tensor<?x3xf32>, tensor<?xf32>): x as batch*2 rows of 3 and z (whose
// size must be batch*6), by copies of batch*24 bytes.
std::unique_ptr<FunctionT> twiceFunction() {
  auto fn = std::make_unique<FunctionT>();
  fn->name = "twice";
  fn->symbols = {"batch"};
  int32_t batch = addExpr(*fn, sizeSymbol(0));
  int32_t rows = addExpr(*fn, sizeOp(sizeSymbol(0), sizeConst(2), 4));
  int32_t six = addExpr(*fn, sizeOp(sizeSymbol(0), sizeConst(6), 4));
  int32_t bytes = addExpr(*fn, sizeOp(sizeSymbol(0), sizeConst(24), 4));
  fn->inputs.push_back(dynamicType({-1, 6}, {batch, -1}));
  fn->inputs.push_back(dynamicType({-1}, {six}));
  fn->outputs.push_back(dynamicType({-1, 3}, {rows, -1}));
  fn->outputs.push_back(dynamicType({-1}, {six}));
  for (uint32_t i = 0; i < 2; ++i) {
    CopyT c;
    c.src = std::make_unique<BufferRef>(ref(Space::input, i, 0, 0));
    c.dst = std::make_unique<BufferRef>(ref(Space::output, i, 0, 0));
    c.size_expr = bytes;
    fn->commands.push_back(entry(std::move(c)));
  }
  return fn;
}

} // namespace

SizeCode sizeConst(int64_t c) { return {0, c}; }
SizeCode sizeSymbol(int64_t k) { return {1, k}; }
SizeCode sizeOp(SizeCode a, const SizeCode &b, int64_t op) {
  a.insert(a.end(), b.begin(), b.end());
  a.push_back(op);
  return a;
}

std::unique_ptr<ModuleT> makeDynamicModule() {
  auto module = makeTestModule();
  module->format_version = LOOM_MODULE_FORMAT_DYNAMIC_SHAPE_VERSION;
  module->kernels.push_back(kernel("add_one_rows", 2, 2));
  module->functions.clear();
  module->functions.push_back(incFunction());
  module->functions.push_back(pairFunction());
  module->functions.push_back(twiceFunction());
  return module;
}

std::unique_ptr<ModuleT> makeSliceLoopModule() {
  auto module = makeTestModule();
  module->functions.clear();
  module->bodies.push_back(bodyFunction("slice_scale", 1, 4));
  module->bodies.push_back(bodyFunction("slice_acc", 2, 4));
  module->bodies.push_back(bodyFunction("slice_reduce", 2, 24));
  // 2.5 * the sum of x's six rows: one summed index of 6 (rows 16 bytes
  // apart), every slice adding into the whole result.
  module->functions.push_back(
      sliceLoopFunction("sum_rows", {4}, 1, {6}, {16}, {0}));
  // 2.5 * x: rows sliced as two output indices of 3 and 2, each slice
  // writing its own row.
  module->functions.push_back(sliceLoopFunction("scale_rows", {6, 4}, 2,
                                                {3, 2}, {32, 16}, {32, 16}));
  // 2.5 * 2.5 * the sum of x's rows: a dispatch scales x into the arena,
  // then the loop sums the arena's rows (a loop input that an earlier
  // command made).
  auto scaled = sliceLoopFunction("scale_then_sum", {4}, 1, {6}, {16}, {0});
  scaled->arena_size = 96;
  scaled->commands[0]->command.AsSliceLoop()->inputs[0]->buffer =
      std::make_unique<BufferRef>(ref(Space::arena, 0, 0, 96));
  scaled->commands.insert(
      scaled->commands.begin(),
      dispatch(1, {ref(Space::input, 0, 0, 96), ref(Space::constant, 0, 0, 4),
                   ref(Space::arena, 0, 0, 96)},
               {24}, {1, 1, 1}));
  module->functions.push_back(std::move(scaled));
  return module;
}

BufferRef ref(Space space, uint32_t index, uint64_t offset, uint64_t size) {
  return BufferRef(space, index, offset, size);
}

std::vector<uint8_t> testKernelLibrary(TestKernelAbi abi) {
  switch (abi) {
  case TestKernelAbi::Current:
    break;
  case TestKernelAbi::Oldest:
    return readBinary(LOOM_TEST_KERNELS_OLDEST_ABI_PATH);
  case TestKernelAbi::Unknown:
    return readBinary(LOOM_TEST_KERNELS_BAD_ABI_PATH);
  }
  return readBinary(LOOM_TEST_KERNELS_PATH);
}

std::unique_ptr<ModuleT> makeTestModule() {
  auto module = std::make_unique<ModuleT>();
  module->format_version = LOOM_MODULE_FORMAT_VERSION;
  module->target = "cpu";
#if defined(__x86_64__)
  module->target_triple = "x86_64-unknown-linux-gnu";
#elif defined(__aarch64__)
  module->target_triple = "aarch64-unknown-linux-gnu";
#endif
  module->producer = "loom-test-module-gen";
  module->kernels.push_back(kernel("add_f32", 3, 1));
  module->kernels.push_back(kernel("scale_f32", 3, 1));
  module->kernels.push_back(kernel("record_workgroups", 1, 0));
  auto library = std::make_unique<KernelLibraryT>();
  library->format = "elf-so";
  library->data = testKernelLibrary();
  module->libraries.push_back(std::move(library));
  auto scale = std::make_unique<ConstantT>();
  scale->data.resize(sizeof(float));
  std::memcpy(scale->data.data(), &kTestScale, sizeof(float));
  module->constants.push_back(std::move(scale));
  module->functions.push_back(mainFunction());
  module->functions.push_back(copyFillFunction());
  module->functions.push_back(gridFunction());
  return module;
}

std::unique_ptr<ModuleT> makeCudaTestModule() {
  static const char kPtx[] =
      "// loom test PTX for sm_80\n"
      ".version 8.0\n.target sm_80\n.address_size 64\n"
      ".visible .entry add_f32(.param .u64 a, .param .u64 b, "
      ".param .u64 out) { ret; }\n"
      ".visible .entry scale_f32(.param .u64 x, .param .u64 scale, "
      ".param .u64 out) { ret; }\n"
      ".visible .entry record_workgroups(.param .u64 out) { ret; }\n";
  auto module = makeTestModule();
  module->target = "cuda";
  module->target_triple = "nvptx64-nvidia-cuda";
  module->target_cpu = "sm_80";
  for (auto &k : module->kernels) {
    k->push_constant_count = 0;
    k->workgroup_size = k->name == "record_workgroups"
                            ? std::vector<uint32_t>{1, 1, 1}
                            : std::vector<uint32_t>{8, 1, 1};
  }
  for (auto &fn : module->functions)
    for (auto &command : fn->commands)
      if (DispatchT *d = command->command.AsDispatch())
        d->push_constants.clear();
  module->libraries[0]->format = "ptx";
  module->libraries[0]->data.assign(kPtx, kPtx + sizeof kPtx - 1);
  return module;
}

void addTestCubin(ModuleT &module, const std::string &libraryArch,
                  const std::string &text) {
  auto cubin = std::make_unique<KernelLibraryT>();
  cubin->format = "cubin";
  cubin->arch = libraryArch;
  std::string bytes = "\x7f" "ELF" + text + '\n';
  cubin->data.assign(bytes.begin(), bytes.end());
  cubin->data.push_back(0);
  module.libraries.push_back(std::move(cubin));
}

std::vector<uint8_t> serialize(const ModuleT &module) {
  flatbuffers::FlatBufferBuilder builder;
  builder.Finish(Module::Pack(builder, &module), ModuleIdentifier());
  return std::vector<uint8_t>(builder.GetBufferPointer(),
                              builder.GetBufferPointer() + builder.GetSize());
}

std::vector<std::string> namedModuleKinds() {
  return {"valid",        "bad-version",      "bad-identifier",
          "truncated",    "wrong-target",     "oob-binding",
          "bad-kernel-index", "missing-kernel", "bad-abi", "oldest-abi", "cuda",
          "cuda-cubin", "slice-loop", "slice-loop-overrun", "dynamic",
          "dynamic-bad-expr", "dynamic-in-v2"};
}

bool namedModuleLoadsOnCpu(const std::string &kind) {
  return kind == "valid" || kind == "oldest-abi" || kind == "slice-loop" ||
         kind == "dynamic";
}

bool makeNamedModule(const std::string &kind, std::vector<uint8_t> *bytes) {
  if (kind.rfind("dynamic", 0) == 0) {
    auto module = makeDynamicModule();
    if (kind == "dynamic-bad-expr") // `batch +`: one operand short
      module->functions[0]->exprs[1]->code = {1, 0, 2};
    else if (kind == "dynamic-in-v2")
      module->format_version = LOOM_MODULE_FORMAT_SLICE_LOOP_VERSION;
    else if (kind != "dynamic")
      return false;
    *bytes = serialize(*module);
    return true;
  }
  if (kind.rfind("slice-loop", 0) == 0) {
    auto loops = makeSliceLoopModule();
    if (kind == "slice-loop-overrun")
      loops->functions[0]->commands[0]->command.AsSliceLoop()
          ->inputs[0]->strides[0] = 20;
    else if (kind != "slice-loop")
      return false;
    *bytes = serialize(*loops);
    return true;
  }
  auto module = kind.rfind("cuda", 0) == 0 ? makeCudaTestModule()
                                            : makeTestModule();
  if (kind == "cuda-cubin")
    addTestCubin(*module, "sm_80", "loom test cubin for sm_80");
  auto &mainCommands = module->functions[0]->commands;
  if (kind == "valid" || kind == "cuda" || kind == "cuda-cubin") {
  } else if (kind == "bad-version") {
    module->format_version = LOOM_MODULE_FORMAT_VERSION + 41;
  } else if (kind == "wrong-target") {
    module->target = "vulkan";
  } else if (kind == "oob-binding") {
    mainCommands[1]->command.AsDispatch()->bindings[2] =
        ref(Space::arena, 0, 96, kMainElements * sizeof(float));
  } else if (kind == "bad-kernel-index") {
    mainCommands[1]->command.AsDispatch()->kernel = 7;
  } else if (kind == "missing-kernel") {
    module->kernels[1]->name = "no_such_kernel";
  } else if (kind == "bad-abi") {
    module->libraries[0]->data = testKernelLibrary(TestKernelAbi::Unknown);
  } else if (kind == "oldest-abi") {
    module->libraries[0]->data = testKernelLibrary(TestKernelAbi::Oldest);
  } else if (kind != "bad-identifier" && kind != "truncated") {
    return false;
  }
  *bytes = serialize(*module);
  if (kind == "bad-identifier")
    std::memcpy(bytes->data() + 4, "ONNX", 4);
  if (kind == "truncated")
    bytes->resize(bytes->size() / 2);
  return true;
}

} // namespace loom::test
