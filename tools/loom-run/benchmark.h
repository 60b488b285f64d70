// Timing repeated calls: warm-up, N timed calls, and latency statistics
// printed as text or as one JSON object.
#ifndef LOOM_TOOLS_LOOM_RUN_BENCHMARK_H
#define LOOM_TOOLS_LOOM_RUN_BENCHMARK_H

#include <functional>
#include <string>
#include <vector>

namespace loom::run {

struct BenchmarkStats {
  int iterations = 0;
  int warmupIterations = 0;
  double meanMs = 0, medianMs = 0, minMs = 0, maxMs = 0, stddevMs = 0;
};

// Warm-up calls: a tenth of the timed ones, at least 1, at most 10.
int warmupIterationsFor(int iterations);

// Statistics of per-call latencies in milliseconds (not empty).
BenchmarkStats computeStats(std::vector<double> latenciesMs, int warmup);

// Least time spent in warm-up calls before timing: the OS needs some tens
// of milliseconds to settle a new process's pool threads on separate cores;
// calls timed before that can run at one core's speed.
constexpr double kMinWarmupMs = 100.0;

// Calls `call` for warm-up (warmupIterationsFor(iterations) calls, more
// until `minWarmupMs` have passed), then `iterations` timed times; stops at
// the first failure (returns false with the call's error).
bool runBenchmark(int iterations, const std::function<bool()> &call,
                  BenchmarkStats *stats, double minWarmupMs = kMinWarmupMs);

struct BenchmarkContext {
  std::string function, device;
  int threads = 0;
};

std::string formatStatsText(const BenchmarkStats &stats,
                            const BenchmarkContext &context);
std::string formatStatsJson(const BenchmarkStats &stats,
                            const BenchmarkContext &context);

} // namespace loom::run

#endif // LOOM_TOOLS_LOOM_RUN_BENCHMARK_H
