// The CPU thread pool: every item runs exactly once, for any count and
// thread count, also with several callers at once.
#include "cpu/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace loom::rt {
namespace {

struct Counts {
  std::vector<std::atomic<int>> hits;
  explicit Counts(size_t n) : hits(n) {}
};

void countRange(void *context, uint32_t begin, uint32_t end) {
  auto *counts = static_cast<Counts *>(context);
  for (uint32_t i = begin; i < end; ++i)
    counts->hits[i].fetch_add(1);
}

class ThreadPoolTest : public ::testing::TestWithParam<int> {};

TEST_P(ThreadPoolTest, EveryItemRunsExactlyOnce) {
  ThreadPool pool(GetParam());
  EXPECT_EQ(pool.threadCount(), GetParam());
  for (uint32_t count : {0u, 1u, 2u, 3u, 7u, 64u, 1000u, 100003u}) {
    Counts counts(count);
    pool.parallelFor(count, countRange, &counts);
    for (uint32_t i = 0; i < count; ++i)
      ASSERT_EQ(counts.hits[i].load(), 1) << "item " << i << " of " << count;
  }
}

TEST_P(ThreadPoolTest, ManyTinyLoopsInARow) {
  ThreadPool pool(GetParam());
  Counts counts(4);
  for (int i = 0; i < 5000; ++i)
    pool.parallelFor(4, countRange, &counts);
  for (auto &hit : counts.hits)
    EXPECT_EQ(hit.load(), 5000);
}

TEST_P(ThreadPoolTest, SeveralCallersAtOnce) {
  ThreadPool pool(GetParam());
  constexpr int kCallers = 4, kLoops = 300, kItems = 37;
  std::vector<Counts> counts;
  counts.reserve(kCallers);
  for (int c = 0; c < kCallers; ++c)
    counts.emplace_back(kItems);
  std::vector<std::thread> callers;
  for (int c = 0; c < kCallers; ++c)
    callers.emplace_back([&, c] {
      for (int i = 0; i < kLoops; ++i)
        pool.parallelFor(kItems, countRange, &counts[c]);
    });
  for (auto &t : callers)
    t.join();
  for (auto &caller : counts)
    for (auto &hit : caller.hits)
      EXPECT_EQ(hit.load(), kLoops);
}

TEST_P(ThreadPoolTest, WorkersSleepAndWakeUp) {
  ThreadPool pool(GetParam());
  Counts counts(16);
  pool.parallelFor(16, countRange, &counts);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  pool.parallelFor(16, countRange, &counts);
  for (auto &hit : counts.hits)
    EXPECT_EQ(hit.load(), 2);
}

INSTANTIATE_TEST_SUITE_P(Threads, ThreadPoolTest, ::testing::Values(1, 2, 4, 8),
                         [](const ::testing::TestParamInfo<int> &info) {
                           return "threads" + std::to_string(info.param);
                         });

TEST(ThreadPoolTest, HardwareThreadCountIsPositive) {
  EXPECT_GE(hardwareThreadCount(), 1);
}

} // namespace
} // namespace loom::rt
