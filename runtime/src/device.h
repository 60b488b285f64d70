// The device abstraction. A Device turns a verified Program into an
// Executable (for the CPU: the kernel library loaded and its symbols
// resolved); an Executable runs one call of a function over buffers the
// runtime allocated for that call. New devices (vulkan, cuda) implement these
// two interfaces and register in createDevice.
#ifndef LOOM_RUNTIME_SRC_DEVICE_H
#define LOOM_RUNTIME_SRC_DEVICE_H

#include "program.h"
#include "status.h"

#include <memory>
#include <string>

namespace loom::rt {

// Host pointers of one call's storages (see the schema's Space enum).
struct CallBuffers {
  unsigned char *const *inputs = nullptr;  // one per function input
  unsigned char *const *outputs = nullptr; // one per function output
  unsigned char *arena = nullptr;          // function.arenaSize bytes
};

class Executable {
public:
  virtual ~Executable() = default;
  // Runs the function's commands in order. Safe to call concurrently.
  virtual Status execute(const loom_function_s &function,
                         const CallBuffers &buffers) const = 0;
};

class Device {
public:
  virtual ~Device() = default;
  virtual const char *name() const = 0;
  // Threads that run a dispatch, the calling thread included.
  virtual int threadCount() const = 0;
  // Checks, without loading or running any of its code, that the program
  // suits this device (for the CPU: the target triple, CPU features and the
  // kernel library's ELF headers). loadModule calls it before prepare; the
  // module loader's fuzz target (test/fuzz) stops here.
  virtual Status verify(const Program &program) const {
    (void)program;
    return okStatus();
  }
  // Prepares a verified program to run (loads its kernels). The program (and
  // the module bytes it points into) outlive the executable.
  virtual Status prepare(const Program &program,
                         std::unique_ptr<Executable> *out) = 0;
};

struct DeviceOptions {
  std::string name = "cpu";
  int threadCount = 0; // 0: one per hardware core
};

Status createDevice(const DeviceOptions &options,
                    std::unique_ptr<Device> *out);

} // namespace loom::rt

#endif // LOOM_RUNTIME_SRC_DEVICE_H
