//===- Parse.cpp - Einsum specs and JSON network files --------------------===//
//
// Part of Loom's tensor-network contraction library (LoomContraction).
//
//===----------------------------------------------------------------------===//
#include "loom/contraction/Parse.h"

#include "Json.h"

#include <algorithm>
#include <cmath>
#include <map>

using namespace loom::contraction;
using namespace loom::contraction::detail;

namespace {

/// Largest accepted index size (2^53: exactly representable as a double).
constexpr int64_t kMaxSize = int64_t(1) << 53;

bool isLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

std::string quoted(const std::string &s) { return "'" + s + "'"; }

/// Builds the network from named terms once names are known to be valid.
/// `implicitOutput` selects numpy's implicit output rule.
Result<Network> buildNetwork(const std::vector<std::vector<std::string>> &terms,
                             const std::vector<std::string> *output,
                             const std::map<std::string, int64_t> &sizes,
                             const char *what) {
  Network net;
  std::map<std::string, IndexId> ids;
  std::map<std::string, int> occurrences;
  for (const auto &term : terms) {
    std::vector<IndexId> tensor;
    for (const std::string &name : term) {
      auto it = ids.find(name);
      if (it == ids.end()) {
        auto size = sizes.find(name);
        if (size == sizes.end())
          return Result<Network>::failure("no size given for index " +
                                          quoted(name));
        it = ids.emplace(name, net.addIndex(size->second, name)).first;
      }
      tensor.push_back(it->second);
      ++occurrences[name];
    }
    net.addInput(std::move(tensor));
  }
  if (output) {
    for (const std::string &name : *output) {
      auto it = ids.find(name);
      if (it == ids.end())
        return Result<Network>::failure("output index " + quoted(name) +
                                        " does not appear in any input");
      if (std::find(net.output.begin(), net.output.end(), it->second) !=
          net.output.end())
        return Result<Network>::failure("output index " + quoted(name) +
                                        " appears more than once");
      net.output.push_back(it->second);
    }
  } else {
    for (const auto &kv : occurrences) // std::map: sorted by name
      if (kv.second == 1)
        net.output.push_back(ids[kv.first]);
  }
  for (const auto &kv : sizes)
    if (!ids.count(kv.first))
      return Result<Network>::failure("size given for index " +
                                      quoted(kv.first) + ", which does not "
                                      "appear in the " + what);
  std::string err = net.validate();
  if (!err.empty())
    return Result<Network>::failure(err);
  return net;
}

/// Parses a positive decimal integer (no sign, no exponent).
bool parsePositive(const std::string &text, int64_t &out) {
  if (text.empty() || text.size() > 17)
    return false;
  int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      return false;
    v = v * 10 + (c - '0');
  }
  if (v < 1 || v > kMaxSize)
    return false;
  out = v;
  return true;
}

} // namespace

Result<SizeList> loom::contraction::parseSizeList(const std::string &text) {
  SizeList out;
  std::string s;
  for (char c : text)
    if (c != ' ')
      s += c;
  if (s.empty())
    return out;
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t comma = s.find(',', pos);
    if (comma == std::string::npos)
      comma = s.size();
    std::string item = s.substr(pos, comma - pos);
    size_t eq = item.find('=');
    if (item.empty() || eq == std::string::npos || eq == 0)
      return Result<SizeList>::failure("invalid size item " + quoted(item) +
                                       " (expected NAME=SIZE)");
    std::string name = item.substr(0, eq), value = item.substr(eq + 1);
    int64_t size;
    if (!parsePositive(value, size))
      return Result<SizeList>::failure(
          "invalid size " + quoted(value) + " for index " + quoted(name) +
          " (expected an integer between 1 and 2^53)");
    for (const auto &kv : out)
      if (kv.first == name)
        return Result<SizeList>::failure("index " + quoted(name) +
                                         " is given a size twice");
    out.push_back({name, size});
    pos = comma + 1;
    if (comma == s.size())
      break;
  }
  return out;
}

Result<Network> loom::contraction::parseEinsum(const std::string &spec,
                                               const SizeList &sizes) {
  std::string s;
  for (char c : spec)
    if (c != ' ')
      s += c;
  if (s.empty())
    return Result<Network>::failure("empty einsum spec");
  if (s.find("...") != std::string::npos || s.find('.') != std::string::npos)
    return Result<Network>::failure(
        "ellipsis ('...') is not supported in einsum specs");
  size_t arrow = s.find("->");
  if (arrow != std::string::npos && s.find("->", arrow + 2) != std::string::npos)
    return Result<Network>::failure("einsum spec has more than one '->'");
  std::string lhs = arrow == std::string::npos ? s : s.substr(0, arrow);
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool arrowChar = arrow != std::string::npos && (i == arrow || i == arrow + 1);
    bool comma = c == ',' && (arrow == std::string::npos || i < arrow);
    if (!isLetter(c) && !arrowChar && !comma)
      return Result<Network>::failure(
          std::string("invalid character '") + c + "' at position " +
          std::to_string(i) + " of einsum spec " + quoted(s) +
          " (indices are letters a-z, A-Z)");
  }
  std::vector<std::vector<std::string>> terms(1);
  for (char c : lhs) {
    if (c == ',')
      terms.emplace_back();
    else
      terms.back().push_back(std::string(1, c));
  }
  std::map<std::string, int64_t> sizeMap(sizes.begin(), sizes.end());
  if (sizeMap.size() != sizes.size())
    return Result<Network>::failure("an index is given a size twice");
  if (arrow == std::string::npos)
    return buildNetwork(terms, nullptr, sizeMap, "einsum spec");
  std::vector<std::string> output;
  for (char c : s.substr(arrow + 2))
    output.push_back(std::string(1, c));
  return buildNetwork(terms, &output, sizeMap, "einsum spec");
}

/// Reads an array of strings at `where` (for messages).
static Result<std::vector<std::string>>
stringList(const JsonValue &v, const std::string &where) {
  using R = Result<std::vector<std::string>>;
  if (v.kind != JsonValue::Kind::Array)
    return R::failure(where + " must be an array of index names, not " +
                      jsonKindName(v.kind));
  std::vector<std::string> out;
  for (size_t i = 0; i < v.items.size(); ++i) {
    const JsonValue &item = v.items[i];
    if (item.kind != JsonValue::Kind::String)
      return R::failure(where + "[" + std::to_string(i) +
                        "] must be a string (an index name), not " +
                        jsonKindName(item.kind));
    out.push_back(item.text);
  }
  return out;
}

Result<Network> loom::contraction::parseNetworkJson(const std::string &text) {
  Result<JsonValue> doc = parseJson(text);
  if (!doc)
    return Result<Network>::failure(doc.error());
  if (doc->kind != JsonValue::Kind::Object)
    return Result<Network>::failure(
        std::string("a network file must hold a JSON object, not ") +
        jsonKindName(doc->kind));
  for (const auto &f : doc->fields)
    if (f.first != "inputs" && f.first != "output" && f.first != "sizes")
      return Result<Network>::failure(
          "unknown key \"" + f.first +
          "\" in network file (expected inputs, output, sizes)");
  const JsonValue *inputs = doc->field("inputs");
  const JsonValue *sizes = doc->field("sizes");
  const JsonValue *output = doc->field("output");
  if (!inputs)
    return Result<Network>::failure("network file has no \"inputs\"");
  if (!sizes)
    return Result<Network>::failure("network file has no \"sizes\"");
  if (inputs->kind != JsonValue::Kind::Array)
    return Result<Network>::failure(
        std::string("\"inputs\" must be an array of arrays, not ") +
        jsonKindName(inputs->kind));
  std::vector<std::vector<std::string>> terms;
  for (size_t t = 0; t < inputs->items.size(); ++t) {
    auto term = stringList(inputs->items[t], "inputs[" + std::to_string(t) + "]");
    if (!term)
      return Result<Network>::failure(term.error());
    terms.push_back(term.take());
  }
  if (sizes->kind != JsonValue::Kind::Object)
    return Result<Network>::failure(
        std::string("\"sizes\" must be an object mapping index names to "
                    "sizes, not ") +
        jsonKindName(sizes->kind));
  std::map<std::string, int64_t> sizeMap;
  for (const auto &f : sizes->fields) {
    const JsonValue &v = f.second;
    int64_t size = 0;
    if (v.kind != JsonValue::Kind::Number || !parsePositive(v.text, size))
      return Result<Network>::failure(
          "size of index \"" + f.first +
          "\" must be an integer between 1 and 2^53");
    sizeMap[f.first] = size;
  }
  if (!output)
    return buildNetwork(terms, nullptr, sizeMap, "inputs");
  auto out = stringList(*output, "\"output\"");
  if (!out)
    return Result<Network>::failure(out.error());
  return buildNetwork(terms, &*out, sizeMap, "inputs");
}

std::string loom::contraction::toEinsumSpec(const Network &network) {
  auto letter = [&](IndexId i) {
    if (i < network.names.size() && network.names[i].size() == 1 &&
        isLetter(network.names[i][0]))
      return network.names[i][0];
    return '?';
  };
  std::string s;
  for (size_t t = 0; t < network.inputs.size(); ++t) {
    if (t)
      s += ',';
    for (IndexId i : network.inputs[t])
      s += letter(i);
  }
  s += "->";
  for (IndexId i : network.output)
    s += letter(i);
  return s;
}
