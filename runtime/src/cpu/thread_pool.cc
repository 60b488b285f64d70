#include "cpu/thread_pool.h"
#include "environment.h"

#include <algorithm>
#include <chrono>
#include <sched.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace loom::rt {
namespace {

// How long idle threads busy-wait for work before sleeping (LOOM_SPIN_US
// overrides it; 0 sleeps at once). Models issue dispatches back to back,
// and a worker that went to sleep is woken late and often on the CPU of the
// thread that woke it: a batch-1 MLP (65 us a call on 2 threads) ran at
// one thread's speed in half of its calls with 50 us of spinning. OpenMP
// runtimes and ONNX Runtime spin for milliseconds too.
constexpr std::chrono::microseconds kDefaultSpinTime{2000};

std::chrono::microseconds spinTime() {
  static const std::chrono::microseconds time = [] {
    std::optional<uint64_t> us = environmentNumber("LOOM_SPIN_US");
    if (!us)
      return kDefaultSpinTime;
    return std::chrono::microseconds(std::min<uint64_t>(*us, 1000000));
  }();
  return time;
}

inline void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// Spins until `done()` or the spin time runs out; true if done. Only when
// threads outnumber CPUs does a spinning thread yield (to let the thread
// holding the work run): otherwise yielding lets the scheduler put another
// of the pool's threads on this CPU, and the two then share one core.
template <typename Pred> bool spinUntil(Pred done, bool oversubscribed) {
  auto deadline = std::chrono::steady_clock::now() + spinTime();
  for (unsigned round = 0;; ++round) {
    for (int i = 0; i < 64; ++i) {
      if (done())
        return true;
      cpuRelax();
    }
    if (std::chrono::steady_clock::now() >= deadline)
      return done();
    if (oversubscribed && round >= 8)
      std::this_thread::yield();
  }
}

} // namespace

int hardwareThreadCount() {
  // The CPUs this process may run on (taskset, cpusets), not all online ones.
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
    return CPU_COUNT(&set);
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

struct ThreadPool::Job {
  RangeFn fn = nullptr;
  void *context = nullptr;
  uint32_t count = 0;
  uint32_t chunk = 1;
  // Claimed and completed counts live on separate cache lines so threads
  // claiming work do not slow down threads reporting it.
  alignas(64) std::atomic<uint64_t> next{0}; // first item not yet claimed
  alignas(64) std::atomic<uint32_t> finished{0}; // items completed
  std::atomic<int> helpers{0}; // workers holding a pointer to the job
  std::atomic<bool> callerSleeping{false};
  std::mutex mutex;
  std::condition_variable done;
};

ThreadPool::ThreadPool(int threadCount)
    : oversubscribed_(threadCount > hardwareThreadCount()) {
  int workers = std::max(threadCount, 1) - 1;
  workers_.reserve(workers);
  for (int i = 0; i < workers; ++i)
    workers_.emplace_back([this] { workerMain(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
    epoch_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  for (std::thread &t : workers_)
    t.join();
}

void ThreadPool::runItems(Job &job, bool isCaller) {
  for (;;) {
    uint64_t begin = job.next.fetch_add(job.chunk, std::memory_order_relaxed);
    if (begin >= job.count)
      return;
    uint32_t end = static_cast<uint32_t>(
        std::min<uint64_t>(begin + job.chunk, job.count));
    job.fn(job.context, static_cast<uint32_t>(begin), end);
    uint32_t n = end - static_cast<uint32_t>(begin);
    uint32_t finished = job.finished.fetch_add(n) + n;
    if (finished == job.count && !isCaller && job.callerSleeping.load()) {
      std::lock_guard<std::mutex> lock(job.mutex);
      job.done.notify_one();
    }
  }
}

void ThreadPool::waitForJob(Job &job) {
  auto allDone = [&] { return job.finished.load() == job.count; };
  if (spinUntil(allDone, oversubscribed_))
    return;
  std::unique_lock<std::mutex> lock(job.mutex);
  job.callerSleeping.store(true);
  job.done.wait(lock, allDone);
}

bool ThreadPool::helpWithSomeJob() {
  Job *job = nullptr;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (Job *candidate : jobs_) {
      if (candidate->next.load(std::memory_order_relaxed) < candidate->count) {
        job = candidate;
        job->helpers.fetch_add(1, std::memory_order_relaxed);
        break;
      }
    }
  }
  if (!job)
    return false;
  runItems(*job, /*isCaller=*/false);
  // Last touch of the job: after this the caller may destroy it.
  job->helpers.fetch_sub(1, std::memory_order_release);
  return true;
}

void ThreadPool::workerMain() {
  for (;;) {
    uint64_t seen = epoch_.load(std::memory_order_acquire);
    if (helpWithSomeJob())
      continue;
    if (spinUntil(
            [&] { return epoch_.load(std::memory_order_acquire) != seen; },
            oversubscribed_))
      continue;
    std::unique_lock<std::mutex> lock(mutex_);
    ++sleepers_;
    wake_.wait(lock, [&] {
      return stop_ || epoch_.load(std::memory_order_acquire) != seen;
    });
    --sleepers_;
    if (stop_)
      return;
  }
}

void ThreadPool::parallelFor(uint32_t count, RangeFn fn, void *context) {
  if (count == 0)
    return;
  if (count == 1 || workers_.empty()) {
    fn(context, 0, count);
    return;
  }
  Job job;
  job.fn = fn;
  job.context = context;
  job.count = count;
  // A few chunks per thread balances load without one atomic per item.
  job.chunk = std::max<uint32_t>(1, count / (4u * threadCount()));
  bool wakeSleepers;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    jobs_.push_back(&job);
    epoch_.fetch_add(1, std::memory_order_release);
    wakeSleepers = sleepers_ > 0;
  }
  if (wakeSleepers)
    wake_.notify_all();
  runItems(job, /*isCaller=*/true);
  waitForJob(job);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    jobs_.erase(std::find(jobs_.begin(), jobs_.end(), &job));
  }
  // A worker may still be leaving runItems (it saw no items left).
  for (unsigned spins = 0;
       job.helpers.load(std::memory_order_acquire) != 0; ++spins) {
    if (spins < 64)
      cpuRelax();
    else
      std::this_thread::yield();
  }
}

} // namespace loom::rt
