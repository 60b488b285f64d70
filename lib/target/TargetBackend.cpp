//===- TargetBackend.cpp - the registry of target backends ----------------===//
#include "loom/target/TargetBackend.h"

#include "llvm/ADT/STLExtras.h"

#include <mutex>
#include <utility>

namespace loom {

TargetBackend::~TargetBackend() = default;

llvm::StringRef emissionName(Emission emit) {
  switch (emit) {
  case Emission::Module: return "module";
  case Emission::MLIR: return "mlir";
  case Emission::LLVMIR: return "llvm-ir";
  case Emission::Object: return "obj";
  case Emission::SPIRV: return "spirv";
  case Emission::PTX: return "ptx";
  case Emission::Cubin: return "cubin";
  }
  return "?";
}

namespace {

struct Registry {
  std::mutex mutex;
  std::vector<std::pair<std::string, TargetBackendFactory>> backends;
};

Registry &registry() {
  static Registry instance;
  return instance;
}

} // namespace

void registerTargetBackend(llvm::StringRef name, TargetBackendFactory factory) {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  if (llvm::any_of(r.backends, [&](const auto &b) { return b.first == name; }))
    return;
  r.backends.emplace_back(name.str(), std::move(factory));
}

std::unique_ptr<TargetBackend> createTargetBackend(llvm::StringRef name) {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  for (auto &[backendName, factory] : r.backends)
    if (backendName == name)
      return factory();
  return nullptr;
}

std::vector<std::string> targetBackendNames() {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  std::vector<std::string> names;
  for (auto &backend : r.backends)
    names.push_back(backend.first);
  return names;
}

std::string targetBackendList() {
  std::vector<std::string> names = targetBackendNames();
  std::string list;
  for (size_t i = 0; i < names.size(); ++i)
    list += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
  return list;
}

} // namespace loom
