#include "module_source.h"

#include "loom/module_format.h"

#include <cstdio>
#include <cstring>

namespace loom::run {
namespace {

bool endsWith(const std::string &s, const char *suffix) {
  size_t n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

} // namespace

SourceKind classifySource(const std::string &path) {
  unsigned char head[8] = {};
  if (FILE *f = std::fopen(path.c_str(), "rb")) {
    size_t n = std::fread(head, 1, sizeof(head), f);
    std::fclose(f);
    if (n == sizeof(head) &&
        std::memcmp(head + 4, LOOM_MODULE_FILE_IDENTIFIER, 4) == 0)
      return SourceKind::Module;
  }
  if (endsWith(path, ".mlir") || endsWith(path, ".onnx"))
    return SourceKind::Model;
  return SourceKind::Module;
}

bool loadModuleOrModel(const Runtime &runtime, const std::string &path,
                       CompileModelFn compile, Module *module,
                       std::string *error) {
  if (classifySource(path) == SourceKind::Module) {
    Status s = Module::loadFile(runtime, path.c_str(), module);
    if (!s.ok())
      *error = s.message();
    return s.ok();
  }
  if (!compile) {
    *error = "'" + path + "' is a model file, and this build of loom-run "
             "cannot compile models (it was built with "
             "LOOM_BUILD_COMPILER=OFF); compile it first: loom-compile " +
             path + " -o model.loom";
    return false;
  }
  std::string bytes;
  std::string target = loom_runtime_device_name(runtime.get());
  if (!compile(path, target, &bytes, error))
    return false;
  Status s = Module::loadMemory(runtime, bytes.data(), bytes.size(),
                                LOOM_MEMORY_COPY, module);
  if (!s.ok())
    *error = path + " (compiled in memory): " + s.message();
  return s.ok();
}

} // namespace loom::run
