// Where loom-run's module comes from: a .loom file loaded by the runtime, or
// a model file (.mlir, .onnx) compiled in memory when the build has the
// compiler (the caller passes the compile hook; null without one).
#ifndef LOOM_TOOLS_LOOM_RUN_MODULE_SOURCE_H
#define LOOM_TOOLS_LOOM_RUN_MODULE_SOURCE_H

#include "loom/runtime.hpp"

#include <string>

namespace loom::run {

// Compiles the model at `path` for `target` into module bytes; false with a
// message on failure.
using CompileModelFn = bool (*)(const std::string &path,
                                const std::string &target,
                                std::string *moduleBytes, std::string *error);

enum class SourceKind { Module, Model };

// A module file starts with the "LOOM" identifier; otherwise the extension
// decides (.mlir and .onnx are models); anything else is treated as a module
// so the runtime reports what is wrong with it.
SourceKind classifySource(const std::string &path);

bool loadModuleOrModel(const Runtime &runtime, const std::string &path,
                       CompileModelFn compile, Module *module,
                       std::string *error);

} // namespace loom::run

#endif // LOOM_TOOLS_LOOM_RUN_MODULE_SOURCE_H
