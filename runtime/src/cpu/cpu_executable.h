// A module prepared for the CPU: interprets a function's commands for one
// call — dispatches on the thread pool, copies and fills with memcpy, slice
// loops over worker threads (and ranks, with a collective).
#ifndef LOOM_RUNTIME_SRC_CPU_CPU_EXECUTABLE_H
#define LOOM_RUNTIME_SRC_CPU_CPU_EXECUTABLE_H

#include "cpu/kernel_library.h"
#include "cpu/thread_pool.h"
#include "device.h"

#include <memory>

namespace loom::rt {

class CpuExecutable final : public Executable {
public:
  // `library` may be null for a module without kernels.
  CpuExecutable(std::shared_ptr<ThreadPool> pool,
                std::unique_ptr<KernelLibrary> library)
      : pool_(std::move(pool)), library_(std::move(library)) {}

  Status execute(const loom_function_s &function,
                 const CallBuffers &buffers) const override;

  struct SliceWorker;

private:
  // Runs a function's commands; `serial`: every dispatch on this thread
  // (a slice-loop worker), else on the pool. With `ranks` (a call of an
  // entry point under a collective of several ranks), only rank 0 runs
  // the commands that are not slice loops: rank 0 broadcasts what a slice
  // loop reads from the arena or the outputs before every rank runs its
  // share of the loop, and the outputs it wrote at the end.
  Status run(const loom_function_s &function, const CallBuffers &buffers,
             bool serial, const loom_collective_t *ranks = nullptr) const;
  // A slice loop: this rank's slices over the workers, then the
  // accumulators added (threads, then ranks).
  Status runSliceLoop(const loom_function_s &function,
                      const SliceLoopCommand &loop,
                      const CallBuffers &buffers) const;

  std::shared_ptr<ThreadPool> pool_;
  std::unique_ptr<KernelLibrary> library_;
};

} // namespace loom::rt

#endif // LOOM_RUNTIME_SRC_CPU_CPU_EXECUTABLE_H
