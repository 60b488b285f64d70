#include "cpu/cpu_device.h"

#include "cpu/cpu_executable.h"
#include "cpu/cpu_features.h"
#include "cpu/kernel_library.h"
#include "cpu/thread_pool.h"

namespace loom::rt {
namespace {

constexpr int kMaxThreads = 1024;

#if defined(__x86_64__)
constexpr const char *kHostArchs[] = {"x86_64", "amd64", "x86-64"};
#elif defined(__aarch64__)
constexpr const char *kHostArchs[] = {"aarch64", "arm64"};
#endif

// The module's target triple (if recorded) must name this machine's arch.
Status checkTriple(const std::string &triple) {
  if (triple.empty())
    return okStatus();
  std::string arch = triple.substr(0, triple.find('-'));
  for (const char *host : kHostArchs)
    if (arch == host)
      return okStatus();
  return error(LOOM_STATUS_INCOMPATIBLE, "module was compiled for '", triple,
               "' but this machine is ", kHostArchs[0],
               "; recompile the model for this machine");
}

class CpuDevice final : public Device {
public:
  explicit CpuDevice(int threads)
      : pool_(std::make_shared<ThreadPool>(threads)) {}

  const char *name() const override { return "cpu"; }
  int threadCount() const override { return pool_->threadCount(); }

  Status verify(const Program &program) const override {
    LOOM_RETURN_IF_ERROR(checkTriple(program.targetTriple));
    LOOM_RETURN_IF_ERROR(
        checkHostCpuFeatures(program.targetFeatures, program.targetCpu));
    if (program.kernels.empty() && program.libraries.empty())
      return okStatus();
    if (program.libraries.size() != 1)
      return error(LOOM_STATUS_DATA_LOSS, "invalid module: it has ",
                   program.kernels.size(), " kernels and ",
                   program.libraries.size(),
                   " kernel libraries; the cpu device expects exactly one");
    return KernelLibrary::check(program.libraries[0]);
  }

  Status prepare(const Program &program,
                 std::unique_ptr<Executable> *out) override {
    std::unique_ptr<KernelLibrary> library;
    if (!program.kernels.empty() || !program.libraries.empty())
      LOOM_RETURN_IF_ERROR(KernelLibrary::load(program.libraries.at(0),
                                               program.kernels, &library));
    *out = std::make_unique<CpuExecutable>(pool_, std::move(library));
    return okStatus();
  }

private:
  std::shared_ptr<ThreadPool> pool_;
};

} // namespace

Status createCpuDevice(int threadCount, std::unique_ptr<Device> *out) {
  if (threadCount < 0 || threadCount > kMaxThreads)
    return error(LOOM_STATUS_INVALID_ARGUMENT, "thread count ", threadCount,
                 " is out of range (0 = one per core, or 1..", kMaxThreads,
                 ")");
  *out = std::make_unique<CpuDevice>(threadCount == 0 ? hardwareThreadCount()
                                                      : threadCount);
  return okStatus();
}

} // namespace loom::rt
