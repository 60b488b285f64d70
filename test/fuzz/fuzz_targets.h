// The runtime's fuzz targets, as plain functions: the libFuzzer binaries
// (module_loader_fuzzer, npy_reader_fuzzer) call them from
// LLVMFuzzerTestOneInput, and LoomFuzzReplayTests runs them on the seed
// corpora and on every checked-in regression input with any compiler.
//
// Each returns the status code the runtime gave the input (LOOM_STATUS_OK if
// it was accepted) and aborts on anything the runtime must never do with
// bad bytes: an INTERNAL status, an error without a message, an accepted
// input whose result is inconsistent. Crashes, leaks and undefined behaviour
// are left to the sanitizers.
#ifndef LOOM_TEST_FUZZ_FUZZ_TARGETS_H
#define LOOM_TEST_FUZZ_FUZZ_TARGETS_H

#include "loom/runtime.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace loom::fuzz {

// bytes -> verify (format, program, target, memory cap, the CPU device's
// checks of the kernel library) -> load -> inspect -> call -> unload.
//
// A module's CPU kernel library is a shared object the runtime dlopen()s;
// mutated machine code must never reach dlopen, so the full load (and the
// dlopen) happens only when the library is byte for byte one registered with
// trustKernelLibrariesOf. Modules without kernels load always. Functions
// without dispatches are called on zero inputs (their copies and fills touch
// only verified byte ranges); kernels are never run on fuzzed schedules.
loom_status_code_t fuzzModuleLoader(const uint8_t *data, size_t size);

// Registers the kernel library of a valid module (a seed) as safe to load.
// Returns false if the bytes are not a valid module with one library.
bool trustKernelLibrariesOf(const uint8_t *data, size_t size);

// Registers the libraries of every valid module among `paths` (files or
// directories, separated by ':'); returns how many were registered.
size_t trustKernelLibrariesIn(const std::string &paths);

// bytes -> .npy reader -> tensor; an accepted tensor is written back with the
// writer and read again, and must come back identical.
loom_status_code_t fuzzNpyReader(const uint8_t *data, size_t size);

} // namespace loom::fuzz

#endif // LOOM_TEST_FUZZ_FUZZ_TARGETS_H
