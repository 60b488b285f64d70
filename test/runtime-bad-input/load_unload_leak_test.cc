// Load, call and unload a module many times: nothing may accumulate. Checked
// directly (open file descriptors, loaded shared objects) in every build,
// and for heap leaks by LeakSanitizer in the sanitizer build
// (LOOM_ENABLE_SANITIZERS=ON), which checks right after the loop as well as
// at exit.
#include "test_helpers.h"
#include "test_module_builder.h"

#include <gtest/gtest.h>

#include <dirent.h>
#include <link.h>

extern "C" int __lsan_do_recoverable_leak_check(void) __attribute__((weak));

namespace loom::test {
namespace {

int openFileDescriptors() {
  int count = 0;
  if (DIR *dir = ::opendir("/proc/self/fd")) {
    while (::readdir(dir))
      ++count;
    ::closedir(dir);
  }
  return count;
}

int loadedObjects() {
  int count = 0;
  ::dl_iterate_phdr(
      [](struct dl_phdr_info *, size_t, void *data) {
        ++*static_cast<int *>(data);
        return 0;
      },
      &count);
  return count;
}

// One round: a runtime, the module (copied or borrowed), every function
// called, an unknown function looked up, a failed call, and all released.
void loadCallUnload(const uint8_t *bytes, size_t size, bool borrow) {
  RuntimePtr runtime = makeRuntime(2);
  loom_module_t *m = nullptr;
  LOOM_ASSERT_OK(loom_module_load_memory(
      runtime.get(), bytes, size,
      borrow ? LOOM_MEMORY_BORROW : LOOM_MEMORY_COPY, &m));
  ModulePtr module(m);
  loom_function_t *main = nullptr, *grid = nullptr, *missing = nullptr;
  LOOM_ASSERT_OK(loom_module_lookup_function(m, "main", &main));
  LOOM_ASSERT_OK(loom_module_lookup_function(m, "grid", &grid));
  EXPECT_FALSE(consume(loom_module_lookup_function(m, "nope", &missing))
                   .empty());
  TensorPtr x = makeF32({2, 8}, std::vector<float>(16, 1.0f));
  loom_tensor_t *inputs[] = {x.get(), x.get()};
  loom_tensor_t *out = nullptr;
  LOOM_ASSERT_OK(loom_function_call(main, inputs, 2, &out, 1));
  EXPECT_EQ(f32Values(out)[0], 2 * kTestScale);
  loom_tensor_release(out);
  LOOM_ASSERT_OK(loom_function_call(grid, nullptr, 0, &out, 1));
  loom_tensor_release(out);
  // A failing call must not leak what it allocated.
  EXPECT_FALSE(consume(loom_function_call(main, inputs, 1, &out, 1)).empty());
}

TEST(LoadUnloadLeakTest, HundredRoundsLeaveNothingBehind) {
  std::vector<uint8_t> bytes = serialize(*makeTestModule());
  // BORROW needs 64-byte aligned bytes.
  alignas(64) static uint8_t aligned[1 << 20];
  ASSERT_LE(bytes.size(), sizeof(aligned));
  std::copy(bytes.begin(), bytes.end(), aligned);

  // warm-up: lazily created process state
  loadCallUnload(bytes.data(), bytes.size(), false);
  int fds = openFileDescriptors(), objects = loadedObjects();
  for (int i = 0; i < 100; ++i) {
    // Odd rounds borrow the aligned copy; even rounds copy the vector's
    // bytes (any alignment).
    bool borrow = i % 2 == 1;
    loadCallUnload(borrow ? aligned : bytes.data(), bytes.size(), borrow);
    if (::testing::Test::HasFatalFailure())
      return;
  }
  EXPECT_EQ(openFileDescriptors(), fds) << "file descriptors leaked";
  EXPECT_EQ(loadedObjects(), objects) << "kernel libraries stay loaded";
  if (__lsan_do_recoverable_leak_check) {
    EXPECT_EQ(__lsan_do_recoverable_leak_check(), 0)
        << "LeakSanitizer found leaks (reported above)";
  }
}

TEST(LoadUnloadLeakTest, FailedLoadsLeaveNothingBehind) {
  RuntimePtr runtime = makeRuntime(1);
  std::vector<std::vector<uint8_t>> bad;
  for (const std::string &kind : namedModuleKinds()) {
    std::vector<uint8_t> bytes;
    ASSERT_TRUE(makeNamedModule(kind, &bytes));
    if (!namedModuleLoadsOnCpu(kind))
      bad.push_back(bytes);
  }
  auto round = [&] {
    for (const std::vector<uint8_t> &bytes : bad) {
      loom_module_t *m = nullptr;
      EXPECT_FALSE(consume(loom_module_load_memory(runtime.get(), bytes.data(),
                                                   bytes.size(),
                                                   LOOM_MEMORY_COPY, &m))
                       .empty());
      EXPECT_EQ(m, nullptr);
    }
  };
  round();
  int fds = openFileDescriptors(), objects = loadedObjects();
  for (int i = 0; i < 20; ++i)
    round();
  EXPECT_EQ(openFileDescriptors(), fds) << "file descriptors leaked";
  EXPECT_EQ(loadedObjects(), objects) << "failed loads left libraries loaded";
  if (__lsan_do_recoverable_leak_check) {
    EXPECT_EQ(__lsan_do_recoverable_leak_check(), 0)
        << "LeakSanitizer found leaks (reported above)";
  }
}

} // namespace
} // namespace loom::test
