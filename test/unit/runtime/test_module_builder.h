// Builds .loom modules for the runtime's tests without the compiler: the
// hand-written kernels of test_kernels.c (compiled into a shared object at
// build time) embedded in a FlatBuffer made with the generated object API.
//
// The standard test module has three functions:
//   main(x: tensor<2x8xf32>, y: tensor<2x8xf32>) -> (tensor<2x8xf32>)
//       fill arena with 0; arena = x + y (add_f32, 4 workgroups);
//       out = arena * constant0 (scale_f32, 3 workgroups; constant0 = 2.5)
//       => out = (x + y) * 2.5
//   copy_fill(x: tensor<5xf32>) -> (tensor<5xf32>, tensor<3xi32>)
//       out0 = copy of x; out1 = fill with 7
//   grid() -> (tensor<3x2x2xi32>)
//       record_workgroups over a 3x2x2 grid: out[i] = i + 1
// Tests take it as a ModuleT, change what they need, and serialize it.
#ifndef LOOM_TEST_UNIT_RUNTIME_TEST_MODULE_BUILDER_H
#define LOOM_TEST_UNIT_RUNTIME_TEST_MODULE_BUILDER_H

#include "loom/schema/module_generated.h"

#include <memory>
#include <string>
#include <vector>

namespace loom::test {

constexpr float kTestScale = 2.5f;
constexpr int kMainElements = 16;

// Which loom_kernel_abi_version the test kernel library exports.
enum class TestKernelAbi { Current, Oldest, Unknown /* 99 */ };

// Bytes of the test kernel library (test_kernels.c built as a .so) exporting
// the given ABI version.
std::vector<uint8_t> testKernelLibrary(TestKernelAbi abi = TestKernelAbi::Current);

// The standard test module described above.
std::unique_ptr<loom::fb::ModuleT> makeTestModule();

// The standard module for the cuda device (target "cuda", target_cpu
// "sm_80"): the same functions with 8-thread workgroups and no push
// constants, and a stand-in PTX library that declares the three kernels
// (for the fake driver of fake_cuda_driver.h; no GPU could run it).
std::unique_ptr<loom::fb::ModuleT> makeCudaTestModule();

// Appends a stand-in cubin for `arch` ("\x7fELF" and the text "loom test
// cubin for ARCH"); an empty `libraryArch` leaves its arch field unset.
void addTestCubin(loom::fb::ModuleT &module, const std::string &libraryArch,
                  const std::string &text);

// A module of slice loops (format version 2) over the same kernels:
//   sum_rows(x: tensor<6x4xf32>) -> tensor<4xf32>: 2.5 * the sum of x's rows
//   scale_rows(x: tensor<6x4xf32>) -> tensor<6x4xf32>: 2.5 * x, the rows
//       sliced as two output indices (3 x 2)
// bodies: 0 slice_scale (4 elements), 1 slice_acc (4), 2 slice_reduce (24).
std::unique_ptr<loom::fb::ModuleT> makeSliceLoopModule();

// Size expressions (the schema's SizeExpr postfix code).
using SizeCode = std::vector<int64_t>;
SizeCode sizeConst(int64_t c);
SizeCode sizeSymbol(int64_t k);
// `a op b` (op: 2 add, 3 sub, 4 mul, 5 floordiv, 6 ceildiv, 7 mod, 8 min,
// 9 max).
SizeCode sizeOp(SizeCode a, const SizeCode &b, int64_t op);

// The kernel the dynamic module adds: add_one_rows (bindings x, out; push
// constants rows, cols; four rows per workgroup).
constexpr uint32_t kDynamicKernel = 3;

// A module of dynamic functions (format version 3), symbol "batch":
//   inc(x: tensor<?x3xf32>) -> tensor<?x3xf32>: x + 3 by three dispatches
//       of add_one_rows (grid ceildiv(batch, 4)) through two arena buffers
//   pair(x: tensor<?x3xf32>, y: tensor<?x3xf32>) -> tensor<?x3xf32>: x + y
//   twice(x: tensor<?x6xf32>, z: tensor<?xf32> (batch*6 elements)) ->
//       (tensor<?x3xf32> (batch*2 rows), tensor<?xf32>): copies of x and z
std::unique_ptr<loom::fb::ModuleT> makeDynamicModule();

// Serializes a module (with the file identifier).
std::vector<uint8_t> serialize(const loom::fb::ModuleT &module);

// Convenience for building schedules.
loom::fb::BufferRef ref(loom::fb::Space space, uint32_t index,
                        uint64_t offset, uint64_t size);

// Named variants for the loom-test-module-gen tool and the tests: "valid",
// "bad-version", "bad-identifier", "truncated", "wrong-target",
// "oob-binding", "bad-kernel-index", "missing-kernel", "bad-abi",
// "oldest-abi" (valid, kernels of the oldest accepted ABI), "cuda"
// (makeCudaTestModule), "cuda-cubin" (the same with a cubin for sm_80),
// "slice-loop" (makeSliceLoopModule), "slice-loop-overrun" (its first
// loop's input stride reaching past the input), "dynamic"
// (makeDynamicModule), "dynamic-bad-expr" (a size expression one operand
// short), "dynamic-in-v2" (the dynamic module labelled version 2).
// Returns false for an unknown kind.
bool makeNamedModule(const std::string &kind, std::vector<uint8_t> *bytes);
std::vector<std::string> namedModuleKinds();
// True for the kinds a CPU runtime loads ("valid", "oldest-abi",
// "slice-loop", "dynamic"); every other kind is refused by it.
bool namedModuleLoadsOnCpu(const std::string &kind);

} // namespace loom::test

#endif // LOOM_TEST_UNIT_RUNTIME_TEST_MODULE_BUILDER_H
