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
/// operand and the output term. A label is one ASCII letter, or any name of
/// letters, digits and '_' in braces ("{site12}{bond3},{bond3}c->c") for
/// networks with more indices than letters.
struct EinsumSpec {
  using Term = llvm::SmallVector<std::string, 4>;
  llvm::SmallVector<Term> inputs;
  Term output;

  /// Parses `text`; on failure returns std::nullopt and sets `error`.
  static std::optional<EinsumSpec> parse(llvm::StringRef text,
                                         std::string &error);
  /// The canonical text form.
  std::string str() const;
  /// One term in text form ("ab{i7}").
  static std::string termString(const Term &term);
  /// A label in text form: itself if one letter, else "{label}".
  static std::string labelString(llvm::StringRef label);
};

} // namespace loom

#endif // LOOM_DIALECT_EINSUMSPEC_H
