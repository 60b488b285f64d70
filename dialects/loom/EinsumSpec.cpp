//===- EinsumSpec.cpp - parsing loom.contract specs -----------------------===//
#include "loom/dialect/EinsumSpec.h"

#include "llvm/ADT/StringExtras.h"

using namespace loom;

std::optional<EinsumSpec> EinsumSpec::parse(llvm::StringRef text,
                                            std::string &error) {
  std::string compact;
  for (char c : text)
    if (c != ' ')
      compact.push_back(c);
  llvm::StringRef s(compact);
  size_t arrow = s.find("->");
  if (arrow == llvm::StringRef::npos) {
    error = "spec '" + text.str() + "' has no '->' and explicit output";
    return std::nullopt;
  }
  EinsumSpec spec;
  llvm::StringRef lhs = s.substr(0, arrow), rhs = s.substr(arrow + 2);
  if (rhs.contains("->")) {
    error = "spec '" + text.str() + "' has more than one '->'";
    return std::nullopt;
  }
  llvm::SmallVector<llvm::StringRef> terms;
  lhs.split(terms, ',', /*MaxSplit=*/-1, /*KeepEmpty=*/true);
  for (llvm::StringRef term : terms) {
    for (char c : term) {
      if (!llvm::isAlpha(c)) {
        error = "spec '" + text.str() + "' has invalid label '" +
                std::string(1, c) + "' (labels are letters a-z, A-Z)";
        return std::nullopt;
      }
    }
    spec.inputs.push_back(term.str());
  }
  for (char c : rhs) {
    if (!llvm::isAlpha(c)) {
      error = "spec '" + text.str() + "' has invalid output label '" +
              std::string(1, c) + "'";
      return std::nullopt;
    }
    if (llvm::StringRef(spec.output).contains(c)) {
      error = "spec '" + text.str() + "' repeats output label '" +
              std::string(1, c) + "'";
      return std::nullopt;
    }
    spec.output.push_back(c);
  }
  return spec;
}

std::string EinsumSpec::str() const {
  return llvm::join(inputs, ",") + "->" + output;
}
