// Fuzz target: the runtime's module loader (bytes -> verify -> load).
// See fuzz_targets.h for what it checks and why kernels are never dlopen'ed
// from fuzzed bytes. Built as a libFuzzer binary with LOOM_LIBFUZZER defined
// (test/fuzz/CMakeLists.txt) and into LoomFuzzReplayTests without it.
#include "fuzz_targets.h"

#include "fuzz_checks.h"

#include "aligned_memory.h"
#include "module.h"
#include "program.h"
#include "size_expr.h"
#include "tensor.h"
#include "tensor_type.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fstream>
#include <iterator>
#include <mutex>
#include <new>
#include <sstream>
#include <sys/stat.h>
#include <variant>
#include <vector>

namespace loom::fuzz {
namespace {

// Large enough for every real test module, small enough that a fuzzed
// signature cannot make one call allocate gigabytes.
constexpr uint64_t kMaxCallMemory = 64ull << 20;
constexpr uint64_t kMaxCallInputs = 16ull << 20;

loom_runtime_t *fuzzRuntime() {
  static loom_runtime_t *runtime = [] {
    loom_runtime_options_t options;
    loom_runtime_options_init(&options);
    options.thread_count = 1;
    options.max_call_memory_bytes = kMaxCallMemory;
    loom_runtime_t *rt = nullptr;
    if (loom_status_t s = loom_runtime_create(&options, &rt)) {
      std::fprintf(stderr, "cannot create the runtime: %s\n",
                   loom_status_message(s));
      std::abort();
    }
    return rt;
  }();
  return runtime;
}

std::mutex trustedMutex;
std::vector<std::string> &trustedLibraries() {
  static std::vector<std::string> libraries;
  return libraries;
}

bool isTrusted(const rt::KernelLibraryView &library) {
  std::lock_guard<std::mutex> lock(trustedMutex);
  for (const std::string &trusted : trustedLibraries())
    if (trusted.size() == library.size &&
        (library.size == 0 ||
         std::memcmp(trusted.data(), library.data, library.size) == 0))
      return true;
  return false;
}

// The runtime's verification, short of loading code. `bytes` must be 64-byte
// aligned (constants are used in place).
rt::Status verify(const unsigned char *bytes, size_t size,
                  rt::Program *program) {
  try {
    return rt::verifyModule(*fuzzRuntime(), bytes, size, program);
  } catch (const std::bad_alloc &) {
    return rt::Status(LOOM_STATUS_RESOURCE_EXHAUSTED, "out of memory");
  } catch (const std::exception &e) {
    violated(std::string("verifyModule threw: ") + e.what());
  }
}

rt::AlignedPtr alignedCopy(const uint8_t *data, size_t size) {
  rt::AlignedPtr copy(
      static_cast<unsigned char *>(rt::alignedAlloc(size ? size : 1)));
  if (!copy)
    violated("out of memory copying the input");
  if (size)
    std::memcpy(copy.get(), data, size);
  return copy;
}

bool hasDispatch(const loom_function_t &fn) {
  for (const rt::Command &command : fn.commands)
    if (std::holds_alternative<rt::DispatchCommand>(command))
      return true;
  if (fn.dynamic)
    for (const rt::DynamicCommand &command : fn.dynamic->commands)
      if (std::holds_alternative<rt::DynamicDispatch>(command))
        return true;
  return false;
}

// The shape of input `i` of a dynamic function with every symbol 2 (false
// when an expression cannot be evaluated there: the call would refuse it).
bool dynamicInputShape(const loom_function_t &fn, size_t i,
                       std::vector<int64_t> *shape) {
  const rt::DynamicFunction &dyn = *fn.dynamic;
  const rt::TensorSignature &sig = fn.inputs[i];
  *shape = sig.shape;
  std::vector<int64_t> symbols(dyn.symbols.size(), 2);
  for (size_t d = 0; d < sig.dimExprs.size(); ++d)
    if (sig.dimExprs[d] != -1 &&
        (!rt::evaluateSizeExpr(dyn.exprs[sig.dimExprs[d]], symbols,
                               &(*shape)[d])
              .ok() ||
         (*shape)[d] > (1 << 20)))
      return false;
  return true;
}

// Calls a function without dispatches on zero-filled inputs and checks the
// results against its signature; also a call with the wrong input count.
// A dynamic function is called with every symbol 2.
void callWithoutKernels(const loom_function_t *fn) {
  size_t inputCount = loom_function_input_count(fn);
  size_t outputCount = loom_function_output_count(fn);
  uint64_t inputBytes = 0;
  std::vector<std::vector<int64_t>> shapes(inputCount);
  for (size_t i = 0; i < inputCount; ++i) {
    const rt::TensorSignature &sig = fn->inputs[i];
    shapes[i] = sig.shape;
    if (fn->dynamic && !dynamicInputShape(*fn, i, &shapes[i]))
      return;
    size_t bytes = 0;
    if (!rt::checkTensorType(sig.dtype, shapes[i].data(), shapes[i].size(),
                             "input", nullptr, &bytes)
             .ok())
      return;
    inputBytes += bytes;
  }
  if (inputBytes > kMaxCallInputs)
    return;
  std::vector<loom_tensor_t *> inputs(inputCount, nullptr);
  for (size_t i = 0; i < inputCount; ++i) {
    loom_tensor_type_t type;
    if (consume("loom_function_input_type",
                loom_function_input_type(fn, i, &type)) != LOOM_STATUS_OK)
      violated("loom_function_input_type failed for a valid index");
    if (consume("loom_tensor_allocate",
                loom_tensor_allocate(type.dtype, type.rank, shapes[i].data(),
                                     &inputs[i])) != LOOM_STATUS_OK)
      violated("cannot allocate an input of a verified signature");
  }
  std::vector<loom_tensor_t *> outputs(outputCount + 1, nullptr);
  loom_status_code_t code =
      consume("loom_function_call",
              loom_function_call(fn, inputs.data(), inputCount,
                                 outputs.data(), outputCount));
  if (code == LOOM_STATUS_OK) {
    for (size_t i = 0; i < outputCount; ++i) {
      const rt::TensorSignature &expected = fn->outputs[i];
      bool fits = outputs[i] && outputs[i]->dtype == expected.dtype &&
                  outputs[i]->shape.size() == expected.shape.size();
      for (size_t d = 0; fits && d < expected.shape.size(); ++d)
        fits = expected.shape[d] < 0 ||
               expected.shape[d] == outputs[i]->shape[d];
      if (!fits || (!fn->dynamic && outputs[i]->byteSize != expected.byteSize))
        violated(std::string("result ") + std::to_string(i) + " of '" +
                 loom_function_name(fn) + "' does not match its signature");
      loom_tensor_release(outputs[i]);
    }
  } else if (fn->dynamic && (code == LOOM_STATUS_INVALID_ARGUMENT ||
                             code == LOOM_STATUS_DATA_LOSS)) {
    // Sizes the module's expressions refuse at these symbol values (an
    // overflow, a negative size, a slice past its storage): errors of the
    // call, by design.
  } else if (code != LOOM_STATUS_RESOURCE_EXHAUSTED) {
    violated(std::string("a call on inputs of the right types failed with "
                         "code ") +
             loom_status_code_name(code));
  }
  // One input too many: refused, nothing allocated.
  inputs.push_back(nullptr);
  if (consume("loom_function_call (extra input)",
              loom_function_call(fn, inputs.data(), inputCount + 1,
                                 outputs.data(), outputCount)) !=
      LOOM_STATUS_INVALID_ARGUMENT)
    violated("a call with too many inputs was not INVALID_ARGUMENT");
  for (loom_tensor_t *t : inputs)
    loom_tensor_release(t);
}

// Everything the C API offers on a loaded module.
void exercise(const loom_module_t *module, bool callable) {
  (void)loom_module_target(module);
  (void)loom_module_producer(module);
  size_t count = loom_module_function_count(module);
  for (size_t i = 0; i < count; ++i) {
    loom_function_t *fn = nullptr;
    if (consume("loom_module_function_at",
                loom_module_function_at(module, i, &fn)) != LOOM_STATUS_OK)
      violated("loom_module_function_at failed for a valid index");
    loom_function_t *found = nullptr;
    if (consume("loom_module_lookup_function",
                loom_module_lookup_function(module, loom_function_name(fn),
                                            &found)) != LOOM_STATUS_OK ||
        found != fn)
      violated("a function is not found by its own name");
    (void)loom_function_signature(fn);
    loom_tensor_type_t type;
    for (size_t k = 0; k < loom_function_input_count(fn); ++k) {
      consume("input type", loom_function_input_type(fn, k, &type));
      for (size_t d = 0; d <= type.rank; ++d)
        (void)loom_function_input_dim_name(fn, k, d);
    }
    for (size_t k = 0; k < loom_function_output_count(fn); ++k) {
      consume("output type", loom_function_output_type(fn, k, &type));
      for (size_t d = 0; d <= type.rank; ++d)
        (void)loom_function_output_dim_name(fn, k, d);
    }
    (void)loom_function_is_dynamic(fn);
    if (callable && !hasDispatch(*fn))
      callWithoutKernels(fn);
  }
  loom_function_t *none = nullptr;
  if (consume("loom_module_lookup_function",
              loom_module_lookup_function(module, "\x01no such function",
                                          &none)) != LOOM_STATUS_NOT_FOUND)
    violated("an unknown function name was not NOT_FOUND");
  loom_function_t *out = nullptr;
  if (consume("loom_module_function_at",
              loom_module_function_at(module, count, &out)) !=
      LOOM_STATUS_INVALID_ARGUMENT)
    violated("an index past the last function was not INVALID_ARGUMENT");
}

std::string readWholeFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

} // namespace

loom_status_code_t fuzzModuleLoader(const uint8_t *data, size_t size) {
  rt::AlignedPtr bytes = alignedCopy(data, size);
  rt::Program program;
  rt::Status verified = verify(bytes.get(), size, &program);
  if (!verified.ok() && verified.message().empty())
    violated("verification failed without a message");
  if (verified.code() == LOOM_STATUS_INTERNAL)
    violated("verification: INTERNAL: " + verified.message());

  bool safeToLoad = program.libraries.empty() && program.kernels.empty();
  if (program.libraries.size() == 1)
    safeToLoad = isTrusted(program.libraries[0]);
  if (!verified.ok() || safeToLoad) {
    // The real loader: for a rejected module it stops at the same check with
    // the same status (and never reaches the kernel library's dlopen).
    loom_module_t *module = nullptr;
    loom_status_t status = loom_module_load_memory(
        fuzzRuntime(), bytes.get(), size, LOOM_MEMORY_BORROW, &module);
    if (!verified.ok()) {
      if (!status || loom_status_code(status) != verified.code() ||
          verified.message() != loom_status_message(status))
        violated("the loader and verifyModule disagree on a bad module: '" +
                 verified.message() + "' vs '" +
                 (status ? loom_status_message(status) : "OK") + "'");
      if (module)
        violated("a failed load returned a module");
    } else {
      loom_status_code_t code = consume("loom_module_load_memory", status);
      if (code != LOOM_STATUS_OK && program.libraries.empty())
        violated("a verified module without kernels failed to load");
      if (code == LOOM_STATUS_OK) {
        exercise(module, /*callable=*/true);
        loom_module_release(module);
        return LOOM_STATUS_OK;
      }
      return code;
    }
    consume("loom_module_load_memory", status);
  }
  return verified.code();
}

bool trustKernelLibrariesOf(const uint8_t *data, size_t size) {
  rt::AlignedPtr bytes = alignedCopy(data, size);
  rt::Program program;
  if (!verify(bytes.get(), size, &program).ok() ||
      program.libraries.size() != 1)
    return false;
  const rt::KernelLibraryView &library = program.libraries[0];
  std::string copy(reinterpret_cast<const char *>(library.data), library.size);
  std::lock_guard<std::mutex> lock(trustedMutex);
  for (const std::string &trusted : trustedLibraries())
    if (trusted == copy)
      return true;
  trustedLibraries().push_back(std::move(copy));
  return true;
}

size_t trustKernelLibrariesIn(const std::string &paths) {
  size_t count = 0;
  std::stringstream list(paths);
  std::string path;
  while (std::getline(list, path, ':')) {
    if (path.empty())
      continue;
    std::vector<std::string> files;
    struct stat st;
    if (::stat(path.c_str(), &st) != 0)
      continue;
    if (S_ISDIR(st.st_mode)) {
      if (DIR *dir = ::opendir(path.c_str())) {
        while (const struct dirent *entry = ::readdir(dir))
          if (entry->d_name[0] != '.')
            files.push_back(path + "/" + entry->d_name);
        ::closedir(dir);
      }
    } else {
      files.push_back(path);
    }
    for (const std::string &file : files) {
      std::string bytes = readWholeFile(file);
      if (trustKernelLibrariesOf(
              reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size()))
        ++count;
    }
  }
  return count;
}

} // namespace loom::fuzz

#ifdef LOOM_LIBFUZZER
// LOOM_FUZZ_TRUSTED_MODULES: files or directories (':'-separated) of valid
// modules whose kernel libraries the target may load (scripts/hardening.sh
// passes the seed corpus).
extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  if (const char *paths = std::getenv("LOOM_FUZZ_TRUSTED_MODULES")) {
    size_t n = loom::fuzz::trustKernelLibrariesIn(paths);
    std::fprintf(stderr, "module_loader_fuzzer: %zu trusted kernel "
                         "libraries from %s\n", n, paths);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  loom::fuzz::fuzzModuleLoader(data, size);
  return 0;
}
#endif
