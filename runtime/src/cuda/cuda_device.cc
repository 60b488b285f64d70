#include "cuda/cuda_device.h"

#include "cuda/cuda_api.h"
#include "module.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace loom::rt {
namespace {

using namespace cuda;

#define LOOM_CUDA_RETURN_IF_ERROR(call, expr)                                  \
  do {                                                                         \
    CUresult loomCuResult_ = (expr);                                           \
    if (loomCuResult_ != CUDA_SUCCESS)                                         \
      return resultStatus(cudaApi(), call, loomCuResult_);                    \
  } while (false)

// One GPU: the driver, the device and its primary context.
class CudaContext {
public:
  static Status create(int ordinal, std::shared_ptr<CudaContext> *out) {
    std::shared_ptr<CudaContext> c(new CudaContext());
    LOOM_RETURN_IF_ERROR(CudaApi::load(&c->api_));
    LOOM_RETURN_IF_ERROR(c->init(ordinal));
    *out = std::move(c);
    return okStatus();
  }

  ~CudaContext() {
    if (context_)
      api_->cuDevicePrimaryCtxRelease(device_);
  }

  const CudaApi &api() const { return *api_; }
  const CudaApi *cudaApi() const { return api_.get(); }
  const std::string &description() const { return description_; }
  int computeCapability() const { return computeCapability_; }
  int major() const { return major_; }
  int minor() const { return minor_; }
  int maxThreadsPerBlock() const { return maxThreadsPerBlock_; }
  const int *maxGrid() const { return maxGrid_; }

  // The driver's current context is per thread: every call sets it.
  Status makeCurrent() const {
    LOOM_CUDA_RETURN_IF_ERROR("cuCtxSetCurrent",
                              api_->cuCtxSetCurrent(context_));
    return okStatus();
  }

private:
  CudaContext() = default;

  Status init(int ordinal) {
    CUresult r = api_->cuInit(0);
    if (r != CUDA_SUCCESS) {
      // Whatever the reason, there is no GPU to run on.
      Status s = resultStatus(api_.get(), "cuInit", r);
      return error(LOOM_STATUS_UNAVAILABLE, "no usable CUDA GPU: ",
                   s.message());
    }
    int count = 0;
    LOOM_CUDA_RETURN_IF_ERROR("cuDeviceGetCount",
                              api_->cuDeviceGetCount(&count));
    if (count == 0)
      return error(LOOM_STATUS_UNAVAILABLE,
                   "no CUDA GPU: the driver found no devices");
    if (ordinal >= count)
      return error(LOOM_STATUS_INVALID_ARGUMENT, "CUDA device ", ordinal,
                   " does not exist; this machine has ", count, " GPU",
                   count == 1 ? "" : "s", " (cuda:0",
                   count > 1 ? cat(" to cuda:", count - 1) : std::string(),
                   ")");
    LOOM_CUDA_RETURN_IF_ERROR("cuDeviceGet",
                              api_->cuDeviceGet(&device_, ordinal));
    char name[256] = {0};
    LOOM_CUDA_RETURN_IF_ERROR(
        "cuDeviceGetName", api_->cuDeviceGetName(name, sizeof name - 1,
                                                 device_));
    int major = 0, minor = 0;
    LOOM_CUDA_RETURN_IF_ERROR(
        "cuDeviceGetAttribute",
        api_->cuDeviceGetAttribute(
            &major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device_));
    LOOM_CUDA_RETURN_IF_ERROR(
        "cuDeviceGetAttribute",
        api_->cuDeviceGetAttribute(
            &minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device_));
    major_ = major;
    minor_ = minor;
    computeCapability_ = major * 10 + minor;
    LOOM_CUDA_RETURN_IF_ERROR(
        "cuDeviceGetAttribute",
        api_->cuDeviceGetAttribute(&maxThreadsPerBlock_,
                                   CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK,
                                   device_));
    const int gridAttributes[3] = {CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X,
                                   CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y,
                                   CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z};
    for (int d = 0; d < 3; ++d)
      LOOM_CUDA_RETURN_IF_ERROR(
          "cuDeviceGetAttribute",
          api_->cuDeviceGetAttribute(&maxGrid_[d], gridAttributes[d],
                                     device_));
    LOOM_CUDA_RETURN_IF_ERROR(
        "cuDevicePrimaryCtxRetain",
        api_->cuDevicePrimaryCtxRetain(&context_, device_));
    description_ = cat(name, " (sm_", computeCapability_, ")");
    return okStatus();
  }

  std::unique_ptr<CudaApi> api_;
  CUdevice device_ = 0;
  CUcontext context_ = nullptr;
  std::string description_;
  int computeCapability_ = 0, major_ = 0, minor_ = 0, maxThreadsPerBlock_ = 0;
  int maxGrid_[3] = {0, 0, 0};
};

// Device memory of one call of one function, and its stream.
struct CallState {
  std::vector<CUdeviceptr> inputs, outputs;
  CUdeviceptr arena = 0;
  CUstream stream = nullptr;
  CUevent start = nullptr, end = nullptr;
};

class CudaExecutable final : public Executable {
public:
  CudaExecutable(std::shared_ptr<CudaContext> context, const Program &program)
      : context_(std::move(context)), program_(program),
        api_(&context_->api()) {}

  ~CudaExecutable() override {
    if (!context_->makeCurrent().ok())
      return;
    for (auto &[fn, states] : idle_)
      for (auto &s : states)
        destroy(*s);
    for (CUdeviceptr p : constants_)
      if (p)
        api_->cuMemFree(p);
    if (module_)
      api_->cuModuleUnload(module_);
  }

  Status prepare() {
    LOOM_RETURN_IF_ERROR(checkModule());
    LOOM_RETURN_IF_ERROR(context_->makeCurrent());
    if (!program_.kernels.empty()) {
      LOOM_RETURN_IF_ERROR(loadKernels());
      functions_.resize(program_.kernels.size());
      for (size_t k = 0; k < program_.kernels.size(); ++k) {
        CUresult r = api_->cuModuleGetFunction(
            &functions_[k], module_, program_.kernels[k].name.c_str());
        if (r != CUDA_SUCCESS)
          return resultStatus(api_, "cuModuleGetFunction", r)
              .withContext(cat("kernel '", program_.kernels[k].name, "'"));
      }
    }
    constants_.assign(program_.constants.size(), 0);
    for (size_t i = 0; i < program_.constants.size(); ++i) {
      const ConstantView &c = program_.constants[i];
      LOOM_CUDA_RETURN_IF_ERROR("cuMemAlloc",
                                api_->cuMemAlloc(&constants_[i],
                                                 std::max<size_t>(c.size, 4)));
      if (c.size)
        LOOM_CUDA_RETURN_IF_ERROR(
            "cuMemcpyHtoD", api_->cuMemcpyHtoD(constants_[i], c.data, c.size));
    }
    return okStatus();
  }

  Status execute(const loom_function_s &fn,
                 const CallBuffers &buffers) const override {
    LOOM_RETURN_IF_ERROR(context_->makeCurrent());
    std::unique_ptr<CallState> state;
    LOOM_RETURN_IF_ERROR(acquire(fn, &state));
    Status s = run(fn, buffers, *state);
    if (!s.ok()) {
      destroy(*state);
      return s.withContext(cat("running function '", fn.name, "' on ",
                               context_->description()));
    }
    release(fn, std::move(state));
    return okStatus();
  }

private:
  const CudaApi *cudaApi() const { return api_; }

  // A cubin's architecture: its own, else the module's.
  const std::string &archOf(const KernelLibraryView &lib) const {
    return lib.arch.empty() ? program_.targetCpu : lib.arch;
  }

  // cuModuleLoadDataEx with the JIT's error log; the log ends the message.
  Status loadImage(const void *image, const char *what) {
    char log[8192] = {0};
    CUjit_option options[2] = {CU_JIT_ERROR_LOG_BUFFER,
                               CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
    void *values[2] = {log, reinterpret_cast<void *>(sizeof log - 1)};
    CUresult r = api_->cuModuleLoadDataEx(&module_, image, 2, options, values);
    if (r == CUDA_SUCCESS)
      return okStatus();
    module_ = nullptr;
    Status s = resultStatus(api_, "cuModuleLoadDataEx", r);
    std::string message = cat("loading ", what, " on ",
                              context_->description(), ": ", s.message());
    if (log[0])
      message += cat("; the driver's log:\n", log);
    return Status(s.code(), message);
  }

  // Loads the kernels: the best cubin that runs on this GPU (the highest
  // architecture), else the PTX through the driver's JIT.
  Status loadKernels() {
    const KernelLibraryView *ptx = nullptr, *cubin = nullptr;
    SmArch best;
    std::vector<std::string> unusable;
    for (const KernelLibraryView &lib : program_.libraries) {
      if (lib.format == "ptx") {
        ptx = &lib;
        continue;
      }
      SmArch arch;
      parseSmArch(archOf(lib), &arch); // checked by checkModule
      if (!cubinRunsOn(arch, context_->major(), context_->minor()))
        unusable.push_back(archOf(lib));
      else if (!cubin || arch.number() > best.number() ||
               (arch.number() == best.number() && arch.variant == 'a')) {
        cubin = &lib;
        best = arch;
      }
    }
    std::string why = "the module has no cubin";
    if (!unusable.empty()) {
      why = unusable.size() == 1 ? "the cubin" : "the cubins";
      for (size_t i = 0; i < unusable.size(); ++i)
        why += cat(i ? ", " : " for ", unusable[i]);
      why += cat(unusable.size() == 1 ? " does" : " do", " not run on sm_",
                 context_->computeCapability());
    }
    if (cubin) {
      Status s = loadImage(cubin->data, "the cubin");
      if (s.ok()) {
        verbose(cat("loading the cubin for ", archOf(*cubin)));
        return okStatus();
      }
      // Like a fat binary: the PTX still serves.
      why = s.message();
    }
    verbose(cat("JIT-compiling the PTX for ", program_.targetCpu, " (", why,
                ")"));
    // The driver reads PTX as a NUL-terminated string.
    std::string text(reinterpret_cast<const char *>(ptx->data), ptx->size);
    return loadImage(text.c_str(), "the PTX");
  }

  void verbose(const std::string &line) const {
    const char *v = std::getenv("LOOM_CUDA_VERBOSE");
    if (v && *v && std::strcmp(v, "0") != 0)
      std::fprintf(stderr, "loom cuda: %s: %s\n",
                   context_->description().c_str(), line.c_str());
  }

  Status checkModule() const {
    size_t ptxCount = 0;
    for (size_t i = 0; i < program_.libraries.size(); ++i) {
      const KernelLibraryView &lib = program_.libraries[i];
      SmArch arch;
      if (lib.format == "ptx")
        ++ptxCount;
      else if (lib.format != "cubin")
        return error(LOOM_STATUS_DATA_LOSS, "invalid module: kernel library ",
                     i, " has format '", lib.format,
                     "'; the cuda device reads 'ptx' and 'cubin'");
      else if (!parseSmArch(archOf(lib), &arch))
        return error(LOOM_STATUS_DATA_LOSS, "invalid module: kernel library ",
                     i, " is a cubin for '", archOf(lib),
                     "', not a GPU architecture (sm_NN)");
    }
    if (!program_.kernels.empty() && ptxCount != 1)
      return error(LOOM_STATUS_DATA_LOSS,
                   "invalid module: the cuda device expects one kernel "
                   "library of format 'ptx' (found ", ptxCount, ")");
    SmArch target;
    if (parseSmArch(program_.targetCpu, &target) &&
        !ptxRunsOn(target, context_->major(), context_->minor())) {
      if (target.number() > context_->computeCapability())
        return error(LOOM_STATUS_INCOMPATIBLE, "the kernels were compiled "
                     "for ", program_.targetCpu, " but ",
                     context_->description(),
                     " is older; recompile with --cuda-arch=sm_",
                     context_->computeCapability());
      return error(LOOM_STATUS_INCOMPATIBLE, "the kernels were compiled "
                   "for ", program_.targetCpu, ", which only runs on ",
                   target.variant == 'a' ? "that exact GPU architecture"
                                         : "GPUs of that family",
                   ", not on ", context_->description(),
                   "; recompile with --cuda-arch=sm_",
                   context_->computeCapability());
    }
    for (const auto &fn : program_.functions)
      for (size_t c = 0; c < fn->commands.size(); ++c) {
        std::string where = cat("function '", fn->name, "', command ", c);
        if (const auto *d = std::get_if<DispatchCommand>(&fn->commands[c])) {
          const KernelInfo &k = program_.kernels[d->kernel];
          uint64_t threads = uint64_t(k.workgroupSize[0]) *
                             k.workgroupSize[1] * k.workgroupSize[2];
          if (threads > uint64_t(context_->maxThreadsPerBlock()))
            return error(LOOM_STATUS_INCOMPATIBLE, where, " (kernel '",
                         k.name, "'): ", threads,
                         " threads per block, more than ",
                         context_->description(), " allows (",
                         context_->maxThreadsPerBlock(), ")");
          for (int i = 0; i < 3; ++i)
            if (d->workgroupCount[i] > uint32_t(context_->maxGrid()[i]))
              return error(LOOM_STATUS_INCOMPATIBLE, where, " (kernel '",
                           k.name, "'): grid dimension ", i, " of ",
                           d->workgroupCount[i], " blocks exceeds ",
                           context_->maxGrid()[i]);
          if (k.pushConstantCount)
            return error(LOOM_STATUS_UNIMPLEMENTED, where,
                         ": push constants are not supported by the cuda "
                         "device yet");
        } else if (const auto *f = std::get_if<FillCommand>(&fn->commands[c])) {
          unsigned char b[4];
          std::memcpy(b, &f->pattern, 4);
          bool bytes = b[0] == b[1] && b[1] == b[2] && b[2] == b[3];
          if (!bytes && (f->dst.offset % 4 || f->dst.size % 4))
            return error(LOOM_STATUS_UNIMPLEMENTED, where,
                         ": unaligned fills with a 4-byte pattern");
        }
      }
    return okStatus();
  }

  CUdeviceptr resolve(const BufferSlice &s, const CallState &state) const {
    CUdeviceptr base = 0;
    switch (s.space) {
    case Space::Input: base = state.inputs[s.index]; break;
    case Space::Output: base = state.outputs[s.index]; break;
    case Space::Constant: base = constants_[s.index]; break;
    case Space::Arena: base = state.arena; break;
    }
    return base + s.offset;
  }

  Status run(const loom_function_s &fn, const CallBuffers &buffers,
             CallState &state) const {
    CUstream stream = state.stream;
    for (size_t i = 0; i < fn.inputs.size(); ++i)
      if (fn.inputs[i].byteSize)
        LOOM_CUDA_RETURN_IF_ERROR(
            "cuMemcpyHtoDAsync",
            api_->cuMemcpyHtoDAsync(state.inputs[i], buffers.inputs[i],
                                    fn.inputs[i].byteSize, stream));
    LOOM_CUDA_RETURN_IF_ERROR("cuEventRecord",
                              api_->cuEventRecord(state.start, stream));
    std::vector<CUdeviceptr> pointers;
    std::vector<void *> params;
    for (const Command &command : fn.commands) {
      if (const auto *d = std::get_if<DispatchCommand>(&command)) {
        const KernelInfo &k = program_.kernels[d->kernel];
        // One pointer per binding (the bare-pointer kernel ABI).
        pointers.resize(d->bindings.size());
        params.resize(d->bindings.size());
        for (size_t b = 0; b < d->bindings.size(); ++b) {
          pointers[b] = resolve(d->bindings[b], state);
          params[b] = &pointers[b];
        }
        CUresult r = api_->cuLaunchKernel(
            functions_[d->kernel], d->workgroupCount[0], d->workgroupCount[1],
            d->workgroupCount[2], k.workgroupSize[0], k.workgroupSize[1],
            k.workgroupSize[2], 0, stream, params.data(), nullptr);
        if (r != CUDA_SUCCESS)
          return resultStatus(api_, "cuLaunchKernel", r)
              .withContext(cat("kernel '", k.name, "'"));
      } else if (const auto *c = std::get_if<CopyCommand>(&command)) {
        if (c->src.size)
          LOOM_CUDA_RETURN_IF_ERROR(
              "cuMemcpyDtoDAsync",
              api_->cuMemcpyDtoDAsync(resolve(c->dst, state),
                                      resolve(c->src, state), c->src.size,
                                      stream));
      } else if (const auto *f = std::get_if<FillCommand>(&command)) {
        if (!f->dst.size)
          continue;
        unsigned char b[4];
        std::memcpy(b, &f->pattern, 4);
        if (b[0] == b[1] && b[1] == b[2] && b[2] == b[3])
          LOOM_CUDA_RETURN_IF_ERROR(
              "cuMemsetD8Async",
              api_->cuMemsetD8Async(resolve(f->dst, state), b[0], f->dst.size,
                                    stream));
        else
          LOOM_CUDA_RETURN_IF_ERROR(
              "cuMemsetD32Async",
              api_->cuMemsetD32Async(resolve(f->dst, state), f->pattern,
                                     f->dst.size / 4, stream));
      }
    }
    LOOM_CUDA_RETURN_IF_ERROR("cuEventRecord",
                              api_->cuEventRecord(state.end, stream));
    for (size_t i = 0; i < fn.outputs.size(); ++i)
      if (fn.outputs[i].byteSize)
        LOOM_CUDA_RETURN_IF_ERROR(
            "cuMemcpyDtoHAsync",
            api_->cuMemcpyDtoHAsync(buffers.outputs[i], state.outputs[i],
                                    fn.outputs[i].byteSize, stream));
    LOOM_CUDA_RETURN_IF_ERROR("cuStreamSynchronize",
                              api_->cuStreamSynchronize(stream));
    if (const char *timing = std::getenv("LOOM_CUDA_TIMING");
        timing && *timing && std::strcmp(timing, "0") != 0) {
      float ms = 0;
      if (api_->cuEventElapsedTime(&ms, state.start, state.end) ==
          CUDA_SUCCESS)
        std::fprintf(stderr, "loom cuda: %s: %.3f ms on the GPU\n",
                     fn.name.c_str(), ms);
    }
    return okStatus();
  }

  Status create(const loom_function_s &fn, CallState &state) const {
    auto alloc = [&](size_t bytes, CUdeviceptr *p) -> Status {
      // Kernels may assume 64-byte aligned bases (cuMemAlloc gives 256).
      LOOM_CUDA_RETURN_IF_ERROR(
          "cuMemAlloc", api_->cuMemAlloc(p, std::max<size_t>(bytes, 4)));
      return okStatus();
    };
    for (const TensorSignature &t : fn.inputs) {
      state.inputs.push_back(0);
      LOOM_RETURN_IF_ERROR(alloc(t.byteSize, &state.inputs.back()));
    }
    for (const TensorSignature &t : fn.outputs) {
      state.outputs.push_back(0);
      LOOM_RETURN_IF_ERROR(alloc(t.byteSize, &state.outputs.back()));
    }
    LOOM_RETURN_IF_ERROR(alloc(fn.arenaSize, &state.arena));
    LOOM_CUDA_RETURN_IF_ERROR(
        "cuStreamCreate",
        api_->cuStreamCreate(&state.stream, CU_STREAM_NON_BLOCKING));
    LOOM_CUDA_RETURN_IF_ERROR(
        "cuEventCreate", api_->cuEventCreate(&state.start, CU_EVENT_DEFAULT));
    LOOM_CUDA_RETURN_IF_ERROR(
        "cuEventCreate", api_->cuEventCreate(&state.end, CU_EVENT_DEFAULT));
    return okStatus();
  }

  void destroy(CallState &state) const {
    if (state.stream)
      api_->cuStreamSynchronize(state.stream);
    for (CUdeviceptr p : state.inputs)
      if (p)
        api_->cuMemFree(p);
    for (CUdeviceptr p : state.outputs)
      if (p)
        api_->cuMemFree(p);
    if (state.arena)
      api_->cuMemFree(state.arena);
    if (state.start)
      api_->cuEventDestroy(state.start);
    if (state.end)
      api_->cuEventDestroy(state.end);
    if (state.stream)
      api_->cuStreamDestroy(state.stream);
    state = CallState();
  }

  Status acquire(const loom_function_s &fn,
                 std::unique_ptr<CallState> *out) const {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = idle_.find(&fn);
      if (it != idle_.end() && !it->second.empty()) {
        *out = std::move(it->second.back());
        it->second.pop_back();
        return okStatus();
      }
    }
    auto state = std::make_unique<CallState>();
    Status s = create(fn, *state);
    if (!s.ok()) {
      destroy(*state);
      return s.withContext(cat("preparing function '", fn.name, "' on ",
                               context_->description()));
    }
    *out = std::move(state);
    return okStatus();
  }

  void release(const loom_function_s &fn,
               std::unique_ptr<CallState> state) const {
    std::lock_guard<std::mutex> lock(mutex_);
    idle_[&fn].push_back(std::move(state));
  }

  std::shared_ptr<CudaContext> context_;
  const Program &program_;
  const CudaApi *api_;
  CUmodule module_ = nullptr;
  std::vector<CUfunction> functions_;
  std::vector<CUdeviceptr> constants_;
  mutable std::mutex mutex_;
  mutable std::unordered_map<const loom_function_s *,
                             std::vector<std::unique_ptr<CallState>>>
      idle_;
};

class CudaDevice final : public Device {
public:
  explicit CudaDevice(std::shared_ptr<CudaContext> context)
      : context_(std::move(context)) {}
  const char *name() const override { return "cuda"; }
  int threadCount() const override { return 1; }
  Status prepare(const Program &program,
                 std::unique_ptr<Executable> *out) override {
    auto executable = std::make_unique<CudaExecutable>(context_, program);
    LOOM_RETURN_IF_ERROR(executable->prepare());
    *out = std::move(executable);
    return okStatus();
  }

private:
  std::shared_ptr<CudaContext> context_;
};

} // namespace

namespace cuda {

bool parseSmArch(const std::string &text, SmArch *arch) {
  if (text.rfind("sm_", 0) != 0)
    return false;
  size_t end = 3, number = 0;
  while (end < text.size() && end < 7 && text[end] >= '0' && text[end] <= '9')
    number = number * 10 + (text[end++] - '0');
  if (end < 5 || number < 10)
    return false;
  char variant = 0;
  if (end + 1 == text.size() && (text[end] == 'a' || text[end] == 'f'))
    variant = text[end++];
  if (end != text.size())
    return false;
  arch->major = int(number / 10);
  arch->minor = int(number % 10);
  arch->variant = variant;
  return true;
}

bool ptxRunsOn(const SmArch &code, int major, int minor) {
  if (code.variant == 'a')
    return major == code.major && minor == code.minor;
  if (code.variant == 'f')
    return major == code.major && minor >= code.minor;
  return major * 10 + minor >= code.number();
}

bool cubinRunsOn(const SmArch &code, int major, int minor) {
  if (code.variant == 'a')
    return major == code.major && minor == code.minor;
  return major == code.major && minor >= code.minor;
}

} // namespace cuda

Status createCudaDevice(int ordinal, std::unique_ptr<Device> *out) {
  std::shared_ptr<CudaContext> context;
  LOOM_RETURN_IF_ERROR(CudaContext::create(ordinal, &context));
  *out = std::make_unique<CudaDevice>(std::move(context));
  return okStatus();
}

} // namespace loom::rt
