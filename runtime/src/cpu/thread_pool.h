// A fixed pool of worker threads for data-parallel loops with low per-call
// overhead: the calling thread takes part, single-item loops run inline,
// idle workers spin briefly before sleeping, and several callers (threads
// running different calls) may submit loops at once — workers help whichever
// loop still has items.
#ifndef LOOM_RUNTIME_SRC_CPU_THREAD_POOL_H
#define LOOM_RUNTIME_SRC_CPU_THREAD_POOL_H

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace loom::rt {

class ThreadPool {
public:
  // Runs items [begin, end) of a loop.
  using RangeFn = void (*)(void *context, uint32_t begin, uint32_t end);

  // `threadCount` counts the calling thread: N threads = N-1 workers.
  explicit ThreadPool(int threadCount);
  ~ThreadPool();
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;

  int threadCount() const { return static_cast<int>(workers_.size()) + 1; }

  // Calls fn over [0, count) in chunks, in parallel, and returns when all
  // items are done. Thread-safe; fn must not call parallelFor itself.
  void parallelFor(uint32_t count, RangeFn fn, void *context);

private:
  struct Job;
  void workerMain();
  // Finds a job with items left and helps with it; false if there is none.
  bool helpWithSomeJob();
  static void runItems(Job &job, bool isCaller);
  void waitForJob(Job &job);

  bool oversubscribed_; // more threads than CPUs to run them on
  std::vector<std::thread> workers_;
  std::mutex mutex_;              // guards jobs_, sleepers_, stop_
  std::condition_variable wake_;  // idle workers sleep on it
  std::vector<Job *> jobs_;       // loops in progress
  int sleepers_ = 0;
  bool stop_ = false;
  std::atomic<uint64_t> epoch_{0}; // bumped whenever a job is posted
};

// The number of CPUs this process may run on (at least 1): the default
// thread count.
int hardwareThreadCount();

} // namespace loom::rt

#endif // LOOM_RUNTIME_SRC_CPU_THREAD_POOL_H
