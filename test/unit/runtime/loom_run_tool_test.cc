// loom-run's logic: command-line parsing, inline inputs, NumPy-style
// printing, half-float conversion, benchmark statistics, and whole runs
// (runLoomRun) over a test module with their exact output and errors.
#include "benchmark.h"
#include "cli_options.h"
#include "half_float.h"
#include "input_parser.h"
#include "run_tool.h"
#include "tensor_printer.h"
#include "test_helpers.h"
#include "test_module_builder.h"

#include <algorithm>
#include <chrono>
#include <thread>
#include <cmath>
#include <cstdio>
#include <fstream>

namespace loom::run {
namespace {

using loom::test::TensorPtr;

TEST(CommandLineTest, ParsesEveryOption) {
  const char *argv[] = {"loom-run",        "m.loom",
                        "--device=cpu",    "--function",
                        "main",            "--threads=3",
                        "--input=@a.npy",  "--input",
                        "2xf32=1 2",       "--output=@o.npy",
                        "--benchmark=7",   "--benchmark-format=json",
                        "--print-signature", "--max-call-memory=4096"};
  RunOptions options;
  std::string error;
  ASSERT_TRUE(parseCommandLine(14, argv, &options, &error)) << error;
  EXPECT_EQ(options.modulePath, "m.loom");
  EXPECT_EQ(options.function, "main");
  EXPECT_EQ(options.threads, 3);
  EXPECT_EQ(options.inputs, (std::vector<std::string>{"@a.npy", "2xf32=1 2"}));
  EXPECT_EQ(options.outputs, std::vector<std::string>{"@o.npy"});
  EXPECT_TRUE(options.benchmark);
  EXPECT_EQ(options.benchmarkIterations, 7);
  EXPECT_EQ(options.benchmarkFormat, BenchmarkFormat::Json);
  EXPECT_TRUE(options.printSignature);
  EXPECT_EQ(options.maxCallMemory, 4096u);
}

TEST(CommandLineTest, Errors) {
  struct Case {
    std::vector<const char *> args;
    const char *message;
  } cases[] = {
      {{"m.loom", "--bogus"}, "unknown option '--bogus'"},
      {{}, "no module given"},
      {{"a.loom", "b.loom"}, "unexpected argument 'b.loom'"},
      {{"m.loom", "--threads=-1"}, "--threads='-1': expected a whole number"},
      {{"m.loom", "--benchmark=x"}, "--benchmark='x'"},
      {{"m.loom", "--benchmark-format=xml"}, "expected text or json"},
      {{"m.loom", "--input"}, "option '--input' needs a value"},
      {{"m.loom", "--print-signature=yes"}, "unknown option"},
  };
  for (const Case &c : cases) {
    std::vector<const char *> argv = {"loom-run"};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    RunOptions options;
    std::string error;
    EXPECT_FALSE(parseCommandLine(argv.size(), argv.data(), &options, &error));
    EXPECT_NE(error.find(c.message), std::string::npos) << error;
  }
}

TEST(InputParserTest, TypeSpecs) {
  loom_dtype_t dtype;
  std::vector<int64_t> shape;
  std::string error;
  ASSERT_TRUE(parseTypeSpec("2x3xf32", &dtype, &shape, &error));
  EXPECT_EQ(dtype, LOOM_DTYPE_F32);
  EXPECT_EQ(shape, (std::vector<int64_t>{2, 3}));
  ASSERT_TRUE(parseTypeSpec("bool", &dtype, &shape, &error));
  EXPECT_EQ(dtype, LOOM_DTYPE_I1);
  EXPECT_TRUE(shape.empty());
  EXPECT_FALSE(parseTypeSpec("2x3", &dtype, &shape, &error));
  EXPECT_NE(error.find("has no dtype"), std::string::npos) << error;
  EXPECT_FALSE(parseTypeSpec("2x3xf31", &dtype, &shape, &error));
  EXPECT_NE(error.find("unknown dtype 'f31'"), std::string::npos) << error;
}

TEST(InputParserTest, InlineValuesSplatsScalarsAndZeros) {
  loom_tensor_t *t = nullptr;
  std::string error;
  ASSERT_TRUE(parseInput("2x3xf32=[[1, 2, 3], [4, 5, 6]]", &t, &error))
      << error;
  EXPECT_EQ(loom::test::f32Values(t),
            (std::vector<float>{1, 2, 3, 4, 5, 6}));
  loom_tensor_release(t);
  ASSERT_TRUE(parseInput("4xi32=-7", &t, &error)) << error;
  const int32_t *ints = static_cast<const int32_t *>(loom_tensor_data(t));
  EXPECT_EQ(std::vector<int32_t>(ints, ints + 4),
            (std::vector<int32_t>{-7, -7, -7, -7}));
  loom_tensor_release(t);
  ASSERT_TRUE(parseInput("f64=2.5", &t, &error)) << error;
  EXPECT_EQ(loom_tensor_rank(t), 0u);
  EXPECT_EQ(*static_cast<double *>(loom_tensor_data(t)), 2.5);
  loom_tensor_release(t);
  ASSERT_TRUE(parseInput("3xbool=true 0 False", &t, &error)) << error;
  const uint8_t *b = static_cast<const uint8_t *>(loom_tensor_data(t));
  EXPECT_EQ(b[0] + 2 * b[1] + 4 * b[2], 1);
  loom_tensor_release(t);
  ASSERT_TRUE(parseInput("2x2xf16", &t, &error)) << error;
  EXPECT_EQ(loom_tensor_byte_size(t), 8u);
  loom_tensor_release(t);
}

TEST(InputParserTest, Errors) {
  loom_tensor_t *t = nullptr;
  std::string error;
  EXPECT_FALSE(parseInput("3xi8=1 2 300", &t, &error));
  EXPECT_EQ(error, "value 2 of tensor<3xi8>: '300' is not an integer in "
                   "[-128, 127]");
  EXPECT_FALSE(parseInput("2xf32=1 2 3", &t, &error));
  EXPECT_EQ(error, "3 values for tensor<2xf32>, expected 2 (or 1 to fill "
                   "every element)");
  EXPECT_FALSE(parseInput("", &t, &error));
  EXPECT_FALSE(parseInput("@/nonexistent.npy", &t, &error));
  EXPECT_NE(error.find("cannot open '/nonexistent.npy'"), std::string::npos);
  EXPECT_EQ(t, nullptr);
}

TEST(HalfFloatTest, RoundTripsAndRounding) {
  for (float f : {0.0f, -0.0f, 1.0f, -2.5f, 65504.0f, 6.1035156e-05f,
                  5.9604645e-08f, 0.333251953125f}) {
    EXPECT_EQ(halfToFloat(floatToHalf(f)), f) << f;
    EXPECT_EQ(bf16ToFloat(floatToBf16(f)), bf16ToFloat(floatToBf16(f)));
  }
  EXPECT_EQ(floatToHalf(1.0f), 0x3c00);
  EXPECT_EQ(floatToHalf(65520.0f), 0x7c00); // rounds to infinity
  EXPECT_EQ(floatToHalf(1.0f + 1.0f / 2048), 0x3c00); // ties to even
  EXPECT_TRUE(std::isnan(halfToFloat(floatToHalf(NAN))));
  EXPECT_EQ(floatToBf16(1.0f), 0x3f80);
  EXPECT_EQ(bf16ToFloat(0x4049), 3.140625f);
  EXPECT_TRUE(std::isnan(bf16ToFloat(floatToBf16(NAN))));
}

std::string printed(const char *spec) {
  loom_tensor_t *t = nullptr;
  std::string error;
  EXPECT_TRUE(parseInput(spec, &t, &error)) << error;
  std::string text = formatTensor(t);
  loom_tensor_release(t);
  return text;
}

TEST(TensorPrinterTest, PrintsLikeNumPy) {
  EXPECT_EQ(printed("3xf32=0.1 0.25 1"), "[0.1  0.25 1.  ]");
  EXPECT_EQ(printed("2x2xi32=1 -20 3 4"), "[[  1 -20]\n [  3   4]]");
  EXPECT_EQ(printed("2xbool=1 0"), "[ True False]");
  EXPECT_EQ(printed("f32=3.5"), "3.5");
  EXPECT_EQ(printed("2xf32=1e-5 1.5"), "[1.0e-05 1.5e+00]");
  EXPECT_EQ(printed("3xf64=nan -inf 2"), "[ nan -inf   2.]");
  EXPECT_EQ(printed("2x1x2xi8=1 2 3 4"), "[[[1 2]]\n\n [[3 4]]]");
  EXPECT_EQ(printed("0xf32"), "[]");
  EXPECT_EQ(printed("2xf16=0.1 3"), "[0.1 3. ]");
}

TEST(TensorPrinterTest, WrapsAndSummarizes) {
  std::string wrapped = printed("12xf32=0.123456");
  EXPECT_EQ(wrapped, "[0.123456 0.123456 0.123456 0.123456 0.123456 "
                     "0.123456 0.123456 0.123456\n"
                     " 0.123456 0.123456 0.123456 0.123456]");
  std::string big = printed("40x40xi32=7");
  EXPECT_EQ(big, "[[7 7 7 ... 7 7 7]\n [7 7 7 ... 7 7 7]\n [7 7 7 ... 7 7 "
                 "7]\n ...\n [7 7 7 ... 7 7 7]\n [7 7 7 ... 7 7 7]\n [7 7 7 "
                 "... 7 7 7]]");
}

TEST(BenchmarkTest, StatsAndFormats) {
  BenchmarkStats s = computeStats({4, 1, 3, 2}, 1);
  EXPECT_EQ(s.iterations, 4);
  EXPECT_DOUBLE_EQ(s.meanMs, 2.5);
  EXPECT_DOUBLE_EQ(s.medianMs, 2.5);
  EXPECT_DOUBLE_EQ(s.minMs, 1);
  EXPECT_DOUBLE_EQ(s.maxMs, 4);
  EXPECT_EQ(warmupIterationsFor(1), 1);
  EXPECT_EQ(warmupIterationsFor(100), 10);
  EXPECT_EQ(warmupIterationsFor(5000), 10);
  std::string json = formatStatsJson(s, {"main", "cpu", 2});
  EXPECT_EQ(json, "{\"function\": \"main\", \"device\": \"cpu\", "
                  "\"threads\": 2, \"iterations\": 4, "
                  "\"warmup_iterations\": 1, \"mean_ms\": 2.500000, "
                  "\"median_ms\": 2.500000, \"min_ms\": 1.000000, "
                  "\"max_ms\": 4.000000, \"stddev_ms\": 1.118034}\n");
  int calls = 0;
  EXPECT_TRUE(runBenchmark(20, [&] { return ++calls > 0; }, &s, 0.0));
  EXPECT_EQ(calls, 22);
  EXPECT_EQ(s.warmupIterations, 2);
  EXPECT_FALSE(runBenchmark(20, [&] { return false; }, &s));
}

TEST(BenchmarkTest, WarmUpLastsAtLeastTheMinimumTime) {
  // Calls of 1 ms and 20 ms of warm-up: about 20 warm-up calls, not 2.
  int calls = 0;
  BenchmarkStats s;
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(runBenchmark(
      5,
      [&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        return ++calls > 0;
      },
      &s, 20.0));
  double elapsedMs = std::chrono::duration<double, std::milli>(
                         std::chrono::steady_clock::now() - start)
                         .count();
  EXPECT_GE(elapsedMs, 25.0);
  EXPECT_GE(s.warmupIterations, 2);
  EXPECT_LE(s.warmupIterations, 20);
  EXPECT_EQ(calls, s.warmupIterations + 5);
  EXPECT_EQ(s.iterations, 5);
}

// Runs loom-run in-process and captures stdout and stderr.
class LoomRunTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    modulePath = loom::test::tempPath("run-test.loom");
    std::vector<uint8_t> bytes = loom::test::serialize(*loom::test::makeTestModule());
    std::ofstream(modulePath, std::ios::binary)
        .write(reinterpret_cast<const char *>(bytes.data()), bytes.size());
  }

  static void TearDownTestSuite() { std::remove(modulePath.c_str()); }

  int run(std::vector<std::string> args) {
    std::vector<const char *> argv = {"loom-run"};
    for (const std::string &a : args)
      argv.push_back(a.c_str());
    FILE *out = std::tmpfile(), *err = std::tmpfile();
    int rc = runLoomRun(argv.size(), argv.data(), nullptr, out, err);
    stdoutText = slurp(out);
    stderrText = slurp(err);
    return rc;
  }

  static std::string slurp(FILE *f) {
    std::rewind(f);
    std::string text;
    char buffer[4096];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof(buffer), f)) > 0)
      text.append(buffer, n);
    std::fclose(f);
    return text;
  }

  static std::string modulePath;
  std::string stdoutText, stderrText;
};

std::string LoomRunTest::modulePath;

TEST_F(LoomRunTest, RunsAndPrints) {
  ASSERT_EQ(run({modulePath, "--function=copy_fill",
                 "--input=5xf32=1 2 3 4 5"}),
            0)
      << stderrText;
  EXPECT_EQ(stdoutText, "result[0]: tensor<5xf32>\n[1. 2. 3. 4. 5.]\n"
                        "result[1]: tensor<3xi32>\n[7 7 7]\n");
  EXPECT_EQ(stderrText, "");
}

TEST_F(LoomRunTest, WritesNpyOutputs) {
  std::string out = loom::test::tempPath("run-out.npy");
  ASSERT_EQ(run({modulePath, "--function=main", "--input=2x8xf32=1",
                 "--input=2x8xf32=3", "--output=@" + out}),
            0)
      << stderrText;
  EXPECT_EQ(stdoutText, "");
  loom_tensor_t *t = nullptr;
  LOOM_ASSERT_OK(loom_npy_read_file(out.c_str(), &t));
  EXPECT_EQ(loom::test::f32Values(t), std::vector<float>(16, 10.0f));
  loom_tensor_release(t);
  std::remove(out.c_str());
}

TEST_F(LoomRunTest, PrintsSignatures) {
  ASSERT_EQ(run({modulePath, "--print-signature"}), 0);
  EXPECT_EQ(stdoutText,
            "main(tensor<2x8xf32>, tensor<2x8xf32>) -> (tensor<2x8xf32>)\n"
            "copy_fill(tensor<5xf32>) -> (tensor<5xf32>, tensor<3xi32>)\n"
            "grid() -> (tensor<3x2x2xi32>)\n");
}

TEST_F(LoomRunTest, BenchmarkJson) {
  ASSERT_EQ(run({modulePath, "--function=grid", "--threads=2",
                 "--benchmark=5", "--benchmark-format=json"}),
            0)
      << stderrText;
  for (const char *key : {"\"function\": \"grid\"", "\"threads\": 2",
                          "\"iterations\": 5", "\"mean_ms\": ",
                          "\"median_ms\": ", "\"min_ms\": "})
    EXPECT_NE(stdoutText.find(key), std::string::npos) << stdoutText;
  EXPECT_EQ(stdoutText.front(), '{');
  EXPECT_EQ(stdoutText.find('\n'), stdoutText.size() - 1);
}

TEST_F(LoomRunTest, ErrorsAreOneLineWithExitStatus1) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  } cases[] = {
      {{modulePath, "--function=main", "--input=2x8xf32=1"},
       "error: function 'main' takes 2 inputs but 1 --input flag was given; "
       "signature: main(tensor<2x8xf32>, tensor<2x8xf32>) -> "
       "(tensor<2x8xf32>)\n"},
      {{modulePath, "--function=main", "--input=2x8xf32=1",
        "--input=2x8xi32=1"},
       "error: --input #2 ('2x8xi32=1') is tensor<2x8xi32> but input 1 of "
       "'main' expects tensor<2x8xf32>; signature: main(tensor<2x8xf32>, "
       "tensor<2x8xf32>) -> (tensor<2x8xf32>)\n"},
      {{modulePath, "--function=nope"},
       "error: --function=nope: no function named 'nope' in the module (it "
       "has: main, copy_fill, grid)\n"},
      {{modulePath, "--device=tpu"},
       "error: --device=tpu: unknown device 'tpu' (known devices: cpu, "},
      {{"/nonexistent.loom"},
       "error: cannot open '/nonexistent.loom': No such file or directory\n"},
      {{"model.mlir"}, "cannot compile models (it was built with "
                       "LOOM_BUILD_COMPILER=OFF)"},
  };
  for (const Case &c : cases) {
    EXPECT_EQ(run(c.args), 1) << c.message;
    EXPECT_NE(stderrText.find(c.message), std::string::npos) << stderrText;
    EXPECT_EQ(std::count(stderrText.begin(), stderrText.end(), '\n'), 1)
        << stderrText;
    EXPECT_EQ(stdoutText, "");
  }
}

TEST_F(LoomRunTest, HelpListsEveryOption) {
  ASSERT_EQ(run({"--help"}), 0);
  for (const char *option :
       {"--device", "--function", "--threads", "--input", "--output",
        "--benchmark[=N]", "--benchmark-format", "--print-signature",
        "--max-call-memory", "--help"})
    EXPECT_NE(stdoutText.find(option), std::string::npos) << option;
}

} // namespace
} // namespace loom::run
