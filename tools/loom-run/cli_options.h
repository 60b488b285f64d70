// loom-run's command line: parsing into RunOptions, and the --help text.
#ifndef LOOM_TOOLS_LOOM_RUN_CLI_OPTIONS_H
#define LOOM_TOOLS_LOOM_RUN_CLI_OPTIONS_H

#include <cstdint>
#include <string>
#include <vector>

namespace loom::run {

enum class BenchmarkFormat { Text, Json };
enum class ProgressMode { Auto, Always, Never };

struct RunOptions {
  std::string modulePath;           // a .loom module, or a model file
  std::string device = "cpu";
  std::string function;             // empty: the only one, or "main"
  int threads = 0;                  // 0: one per core
  uint64_t maxCallMemory = 0;       // bytes; 0: unlimited
  std::vector<std::string> inputs;  // --input values, in signature order
  std::vector<std::string> outputs; // --output values, in result order
  bool benchmark = false;
  int benchmarkIterations = 100;
  BenchmarkFormat benchmarkFormat = BenchmarkFormat::Text;
  bool printSignature = false;
  ProgressMode progress = ProgressMode::Auto; // slice-loop progress on stderr
  uint64_t shareIndex = 0, shareCount = 1;      // --slice-share=I/N
  bool help = false;
};

// Parses argv. On failure returns false with a one-line message in `error`.
bool parseCommandLine(int argc, const char *const *argv, RunOptions *options,
                      std::string *error);

std::string helpText();

} // namespace loom::run

#endif // LOOM_TOOLS_LOOM_RUN_CLI_OPTIONS_H
