//===- EinsumSpec.cpp - parsing loom.contract specs -----------------------===//
#include "loom/dialect/EinsumSpec.h"

#include "llvm/ADT/StringExtras.h"

using namespace loom;

namespace {

/// Parses the labels of one term; returns false and sets `error` on failure.
bool parseTerm(llvm::StringRef term, llvm::StringRef spec,
               EinsumSpec::Term &labels, std::string &error) {
  while (!term.empty()) {
    char c = term.front();
    if (llvm::isAlpha(c)) {
      labels.push_back(std::string(1, c));
      term = term.drop_front();
      continue;
    }
    if (c == '{') {
      size_t close = term.find('}');
      llvm::StringRef name = term.slice(1, close);
      bool valid = close != llvm::StringRef::npos && !name.empty() &&
                   llvm::all_of(name, [](char ch) {
                     return llvm::isAlnum(ch) || ch == '_';
                   });
      if (!valid) {
        error = "spec '" + spec.str() + "' has an invalid label '" +
                term.take_front(close == llvm::StringRef::npos ? term.size()
                                                                : close + 1)
                    .str() +
                "' (a label in braces is letters, digits or '_')";
        return false;
      }
      labels.push_back(name.str());
      term = term.drop_front(close + 1);
      continue;
    }
    error = "spec '" + spec.str() + "' has invalid label '" +
            std::string(1, c) +
            "' (labels are letters a-z, A-Z, or names in braces)";
    return false;
  }
  return true;
}

} // namespace

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
    Term labels;
    if (!parseTerm(term, text, labels, error))
      return std::nullopt;
    spec.inputs.push_back(std::move(labels));
  }
  Term output;
  if (!parseTerm(rhs, text, output, error))
    return std::nullopt;
  for (size_t i = 0; i < output.size(); ++i) {
    if (llvm::is_contained(llvm::ArrayRef(output).take_front(i), output[i])) {
      error = "spec '" + text.str() + "' repeats output label '" + output[i] +
              "'";
      return std::nullopt;
    }
  }
  spec.output = std::move(output);
  return spec;
}

std::string EinsumSpec::labelString(llvm::StringRef label) {
  if (label.size() == 1 && llvm::isAlpha(label[0]))
    return label.str();
  return "{" + label.str() + "}";
}

std::string EinsumSpec::termString(const Term &term) {
  std::string s;
  for (const std::string &label : term)
    s += labelString(label);
  return s;
}

std::string EinsumSpec::str() const {
  llvm::SmallVector<std::string> terms;
  for (const Term &t : inputs)
    terms.push_back(termString(t));
  return llvm::join(terms, ",") + "->" + termString(output);
}
