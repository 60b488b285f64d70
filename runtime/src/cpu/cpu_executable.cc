#include "cpu/cpu_executable.h"

#include "module.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <mutex>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace loom::rt {
namespace {

constexpr size_t kInlineBindings = 16;

// One dispatch as the thread pool sees it.
struct DispatchContext {
  loom_cpu_kernel_fn_t kernel;
  void *const *bindings;
  const uint32_t *pushConstants;
  uint32_t workgroupCount[3];
};

void runWorkgroups(void *context, uint32_t begin, uint32_t end) {
  const auto &d = *static_cast<const DispatchContext *>(context);
  uint32_t id[3];
  id[0] = begin % d.workgroupCount[0];
  uint32_t rest = begin / d.workgroupCount[0];
  id[1] = rest % d.workgroupCount[1];
  id[2] = rest / d.workgroupCount[1];
  for (uint32_t i = begin; i < end; ++i) {
    d.kernel(d.bindings, d.pushConstants, id, d.workgroupCount);
    if (++id[0] == d.workgroupCount[0]) {
      id[0] = 0;
      if (++id[1] == d.workgroupCount[1]) {
        id[1] = 0;
        ++id[2];
      }
    }
  }
  // Kernels leave their streaming stores unfenced (kernel_abi.h): order them
  // before the thread pool reports these workgroups complete.
#if defined(__x86_64__) || defined(__i386__)
  _mm_sfence();
#endif
}

// Resolves slices to host pointers for one call.
class SliceResolver {
public:
  SliceResolver(const Program &program, const CallBuffers &buffers)
      : program_(program), buffers_(buffers) {}

  unsigned char *resolve(const BufferSlice &slice) const {
    unsigned char *base = nullptr;
    switch (slice.space) {
    case Space::Input:
      base = buffers_.inputs[slice.index];
      break;
    case Space::Output:
      base = buffers_.outputs[slice.index];
      break;
    case Space::Constant:
      base = const_cast<unsigned char *>(program_.constants[slice.index].data);
      break;
    case Space::Arena:
      base = buffers_.arena;
      break;
    }
    return base ? base + slice.offset : nullptr;
  }

private:
  const Program &program_;
  const CallBuffers &buffers_;
};

void fill(unsigned char *dst, uint64_t size, uint32_t pattern) {
  unsigned char bytes[4];
  std::memcpy(bytes, &pattern, 4);
  uint64_t i = 0;
  if (pattern == 0 || (bytes[0] == bytes[1] && bytes[1] == bytes[2] &&
                       bytes[2] == bytes[3])) {
    std::memset(dst, bytes[0], size);
    return;
  }
  for (; i + 4 <= size; i += 4)
    std::memcpy(dst + i, bytes, 4);
  for (size_t j = 0; i < size; ++i, ++j)
    dst[i] = bytes[j];
}

uint64_t alignUp(uint64_t v) {
  return (v + kBufferAlignment - 1) / kBufferAlignment * kBufferAlignment;
}

// Reports a slice loop's progress at most every interval, from whichever
// worker gets there first.
class ProgressReporter {
public:
  ProgressReporter(const loom_runtime_s &runtime, uint64_t total)
      : fn_(runtime.progress), user_(runtime.progressUser),
        interval_(std::chrono::milliseconds(runtime.progressIntervalMs)),
        total_(total), last_(std::chrono::steady_clock::now()) {}

  void add(uint64_t slices) {
    uint64_t done = done_.fetch_add(slices, std::memory_order_relaxed) + slices;
    if (!fn_)
      return;
    std::unique_lock<std::mutex> lock(mutex_, std::try_to_lock);
    if (!lock.owns_lock())
      return;
    auto now = std::chrono::steady_clock::now();
    if (now - last_ < interval_)
      return;
    last_ = now;
    fn_(user_, done, total_);
  }

  void finish() {
    if (fn_)
      fn_(user_, done_.load(), total_);
  }

private:
  loom_progress_fn_t fn_;
  void *user_;
  std::chrono::steady_clock::duration interval_;
  uint64_t total_;
  std::atomic<uint64_t> done_{0};
  std::mutex mutex_;
  std::chrono::steady_clock::time_point last_;
};

} // namespace

// One worker's share of a slice loop: slices [begin, end), its own scratch
// and accumulator.
struct CpuExecutable::SliceWorker {
  const SliceLoopCommand *loop = nullptr;
  const CpuExecutable *self = nullptr;
  std::vector<unsigned char *> inputBases;
  unsigned char *accumulator = nullptr;
  unsigned char *arena = nullptr;
  unsigned char *partial = nullptr;
  uint64_t begin = 0, end = 0;
  bool serial = true;
  ProgressReporter *progress = nullptr;

  void run() const {
    const SliceLoopCommand &l = *loop;
    size_t k = l.extents.size();
    // Mixed-radix coordinates of slice `begin` (the last index fastest).
    std::vector<uint64_t> coord(k);
    uint64_t rest = begin;
    for (size_t j = k; j-- > 0;) {
      coord[j] = rest % l.extents[j];
      rest /= l.extents[j];
    }
    std::vector<unsigned char *> inputs(l.inputs.size());
    unsigned char *outputs[1] = {partial};
    constexpr uint64_t kReportEvery = 16;
    uint64_t unreported = 0;
    for (uint64_t s = begin; s < end; ++s) {
      for (size_t t = 0; t < inputs.size(); ++t) {
        uint64_t offset = 0;
        for (size_t j = 0; j < k; ++j)
          offset += coord[j] * l.inputs[t].strides[j];
        inputs[t] = inputBases[t] + offset;
      }
      uint64_t accOffset = 0;
      for (size_t j = 0; j < k; ++j)
        accOffset += coord[j] * l.accumulator.strides[j];
      CallBuffers body{inputs.data(), outputs, arena};
      (void)self->run(*l.body, body, serial);
      unsigned char *block = accumulator + accOffset;
      unsigned char *accIn[2] = {block, partial};
      unsigned char *accOut[1] = {block};
      (void)self->run(*l.accumulate, CallBuffers{accIn, accOut, arena}, serial);
      for (size_t j = k; j-- > 0;) {
        if (++coord[j] < l.extents[j])
          break;
        coord[j] = 0;
      }
      if (++unreported == kReportEvery) {
        progress->add(unreported);
        unreported = 0;
      }
    }
    progress->add(unreported);
  }
};

namespace {

void runSliceWorkers(void *context, uint32_t begin, uint32_t end) {
  auto *workers = static_cast<const CpuExecutable::SliceWorker *>(context);
  for (uint32_t w = begin; w < end; ++w)
    workers[w].run();
}

} // namespace

Status CpuExecutable::runSliceLoop(const loom_function_s &function,
                                   const SliceLoopCommand &loop,
                                   const CallBuffers &buffers) const {
  const loom_runtime_s &runtime = *function.module->runtime;
  SliceResolver resolver(function.module->program, buffers);
  // This rank's block of slices (or the share loom_runtime_set_slice_share
  // asked for).
  uint64_t rank = runtime.shareIndex, ranks = runtime.shareCount;
  if (runtime.hasCollective) {
    rank = uint64_t(runtime.collective.rank);
    ranks = uint64_t(runtime.collective.size);
  }
  auto bound = [&](uint64_t r) {
    return static_cast<uint64_t>(
        static_cast<unsigned __int128>(loop.sliceCount) * r / ranks);
  };
  uint64_t first = bound(rank), last = bound(rank + 1);
  uint64_t count = last - first;

  // Workers: each thread its own slices and accumulator when the slices
  // split evenly enough; otherwise one worker whose kernels use every
  // thread. The memory cap bounds the workers' scratch.
  int threads = pool_->threadCount();
  uint64_t workers = 1;
  if (threads > 1 && count >= uint64_t(threads)) {
    uint64_t perWorker = (count + threads - 1) / threads;
    if (perWorker * threads * 4 <= count * 5)  // at most 25% imbalance
      workers = threads;
  }
  uint64_t accBytes = alignUp(loop.accumulator.buffer.size);
  uint64_t extraPerWorker = loop.workerBytes + accBytes;
  if (uint64_t cap = runtime.maxCallMemoryBytes; cap && workers > 1) {
    uint64_t spare = cap > function.callMemoryBytes
                         ? cap - function.callMemoryBytes
                         : 0;
    workers = std::min<uint64_t>(workers, 1 + spare / extraPerWorker);
  }
  uint64_t scratchBytes =
      workers * loop.workerBytes + (workers - 1) * accBytes;
  // Taken from the function's cache and given back on every return: the
  // next call finds it paged in.
  struct ScratchLease {
    ArenaCache &cache;
    size_t size;
    AlignedPtr memory;
    ~ScratchLease() {
      if (memory)
        cache.release(std::move(memory), size, kBufferAlignment);
    }
  };
  size_t scratchSize = std::max<uint64_t>(scratchBytes, 1);
  ScratchLease scratch{function.sliceScratch, scratchSize,
                       function.sliceScratch.acquire(scratchSize,
                                                     kBufferAlignment)};
  if (!scratch.memory)
    return error(LOOM_STATUS_RESOURCE_EXHAUSTED, "function '", function.name,
                 "': out of memory allocating ", scratchBytes,
                 " bytes of scratch for a slice loop's ", workers,
                 " workers");

  unsigned char *acc0 = resolver.resolve(loop.accumulator.buffer);
  std::vector<SliceWorker> pool(workers);
  ProgressReporter progress(runtime, count);
  unsigned char *cursor = scratch.memory.get();
  uint64_t arenaBytes = alignUp(std::max(
      {loop.body->arenaSize, loop.accumulate->arenaSize,
       loop.reduce->arenaSize}));
  for (uint64_t w = 0; w < workers; ++w) {
    SliceWorker &worker = pool[w];
    worker.loop = &loop;
    worker.self = this;
    for (const SlicedBuffer &in : loop.inputs)
      worker.inputBases.push_back(resolver.resolve(in.buffer));
    worker.arena = cursor;
    worker.partial = cursor + arenaBytes;
    cursor += loop.workerBytes;
    if (w == 0) {
      worker.accumulator = acc0;
    } else {
      worker.accumulator = cursor;
      cursor += accBytes;
    }
    std::memset(worker.accumulator, 0, loop.accumulator.buffer.size);
    worker.begin = first + count * w / workers;
    worker.end = first + count * (w + 1) / workers;
    worker.serial = workers > 1;
    worker.progress = &progress;
  }
  if (workers == 1)
    pool[0].run();
  else
    pool_->parallelFor(static_cast<uint32_t>(workers), runSliceWorkers,
                       pool.data());
  progress.finish();

  // The workers' accumulators, added in a fixed order.
  unsigned char *reduceOut[1] = {acc0};
  for (uint64_t w = 1; w < workers; ++w) {
    unsigned char *in[2] = {acc0, pool[w].accumulator};
    LOOM_RETURN_IF_ERROR(run(*loop.reduce,
                             CallBuffers{in, reduceOut, pool[0].arena},
                             /*serial=*/false));
  }
  if (!runtime.hasCollective || ranks == 1)
    return okStatus();

  // The ranks' accumulators: a binomial tree towards rank 0 (the order is
  // fixed by the rank count), then a broadcast.
  const loom_collective_t &c = runtime.collective;
  uint64_t size = loop.accumulator.buffer.size;
  auto failed = [&](const char *what, uint64_t peer) {
    return error(LOOM_STATUS_UNAVAILABLE, "function '", function.name,
                 "': rank ", rank, " of ", ranks, ": ", what, " rank ", peer,
                 " failed while reducing a slice loop's ", size,
                 "-byte result");
  };
  unsigned char *other = pool[0].partial;  // scratch for a received block
  AlignedPtr received;
  if (size > loop.workerBytes - arenaBytes) {
    received.reset(static_cast<unsigned char *>(alignedAlloc(size)));
    if (!received)
      return error(LOOM_STATUS_RESOURCE_EXHAUSTED, "function '",
                   function.name, "': out of memory receiving a ", size,
                   "-byte partial result");
    other = received.get();
  }
  for (uint64_t step = 1; step < ranks; step *= 2) {
    if (rank % (2 * step) == step) {
      if (c.send(c.user_data, int32_t(rank - step), acc0, size) != 0)
        return failed("sending to", rank - step);
      break;
    }
    if (rank % (2 * step) == 0 && rank + step < ranks) {
      if (c.recv(c.user_data, int32_t(rank + step), other, size) != 0)
        return failed("receiving from", rank + step);
      unsigned char *in[2] = {acc0, other};
      LOOM_RETURN_IF_ERROR(run(*loop.reduce,
                               CallBuffers{in, reduceOut, pool[0].arena},
                               /*serial=*/false));
    }
  }
  if (c.broadcast(c.user_data, 0, acc0, size) != 0)
    return failed("broadcasting with", 0);
  return okStatus();
}

namespace {

// Sends rank 0's bytes of `slice` to every rank.
Status broadcastFromRoot(const loom_function_s &function,
                         const loom_collective_t &ranks,
                         const BufferSlice &slice, unsigned char *data,
                         const char *what) {
  if (slice.size == 0 ||
      ranks.broadcast(ranks.user_data, 0, data, slice.size) == 0)
    return okStatus();
  return error(LOOM_STATUS_UNAVAILABLE, "function '", function.name,
               "': rank ", ranks.rank, " of ", ranks.size,
               ": broadcasting ", what, " (", slice.size,
               " bytes) from rank 0 failed");
}

bool sameSlice(const BufferSlice &a, const BufferSlice &b) {
  return a.space == b.space && a.index == b.index && a.offset == b.offset &&
         a.size == b.size;
}

} // namespace

Status CpuExecutable::run(const loom_function_s &function,
                          const CallBuffers &buffers, bool serial,
                          const loom_collective_t *ranks) const {
  SliceResolver resolver(function.module->program, buffers);
  void *inlineBindings[kInlineBindings];
  std::vector<void *> heapBindings;
  // Outputs that commands other than slice loops may write (a dispatch's
  // bindings, a copy's or fill's destination): rank 0 broadcasts them at
  // the end. Every rank notes them, run or skipped, so all take part in
  // the same broadcasts.
  std::vector<bool> outputWritten(ranks ? function.outputs.size() : 0, false);
  auto noteWrite = [&](const BufferSlice &slice) {
    if (slice.space == Space::Output)
      outputWritten[slice.index] = true;
  };
  for (const Command &command : function.commands) {
    const auto *loop = std::get_if<SliceLoopCommand>(&command);
    if (ranks) {
      if (const auto *d = std::get_if<DispatchCommand>(&command))
        for (const BufferSlice &binding : d->bindings)
          noteWrite(binding);
      else if (const auto *c = std::get_if<CopyCommand>(&command))
        noteWrite(c->dst);
      else if (const auto *f = std::get_if<FillCommand>(&command))
        noteWrite(f->dst);
    }
    if (ranks && loop) {
      // Inputs and constants are the same on every rank (each rank's
      // caller passes the same inputs); what earlier commands made, only
      // rank 0 has.
      for (size_t i = 0; i < loop->inputs.size(); ++i) {
        const BufferSlice &in = loop->inputs[i].buffer;
        bool seen = false;
        for (size_t j = 0; j < i; ++j)
          seen = seen || sameSlice(loop->inputs[j].buffer, in);
        if (!seen && (in.space == Space::Arena || in.space == Space::Output))
          LOOM_RETURN_IF_ERROR(broadcastFromRoot(
              function, *ranks, in, resolver.resolve(in),
              "an input of a slice loop"));
      }
    } else if (ranks && ranks->rank != 0) {
      continue; // rank 0 runs it; its results reach this rank by broadcast
    }
    if (const auto *d = std::get_if<DispatchCommand>(&command)) {
      void **bindings = inlineBindings;
      if (d->bindings.size() > kInlineBindings) {
        heapBindings.resize(d->bindings.size());
        bindings = heapBindings.data();
      }
      for (size_t b = 0; b < d->bindings.size(); ++b)
        bindings[b] = resolver.resolve(d->bindings[b]);
      DispatchContext context{
          library_->kernel(d->kernel), bindings,
          d->pushConstants.empty() ? nullptr : d->pushConstants.data(),
          {d->workgroupCount[0], d->workgroupCount[1], d->workgroupCount[2]}};
      if (serial)
        runWorkgroups(&context, 0, d->workgroupTotal);
      else
        pool_->parallelFor(d->workgroupTotal, runWorkgroups, &context);
    } else if (const auto *c = std::get_if<CopyCommand>(&command)) {
      if (c->src.size)
        std::memmove(resolver.resolve(c->dst), resolver.resolve(c->src),
                     c->src.size);
    } else if (const auto *f = std::get_if<FillCommand>(&command)) {
      if (f->dst.size)
        fill(resolver.resolve(f->dst), f->dst.size, f->pattern);
    } else if (loop) {
      // Never inside a slice loop's own functions (checked at load). Its
      // result is reduced across the ranks and broadcast already.
      LOOM_RETURN_IF_ERROR(runSliceLoop(function, *loop, buffers));
    }
  }
  if (!ranks)
    return okStatus();
  // Every rank returns the results: the outputs rank 0 wrote, from it.
  for (size_t i = 0; i < function.outputs.size(); ++i)
    if (outputWritten[i]) {
      BufferSlice whole{Space::Output, uint32_t(i), 0,
                        function.outputs[i].byteSize};
      LOOM_RETURN_IF_ERROR(broadcastFromRoot(function, *ranks, whole,
                                             buffers.outputs[i], "an output"));
    }
  return okStatus();
}

Status CpuExecutable::execute(const loom_function_s &function,
                              const CallBuffers &buffers) const {
  const loom_runtime_s &runtime = *function.module->runtime;
  bool distributed = runtime.hasCollective && runtime.collective.size > 1;
  return run(function, buffers, /*serial=*/false,
             distributed ? &runtime.collective : nullptr);
}

} // namespace loom::rt
