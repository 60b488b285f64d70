// Thin, header-only C++17 wrapper over the Loom runtime C API
// (<loom/runtime.h>): RAII ownership of statuses and objects. No exceptions;
// every fallible call returns a loom::Status.
//
//   loom::Runtime rt;
//   loom::Status s = loom::Runtime::create(nullptr, &rt);
//   loom::Module m;
//   if (s.ok()) s = loom::Module::loadFile(rt, "model.loom", &m);
//   if (!s.ok()) fprintf(stderr, "%s\n", s.message());
#ifndef LOOM_RUNTIME_HPP
#define LOOM_RUNTIME_HPP

#include "loom/runtime.h"

#include <utility>
#include <vector>

namespace loom {

// Owns a loom_status_t; ok() when it holds none.
class Status {
public:
  Status() = default;
  explicit Status(loom_status_t status) : status_(status) {}
  Status(Status &&other) noexcept : status_(other.status_) {
    other.status_ = nullptr;
  }
  Status &operator=(Status &&other) noexcept {
    std::swap(status_, other.status_);
    return *this;
  }
  Status(const Status &) = delete;
  Status &operator=(const Status &) = delete;
  ~Status() { loom_status_free(status_); }

  bool ok() const { return status_ == nullptr; }
  explicit operator bool() const { return ok(); }
  loom_status_code_t code() const { return loom_status_code(status_); }
  const char *message() const { return loom_status_message(status_); }

private:
  loom_status_t status_ = nullptr;
};

// A counted reference to a runtime object.
template <typename T, void (*Retain)(T *), void (*Release)(T *)> class Ref {
public:
  Ref() = default;
  // Takes over one reference.
  static Ref adopt(T *ptr) {
    Ref ref;
    ref.ptr_ = ptr;
    return ref;
  }
  Ref(const Ref &other) : ptr_(other.ptr_) {
    if (ptr_)
      Retain(ptr_);
  }
  Ref(Ref &&other) noexcept : ptr_(other.ptr_) { other.ptr_ = nullptr; }
  Ref &operator=(Ref other) noexcept {
    std::swap(ptr_, other.ptr_);
    return *this;
  }
  ~Ref() {
    if (ptr_)
      Release(ptr_);
  }
  T *get() const { return ptr_; }
  explicit operator bool() const { return ptr_ != nullptr; }

private:
  T *ptr_ = nullptr;
};

class Tensor
    : public Ref<loom_tensor_t, loom_tensor_retain, loom_tensor_release> {
public:
  Tensor() = default;
  Tensor(Ref ref) : Ref(std::move(ref)) {}

  static Status copy(loom_dtype_t dtype, const std::vector<int64_t> &shape,
                     const void *data, size_t size, Tensor *out) {
    loom_tensor_t *t = nullptr;
    Status s(loom_tensor_create_copy(dtype, shape.size(), shape.data(), data,
                                     size, &t));
    if (s.ok())
      *out = Tensor(adopt(t));
    return s;
  }
  static Status readNpy(const char *path, Tensor *out) {
    loom_tensor_t *t = nullptr;
    Status s(loom_npy_read_file(path, &t));
    if (s.ok())
      *out = Tensor(adopt(t));
    return s;
  }
  Status writeNpy(const char *path) const {
    return Status(loom_npy_write_file(path, get()));
  }

  loom_dtype_t dtype() const { return loom_tensor_dtype(get()); }
  std::vector<int64_t> shape() const {
    const int64_t *s = loom_tensor_shape(get());
    return std::vector<int64_t>(s, s + loom_tensor_rank(get()));
  }
  size_t elementCount() const { return loom_tensor_element_count(get()); }
  size_t byteSize() const { return loom_tensor_byte_size(get()); }
  template <typename E = void> E *data() const {
    return static_cast<E *>(loom_tensor_data(get()));
  }
};

class Runtime
    : public Ref<loom_runtime_t, loom_runtime_retain, loom_runtime_release> {
public:
  Runtime() = default;
  Runtime(Ref ref) : Ref(std::move(ref)) {}

  // `options` may be null for the defaults.
  static Status create(const loom_runtime_options_t *options, Runtime *out) {
    loom_runtime_t *rt = nullptr;
    Status s(loom_runtime_create(options, &rt));
    if (s.ok())
      *out = Runtime(adopt(rt));
    return s;
  }
};

// A function handle; valid while its Module is alive.
class Function {
public:
  Function() = default;
  explicit Function(loom_function_t *fn) : fn_(fn) {}
  loom_function_t *get() const { return fn_; }
  const char *name() const { return loom_function_name(fn_); }
  const char *signature() const { return loom_function_signature(fn_); }
  size_t inputCount() const { return loom_function_input_count(fn_); }
  size_t outputCount() const { return loom_function_output_count(fn_); }
  /// "" when the module records no name (see loom_function_input_name).
  const char *inputName(size_t i) const {
    const char *n = loom_function_input_name(fn_, i);
    return n ? n : "";
  }
  const char *outputName(size_t i) const {
    const char *n = loom_function_output_name(fn_, i);
    return n ? n : "";
  }
  /// Dynamic shapes: whether the function has any, and the symbol (or
  /// expression) of a dynamic dimension, "" for a static one or out of range
  /// (see loom_function_input_dim_name).
  bool isDynamic() const { return loom_function_is_dynamic(fn_) != 0; }
  const char *inputDimName(size_t i, size_t dim) const {
    const char *n = loom_function_input_dim_name(fn_, i, dim);
    return n ? n : "";
  }
  const char *outputDimName(size_t i, size_t dim) const {
    const char *n = loom_function_output_dim_name(fn_, i, dim);
    return n ? n : "";
  }

  Status call(const std::vector<Tensor> &inputs,
              std::vector<Tensor> *outputs) const {
    std::vector<loom_tensor_t *> in, out(outputCount(), nullptr);
    for (const Tensor &t : inputs)
      in.push_back(t.get());
    Status s(loom_function_call(fn_, in.data(), in.size(), out.data(),
                                out.size()));
    if (s.ok()) {
      outputs->clear();
      for (loom_tensor_t *t : out)
        outputs->push_back(Tensor(Tensor::adopt(t)));
    }
    return s;
  }

private:
  loom_function_t *fn_ = nullptr;
};

class Module
    : public Ref<loom_module_t, loom_module_retain, loom_module_release> {
public:
  Module() = default;
  Module(Ref ref) : Ref(std::move(ref)) {}

  static Status loadFile(const Runtime &runtime, const char *path,
                         Module *out) {
    loom_module_t *m = nullptr;
    Status s(loom_module_load_file(runtime.get(), path, &m));
    if (s.ok())
      *out = Module(adopt(m));
    return s;
  }
  static Status loadMemory(const Runtime &runtime, const void *data,
                           size_t size, loom_memory_mode_t mode, Module *out) {
    loom_module_t *m = nullptr;
    Status s(loom_module_load_memory(runtime.get(), data, size, mode, &m));
    if (s.ok())
      *out = Module(adopt(m));
    return s;
  }

  size_t functionCount() const { return loom_module_function_count(get()); }
  Status function(size_t index, Function *out) const {
    loom_function_t *fn = nullptr;
    Status s(loom_module_function_at(get(), index, &fn));
    if (s.ok())
      *out = Function(fn);
    return s;
  }
  Status lookup(const char *name, Function *out) const {
    loom_function_t *fn = nullptr;
    Status s(loom_module_lookup_function(get(), name, &fn));
    if (s.ok())
      *out = Function(fn);
    return s;
  }
};

} // namespace loom

#endif // LOOM_RUNTIME_HPP
