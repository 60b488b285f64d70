//===- Network.cpp - Tensor-network model ---------------------------------===//
//
// Part of Loom's tensor-network contraction library (LoomContraction).
//
//===----------------------------------------------------------------------===//
#include "loom/contraction/Network.h"

#include <vector>

using namespace loom::contraction;

IndexId Network::addIndex(int64_t size, std::string name) {
  IndexId id = static_cast<IndexId>(sizes.size());
  sizes.push_back(size);
  if (names.size() < sizes.size() - 1)
    names.resize(sizes.size() - 1);
  names.push_back(std::move(name));
  return id;
}

size_t Network::addInput(std::vector<IndexId> indices) {
  inputs.push_back(std::move(indices));
  return inputs.size() - 1;
}

std::string Network::indexName(IndexId i) const {
  if (i < names.size() && !names[i].empty())
    return names[i];
  return "#" + std::to_string(i);
}

std::string Network::validate() const {
  if (inputs.empty())
    return "the network has no input tensors";
  for (size_t i = 0; i < sizes.size(); ++i)
    if (sizes[i] < 1)
      return "index '" + indexName(static_cast<IndexId>(i)) + "' has size " +
             std::to_string(sizes[i]) + " (sizes must be >= 1)";
  std::vector<char> used(sizes.size(), 0);
  for (size_t t = 0; t < inputs.size(); ++t)
    for (IndexId i : inputs[t]) {
      if (i >= sizes.size())
        return "input " + std::to_string(t) + " uses index id " +
               std::to_string(i) + " but the network has only " +
               std::to_string(sizes.size()) + " indices";
      used[i] = 1;
    }
  std::vector<char> inOutput(sizes.size(), 0);
  for (IndexId i : output) {
    if (i >= sizes.size())
      return "the output uses index id " + std::to_string(i) +
             " but the network has only " + std::to_string(sizes.size()) +
             " indices";
    if (inOutput[i])
      return "output index '" + indexName(i) + "' appears more than once";
    inOutput[i] = 1;
    if (!used[i])
      return "output index '" + indexName(i) + "' appears in no input";
  }
  return std::string();
}
