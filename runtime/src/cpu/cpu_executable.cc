#include "cpu/cpu_executable.h"

#include "module.h"

#include <cstring>

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

} // namespace

Status CpuExecutable::execute(const loom_function_s &function,
                              const CallBuffers &buffers) const {
  SliceResolver resolver(function.module->program, buffers);
  void *inlineBindings[kInlineBindings];
  std::vector<void *> heapBindings;
  for (const Command &command : function.commands) {
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
      pool_->parallelFor(d->workgroupTotal, runWorkgroups, &context);
    } else if (const auto *c = std::get_if<CopyCommand>(&command)) {
      if (c->src.size)
        std::memmove(resolver.resolve(c->dst), resolver.resolve(c->src),
                     c->src.size);
    } else if (const auto *f = std::get_if<FillCommand>(&command)) {
      if (f->dst.size)
        fill(resolver.resolve(f->dst), f->dst.size, f->pattern);
    }
  }
  return okStatus();
}

} // namespace loom::rt
