// Runs the fuzz targets (fuzz_targets.h) on their seeds and on every
// checked-in regression input, with whatever compiler built the tests: a
// crash found by fuzzing stays fixed even where libFuzzer is unavailable.
// The targets abort on a violated invariant; the sanitizers (in the
// LOOM_ENABLE_SANITIZERS build) catch memory errors and leaks.
#include "fuzz_targets.h"

#include "test_module_builder.h"

#include <gtest/gtest.h>

#include <dirent.h>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace loom::fuzz {
namespace {

std::vector<std::string> filesIn(const std::string &dir) {
  std::vector<std::string> files;
  if (DIR *d = ::opendir(dir.c_str())) {
    while (const struct dirent *entry = ::readdir(d)) {
      std::string name = entry->d_name;
      if (name[0] != '.' && name != "README.md")
        files.push_back(dir + "/" + name);
    }
    ::closedir(d);
  }
  return files;
}

std::vector<uint8_t> readBytes(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

loom_status_code_t loadModule(const std::vector<uint8_t> &bytes) {
  return fuzzModuleLoader(bytes.data(), bytes.size());
}

TEST(ModuleLoaderFuzzTarget, ValidTestModuleLoadsOnlyOnceItsLibraryIsTrusted) {
  std::vector<uint8_t> module = loom::test::serialize(
      *loom::test::makeTestModule());
  // Untrusted kernels are verified but never loaded: OK without a load.
  EXPECT_EQ(loadModule(module), LOOM_STATUS_OK);
  ASSERT_TRUE(trustKernelLibrariesOf(module.data(), module.size()));
  EXPECT_EQ(loadModule(module), LOOM_STATUS_OK);
}

TEST(ModuleLoaderFuzzTarget, EveryBadTestModuleIsRefused) {
  for (const std::string &kind : loom::test::namedModuleKinds()) {
    if (loom::test::namedModuleLoadsOnCpu(kind))
      continue;
    std::vector<uint8_t> bytes;
    ASSERT_TRUE(loom::test::makeNamedModule(kind, &bytes)) << kind;
    trustKernelLibrariesOf(bytes.data(), bytes.size()); // a no-op for most
    EXPECT_NE(loadModule(bytes), LOOM_STATUS_OK) << kind;
  }
}

TEST(ModuleLoaderFuzzTarget, KernelFreeSeedsLoadAndRun) {
  std::vector<std::string> seeds =
      filesIn(LOOM_FUZZ_SEED_BUILD_DIR "/module");
  ASSERT_FALSE(seeds.empty()) << "no seeds built from seeds/module/*.json";
  for (const std::string &seed : seeds)
    EXPECT_EQ(loadModule(readBytes(seed)), LOOM_STATUS_OK) << seed;
}

TEST(ModuleLoaderFuzzTarget, CompiledSeedsVerify) {
  std::vector<std::string> seeds = filesIn(LOOM_FUZZ_SOURCE_DIR
                                           "/seeds/module");
  size_t compiled = 0;
  for (const std::string &seed : seeds) {
    if (seed.size() < 5 || seed.compare(seed.size() - 5, 5, ".loom") != 0)
      continue;
    ++compiled;
    std::vector<uint8_t> bytes = readBytes(seed);
#if defined(__x86_64__)
    // Compiled with --cpu=x86-64: valid on every x86-64 machine.
    EXPECT_EQ(loadModule(bytes), LOOM_STATUS_OK) << seed;
    EXPECT_TRUE(trustKernelLibrariesOf(bytes.data(), bytes.size())) << seed;
    EXPECT_EQ(loadModule(bytes), LOOM_STATUS_OK) << seed;
#else
    EXPECT_EQ(loadModule(bytes), LOOM_STATUS_INCOMPATIBLE) << seed;
#endif
  }
  EXPECT_GT(compiled, 0u);
}

TEST(ModuleLoaderFuzzTarget, Regressions) {
  // Each input once crashed the loader (see regressions/README.md); now each
  // is refused with a message.
  for (const std::string &input :
       filesIn(LOOM_FUZZ_SOURCE_DIR "/regressions/module_loader"))
    EXPECT_NE(loadModule(readBytes(input)), LOOM_STATUS_OK) << input;
}

TEST(NpyReaderFuzzTarget, ExampleDataAndSeedsAreAccepted) {
  std::vector<std::string> files = filesIn(LOOM_EXAMPLES_DIR "/data");
  for (const std::string &seed : filesIn(LOOM_FUZZ_SOURCE_DIR "/seeds/npy"))
    files.push_back(seed);
  ASSERT_GT(files.size(), 2u);
  for (const std::string &file : files) {
    std::vector<uint8_t> bytes = readBytes(file);
    EXPECT_EQ(fuzzNpyReader(bytes.data(), bytes.size()), LOOM_STATUS_OK)
        << file;
  }
}

TEST(NpyReaderFuzzTarget, EveryTruncationIsRefused) {
  std::vector<uint8_t> bytes =
      readBytes(LOOM_EXAMPLES_DIR "/data/mlp_expected.npy");
  ASSERT_GT(bytes.size(), 128u);
  for (size_t n = 0; n < bytes.size(); ++n)
    EXPECT_NE(fuzzNpyReader(bytes.data(), n), LOOM_STATUS_OK) << n;
}

TEST(NpyReaderFuzzTarget, Regressions) {
  for (const std::string &input :
       filesIn(LOOM_FUZZ_SOURCE_DIR "/regressions/npy_reader")) {
    std::vector<uint8_t> bytes = readBytes(input);
    fuzzNpyReader(bytes.data(), bytes.size()); // must not crash or abort
  }
}

} // namespace
} // namespace loom::fuzz
