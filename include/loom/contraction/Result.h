//===- Result.h - Value-or-error return type --------------------*- C++ -*-===//
//
// Part of Loom's tensor-network contraction library (LoomContraction).
//
// No function of this library throws: every fallible call returns either a
// value or a human-readable error message. `Result<T>` is that carrier; it is
// deliberately tiny (no dependency on LLVM's Expected) so that the library
// builds without LLVM.
//
//===----------------------------------------------------------------------===//
#ifndef LOOM_CONTRACTION_RESULT_H
#define LOOM_CONTRACTION_RESULT_H

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace loom {
namespace contraction {

/// Either a value of type T or an error message (never both).
template <typename T> class Result {
public:
  /// Success.
  Result(T value) : value_(std::move(value)) {}

  /// Failure with a message that names the problem.
  static Result failure(std::string message) {
    Result r;
    r.error_ = std::move(message);
    if (r.error_.empty())
      r.error_ = "unknown error";
    return r;
  }

  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }

  /// The error message; empty on success.
  const std::string &error() const { return error_; }

  T &value() {
    assert(ok() && "Result::value() on a failure");
    return *value_;
  }
  const T &value() const {
    assert(ok() && "Result::value() on a failure");
    return *value_;
  }
  T *operator->() { return &value(); }
  const T *operator->() const { return &value(); }
  T &operator*() { return value(); }
  const T &operator*() const { return value(); }

  /// Moves the value out (only on success).
  T take() { return std::move(value()); }

private:
  Result() = default;
  std::optional<T> value_;
  std::string error_;
};

} // namespace contraction
} // namespace loom

#endif // LOOM_CONTRACTION_RESULT_H
