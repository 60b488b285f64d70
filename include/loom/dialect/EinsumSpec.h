//===- EinsumSpec.h - parsed loom.contract specs ----------------*- C++ -*-===//
#ifndef LOOM_DIALECT_EINSUMSPEC_H
#define LOOM_DIALECT_EINSUMSPEC_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace loom {

/// An explicit einsum spec such as "ab,bcd,de->ace": one term of labels per
/// operand and the output term. Labels are ASCII letters.
struct EinsumSpec {
  llvm::SmallVector<std::string> inputs;
  std::string output;

  /// Parses `text`; on failure returns std::nullopt and sets `error`.
  static std::optional<EinsumSpec> parse(llvm::StringRef text,
                                         std::string &error);
  /// The canonical text form.
  std::string str() const;
};

} // namespace loom

#endif // LOOM_DIALECT_EINSUMSPEC_H
