#include "benchmark.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace loom::run {

int warmupIterationsFor(int iterations) {
  return std::min(10, std::max(1, iterations / 10));
}

BenchmarkStats computeStats(std::vector<double> latencies, int warmup) {
  BenchmarkStats stats;
  stats.iterations = static_cast<int>(latencies.size());
  stats.warmupIterations = warmup;
  std::sort(latencies.begin(), latencies.end());
  size_t n = latencies.size();
  double sum = 0;
  for (double v : latencies)
    sum += v;
  stats.meanMs = sum / n;
  stats.medianMs = n % 2 ? latencies[n / 2]
                         : (latencies[n / 2 - 1] + latencies[n / 2]) / 2;
  stats.minMs = latencies.front();
  stats.maxMs = latencies.back();
  double variance = 0;
  for (double v : latencies)
    variance += (v - stats.meanMs) * (v - stats.meanMs);
  stats.stddevMs = std::sqrt(variance / n);
  return stats;
}

bool runBenchmark(int iterations, const std::function<bool()> &call,
                  BenchmarkStats *stats, double minWarmupMs) {
  int warmup = 0;
  auto warmupStart = std::chrono::steady_clock::now();
  auto warmupMs = [&] {
    return std::chrono::duration<double, std::milli>(
               std::chrono::steady_clock::now() - warmupStart)
        .count();
  };
  while (warmup < warmupIterationsFor(iterations) || warmupMs() < minWarmupMs) {
    if (!call())
      return false;
    ++warmup;
  }
  std::vector<double> latencies;
  latencies.reserve(iterations);
  for (int i = 0; i < iterations; ++i) {
    auto start = std::chrono::steady_clock::now();
    if (!call())
      return false;
    auto end = std::chrono::steady_clock::now();
    latencies.push_back(
        std::chrono::duration<double, std::milli>(end - start).count());
  }
  *stats = computeStats(std::move(latencies), warmup);
  return true;
}

namespace {

std::string jsonString(const std::string &s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buffer[8];
      std::snprintf(buffer, sizeof(buffer), "\\u%04x", c);
      out += buffer;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

} // namespace

std::string formatStatsText(const BenchmarkStats &s,
                            const BenchmarkContext &c) {
  char buffer[512];
  std::snprintf(buffer, sizeof(buffer),
                "benchmark: function '%s' on %s, %d thread%s, %d calls "
                "after %d warm-up\n"
                "  mean    %10.4f ms\n"
                "  median  %10.4f ms\n"
                "  min     %10.4f ms\n"
                "  max     %10.4f ms\n"
                "  stddev  %10.4f ms\n",
                c.function.c_str(), c.device.c_str(), c.threads,
                c.threads == 1 ? "" : "s", s.iterations, s.warmupIterations,
                s.meanMs, s.medianMs, s.minMs, s.maxMs, s.stddevMs);
  return buffer;
}

std::string formatStatsJson(const BenchmarkStats &s,
                            const BenchmarkContext &c) {
  char numbers[512];
  std::snprintf(numbers, sizeof(numbers),
                "\"threads\": %d, \"iterations\": %d, "
                "\"warmup_iterations\": %d, \"mean_ms\": %.6f, "
                "\"median_ms\": %.6f, \"min_ms\": %.6f, \"max_ms\": %.6f, "
                "\"stddev_ms\": %.6f",
                c.threads, s.iterations, s.warmupIterations, s.meanMs,
                s.medianMs, s.minMs, s.maxMs, s.stddevMs);
  return "{\"function\": " + jsonString(c.function) +
         ", \"device\": " + jsonString(c.device) + ", " + numbers + "}\n";
}

} // namespace loom::run
