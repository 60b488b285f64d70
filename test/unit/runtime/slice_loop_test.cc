// Slice loops (sliced contractions run as loops over slices): results on
// one and two threads, output-sliced blocks, slice shares, progress, a
// collective of two in-process "ranks", and the loader's checks.
#include "test_helpers.h"
#include "test_module_builder.h"

#include "loom/module_format.h"

#include <condition_variable>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace loom::test {
namespace {

using namespace loom::fb;

std::vector<float> input() {
  std::vector<float> x(24);
  for (int i = 0; i < 24; ++i)
    x[i] = float(i % 7) - 2.0f + 0.25f * float(i);
  return x;
}

class SliceLoopTest : public ::testing::TestWithParam<int> {
protected:
  ModulePtr load(loom_runtime_t *rt, const ModuleT &m) {
    std::vector<uint8_t> bytes = serialize(m);
    loom_module_t *module = nullptr;
    LOOM_EXPECT_OK(loom_module_load_memory(rt, bytes.data(), bytes.size(),
                                           LOOM_MEMORY_COPY, &module));
    return ModulePtr(module);
  }

  std::vector<float> call(loom_module_t *module, const char *name) {
    loom_function_t *fn = nullptr;
    LOOM_EXPECT_OK(loom_module_lookup_function(module, name, &fn));
    TensorPtr x = makeF32({6, 4}, input());
    loom_tensor_t *in[1] = {x.get()};
    loom_tensor_t *out[1] = {nullptr};
    LOOM_EXPECT_OK(loom_function_call(fn, in, 1, out, 1));
    TensorPtr result(out[0]);
    return result ? f32Values(result.get()) : std::vector<float>{};
  }

  static std::vector<float> rowSums(int firstRow, int endRow) {
    std::vector<float> x = input(), sums(4, 0.0f);
    for (int r = firstRow; r < endRow; ++r)
      for (int c = 0; c < 4; ++c)
        sums[c] += kTestScale * x[r * 4 + c];
    return sums;
  }
};

TEST_P(SliceLoopTest, SummedSlicesMatchTheSum) {
  RuntimePtr rt = makeRuntime(GetParam());
  ModulePtr module = load(rt.get(), *makeSliceLoopModule());
  std::vector<float> got = call(module.get(), "sum_rows");
  std::vector<float> want = rowSums(0, 6);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i)
    EXPECT_FLOAT_EQ(got[i], want[i]) << i;
}

TEST_P(SliceLoopTest, OutputSlicesWriteTheirBlocks) {
  RuntimePtr rt = makeRuntime(GetParam());
  ModulePtr module = load(rt.get(), *makeSliceLoopModule());
  std::vector<float> got = call(module.get(), "scale_rows"), x = input();
  ASSERT_EQ(got.size(), x.size());
  for (size_t i = 0; i < x.size(); ++i)
    EXPECT_EQ(got[i], kTestScale * x[i]) << i;
}

TEST_P(SliceLoopTest, ShareRunsItsBlockOfSlices) {
  RuntimePtr rt = makeRuntime(GetParam());
  LOOM_ASSERT_OK(loom_runtime_set_slice_share(rt.get(), 1, 2));
  ModulePtr module = load(rt.get(), *makeSliceLoopModule());
  std::vector<float> got = call(module.get(), "sum_rows");
  std::vector<float> want = rowSums(3, 6);
  for (size_t i = 0; i < want.size(); ++i)
    EXPECT_FLOAT_EQ(got[i], want[i]) << i;
  LOOM_EXPECT_ERROR(loom_runtime_set_slice_share(rt.get(), 2, 2),
                    LOOM_STATUS_INVALID_ARGUMENT, "share 2 of 2");
}

TEST_P(SliceLoopTest, ProgressEndsWithEverySlice) {
  RuntimePtr rt = makeRuntime(GetParam());
  std::vector<std::pair<uint64_t, uint64_t>> reports;
  loom_runtime_set_progress_callback(
      rt.get(),
      [](void *user, uint64_t done, uint64_t total) {
        static_cast<decltype(reports) *>(user)->push_back({done, total});
      },
      &reports, 0);
  ModulePtr module = load(rt.get(), *makeSliceLoopModule());
  call(module.get(), "sum_rows");
  ASSERT_FALSE(reports.empty());
  EXPECT_EQ(reports.back(), std::make_pair(uint64_t(6), uint64_t(6)));
}

INSTANTIATE_TEST_SUITE_P(Threads, SliceLoopTest, ::testing::Values(1, 2));

// Two runtimes on two threads joined by an in-process collective: each
// contracts half of the slices, and both return the whole sum.
struct Mailbox {
  std::mutex mutex;
  std::condition_variable changed;
  std::map<std::pair<int, int>, std::deque<std::vector<char>>> queues;
  std::vector<std::vector<char>> broadcasts; // in the order they were made
};

struct Rank {
  Mailbox *box;
  int rank;
  size_t broadcastsSeen = 0;
};

int sendTo(void *user, int32_t dest, const void *data, uint64_t bytes) {
  auto *r = static_cast<Rank *>(user);
  std::lock_guard<std::mutex> lock(r->box->mutex);
  auto *p = static_cast<const char *>(data);
  r->box->queues[{r->rank, dest}].emplace_back(p, p + bytes);
  r->box->changed.notify_all();
  return 0;
}

int recvFrom(void *user, int32_t source, void *data, uint64_t bytes) {
  auto *r = static_cast<Rank *>(user);
  std::unique_lock<std::mutex> lock(r->box->mutex);
  auto &q = r->box->queues[{source, r->rank}];
  r->box->changed.wait(lock, [&] { return !q.empty(); });
  if (q.front().size() != bytes)
    return 1;
  std::memcpy(data, q.front().data(), bytes);
  q.pop_front();
  return 0;
}

int broadcastFrom(void *user, int32_t root, void *data, uint64_t bytes) {
  auto *r = static_cast<Rank *>(user);
  std::unique_lock<std::mutex> lock(r->box->mutex);
  size_t index = r->broadcastsSeen++;
  if (r->rank == root) {
    auto *p = static_cast<char *>(data);
    r->box->broadcasts.emplace_back(p, p + bytes);
    r->box->changed.notify_all();
    return 0;
  }
  r->box->changed.wait(lock,
                       [&] { return r->box->broadcasts.size() > index; });
  if (r->box->broadcasts[index].size() != bytes)
    return 1;
  std::memcpy(data, r->box->broadcasts[index].data(), bytes);
  return 0;
}

// Calls `name` on two in-process ranks, rank r passing inputs[r]; returns
// each rank's result and counts the broadcasts.
struct TwoRankRun {
  std::vector<float> results[2];
  size_t broadcasts = 0;
};

TwoRankRun runOnTwoRanks(const char *name,
                         const std::vector<float> (&inputs)[2]) {
  Mailbox box;
  TwoRankRun run;
  std::vector<float> (&results)[2] = run.results;
  auto runRank = [&](int rank) {
    RuntimePtr rt = makeRuntime(1);
    Rank self{&box, rank};
    loom_collective_t c{};
    c.struct_size = sizeof c;
    c.rank = rank;
    c.size = 2;
    c.user_data = &self;
    c.send = sendTo;
    c.recv = recvFrom;
    c.broadcast = broadcastFrom;
    LOOM_EXPECT_OK(loom_runtime_set_collective(rt.get(), &c));
    EXPECT_EQ(loom_runtime_rank(rt.get()), rank);
    EXPECT_EQ(loom_runtime_rank_count(rt.get()), 2);
    std::vector<uint8_t> bytes = serialize(*makeSliceLoopModule());
    loom_module_t *m = nullptr;
    LOOM_EXPECT_OK(loom_module_load_memory(rt.get(), bytes.data(),
                                           bytes.size(), LOOM_MEMORY_COPY,
                                           &m));
    ModulePtr module(m);
    loom_function_t *fn = nullptr;
    LOOM_EXPECT_OK(loom_module_lookup_function(m, name, &fn));
    TensorPtr x = makeF32({6, 4}, inputs[rank]);
    loom_tensor_t *in[1] = {x.get()};
    loom_tensor_t *out[1] = {nullptr};
    LOOM_EXPECT_OK(loom_function_call(fn, in, 1, out, 1));
    TensorPtr result(out[0]);
    if (result)
      results[rank] = f32Values(result.get());
  };
  std::thread other(runRank, 1);
  runRank(0);
  other.join();
  run.broadcasts = box.broadcasts.size();
  return run;
}

TEST(SliceLoopCollectiveTest, TwoRanksReturnTheWholeSum) {
  TwoRankRun run = runOnTwoRanks("sum_rows", {input(), input()});
  std::vector<float> (&results)[2] = run.results;
  // The loop reads the function's input (the same on every rank): only
  // the reduced result is broadcast.
  EXPECT_EQ(run.broadcasts, 1u);
  std::vector<float> x = input();
  for (int c = 0; c < 4; ++c) {
    float want = 0;
    for (int r = 0; r < 6; ++r)
      want += kTestScale * x[r * 4 + c];
    ASSERT_EQ(results[0].size(), 4u);
    EXPECT_FLOAT_EQ(results[0][c], want);
    EXPECT_EQ(results[1], results[0]);
  }
}

// What is not a slice loop runs once, on rank 0, and reaches the other
// ranks by broadcast: rank 1 is given zeros, yet both ranks return the sum
// of rank 0's scaled input (rank 1 never ran the scaling).
TEST(SliceLoopCollectiveTest, OnlyRankZeroRunsTheRest) {
  TwoRankRun run =
      runOnTwoRanks("scale_then_sum", {input(), std::vector<float>(24, 0.0f)});
  // The loop's input made by the dispatch, then the reduced result.
  EXPECT_EQ(run.broadcasts, 2u);
  std::vector<float> x = input();
  ASSERT_EQ(run.results[0].size(), 4u);
  for (int c = 0; c < 4; ++c) {
    float want = 0;
    for (int r = 0; r < 6; ++r)
      want += kTestScale * (kTestScale * x[r * 4 + c]);
    EXPECT_FLOAT_EQ(run.results[0][c], want);
  }
  EXPECT_EQ(run.results[1], run.results[0]);
}

TEST(SliceLoopCollectiveTest, BadCollectiveIsRefused) {
  RuntimePtr rt = makeRuntime(1);
  loom_collective_t c{};
  c.struct_size = sizeof c;
  c.rank = 2;
  c.size = 2;
  LOOM_EXPECT_ERROR(loom_runtime_set_collective(rt.get(), &c),
                    LOOM_STATUS_INVALID_ARGUMENT, "rank 2 of 2 ranks");
  LOOM_EXPECT_OK(loom_runtime_set_collective(rt.get(), nullptr));
  EXPECT_EQ(loom_runtime_rank_count(rt.get()), 1);
}

// The loader's checks: each damage one clear error, never a crash.
class SliceLoopVerifyTest : public ::testing::Test {
protected:
  loom_status_t loadEdited(const std::function<void(ModuleT &)> &edit) {
    auto module = makeSliceLoopModule();
    edit(*module);
    std::vector<uint8_t> bytes = serialize(*module);
    loom_module_t *m = nullptr;
    loom_status_t s = loom_module_load_memory(
        rt.get(), bytes.data(), bytes.size(), LOOM_MEMORY_COPY, &m);
    loom_module_release(m);
    return s;
  }
  static SliceLoopT &loop(ModuleT &m) {
    return *m.functions[0]->commands[0]->command.AsSliceLoop();
  }
  RuntimePtr rt = makeRuntime(1);
};

TEST_F(SliceLoopVerifyTest, InputStrideOverrun) {
  LOOM_EXPECT_ERROR(loadEdited([](ModuleT &m) { loop(m).inputs[0]->strides[0] = 20; }),
                    LOOM_STATUS_DATA_LOSS, "function 'sum_rows'",
                    "(slice loop): input 0", "overruns");
}

TEST_F(SliceLoopVerifyTest, BodyIndexOutOfRange) {
  LOOM_EXPECT_ERROR(loadEdited([](ModuleT &m) { loop(m).body = 9; }),
                    LOOM_STATUS_DATA_LOSS,
                    "body function index 9 is out of range (the module has 3 "
                    "slice-loop functions)");
}

TEST_F(SliceLoopVerifyTest, WrongStrideCount) {
  LOOM_EXPECT_ERROR(
      loadEdited([](ModuleT &m) { loop(m).accumulator->strides.push_back(0); }),
      LOOM_STATUS_DATA_LOSS, "accumulator", "has 2 strides for 1 sliced indices");
}

TEST_F(SliceLoopVerifyTest, ReduceOfTheWrongSize) {
  LOOM_EXPECT_ERROR(loadEdited([](ModuleT &m) { loop(m).reduce = 2; }),
                    LOOM_STATUS_DATA_LOSS, "reduce",
                    "function 'slice_reduce' has signature");
}

TEST_F(SliceLoopVerifyTest, ZeroExtent) {
  LOOM_EXPECT_ERROR(loadEdited([](ModuleT &m) { loop(m).extents[0] = 0; }),
                    LOOM_STATUS_DATA_LOSS, "extent 0 (0)");
}

TEST_F(SliceLoopVerifyTest, LoopInsideABody) {
  LOOM_EXPECT_ERROR(loadEdited([](ModuleT &m) {
                      auto copy = std::make_unique<CommandEntryT>(
                          *m.functions[0]->commands[0]);
                      m.bodies[0]->commands.push_back(std::move(copy));
                    }),
                    LOOM_STATUS_DATA_LOSS,
                    "a slice loop inside a slice-loop function");
}

TEST_F(SliceLoopVerifyTest, VersionOneHasNoBodies) {
  LOOM_EXPECT_ERROR(
      loadEdited([](ModuleT &m) { m.format_version = 1; }),
      LOOM_STATUS_DATA_LOSS, "slice-loop functions in a version-1 module");
}

TEST_F(SliceLoopVerifyTest, NewerVersionIsRefused) {
  LOOM_EXPECT_ERROR(loadEdited([](ModuleT &m) {
                      m.format_version = LOOM_MODULE_FORMAT_VERSION + 1;
                    }),
                    LOOM_STATUS_INCOMPATIBLE, "versions 1 to 3");
}

} // namespace
} // namespace loom::test
