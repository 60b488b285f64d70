//===- Tree.cpp - Binary contraction trees --------------------------------===//
//
// Part of Loom's tensor-network contraction library (LoomContraction).
//
//===----------------------------------------------------------------------===//
#include "loom/contraction/Tree.h"

#include <algorithm>
#include <string>

using namespace loom::contraction;

Result<ContractionTree> ContractionTree::fromSsa(size_t numLeaves,
                                                 std::vector<NodePair> steps) {
  if (numLeaves == 0)
    return Result<ContractionTree>::failure("a tree needs at least one leaf");
  if (steps.size() != numLeaves - 1)
    return Result<ContractionTree>::failure(
        "a tree over " + std::to_string(numLeaves) + " leaves needs " +
        std::to_string(numLeaves - 1) + " steps, got " +
        std::to_string(steps.size()));
  std::vector<char> consumed(2 * numLeaves - 1, 0);
  for (size_t k = 0; k < steps.size(); ++k) {
    int available = static_cast<int>(numLeaves + k);
    for (int node : {steps[k].first, steps[k].second}) {
      if (node < 0 || node >= available)
        return Result<ContractionTree>::failure(
            "step " + std::to_string(k) + " uses node " + std::to_string(node) +
            ", which does not exist yet");
      if (consumed[node])
        return Result<ContractionTree>::failure(
            "step " + std::to_string(k) + " uses node " + std::to_string(node) +
            ", which an earlier step already consumed");
      consumed[node] = 1;
    }
    if (steps[k].first == steps[k].second)
      return Result<ContractionTree>::failure(
          "step " + std::to_string(k) + " contracts node " +
          std::to_string(steps[k].first) + " with itself");
  }
  ContractionTree tree;
  tree.numLeaves_ = numLeaves;
  tree.steps_ = std::move(steps);
  return tree;
}

Result<ContractionTree>
ContractionTree::fromLinearPath(size_t numLeaves,
                                const std::vector<NodePair> &path) {
  if (numLeaves == 0)
    return Result<ContractionTree>::failure("a tree needs at least one leaf");
  if (path.size() != numLeaves - 1)
    return Result<ContractionTree>::failure(
        "a path over " + std::to_string(numLeaves) + " operands needs " +
        std::to_string(numLeaves - 1) + " pairs, got " +
        std::to_string(path.size()));
  std::vector<int> list(numLeaves);
  for (size_t i = 0; i < numLeaves; ++i)
    list[i] = static_cast<int>(i);
  std::vector<NodePair> steps;
  for (size_t k = 0; k < path.size(); ++k) {
    int a = path[k].first, b = path[k].second;
    int n = static_cast<int>(list.size());
    if (a < 0 || b < 0 || a >= n || b >= n || a == b)
      return Result<ContractionTree>::failure(
          "path step " + std::to_string(k) + " (" + std::to_string(a) + ", " +
          std::to_string(b) + ") is invalid for " + std::to_string(n) +
          " operands");
    steps.push_back({list[a], list[b]});
    list.erase(list.begin() + std::max(a, b));
    list.erase(list.begin() + std::min(a, b));
    list.push_back(static_cast<int>(numLeaves + k));
  }
  return fromSsa(numLeaves, std::move(steps));
}

std::vector<NodePair> ContractionTree::toLinearPath() const {
  std::vector<int> list(numLeaves_);
  for (size_t i = 0; i < numLeaves_; ++i)
    list[i] = static_cast<int>(i);
  std::vector<NodePair> path;
  for (size_t k = 0; k < steps_.size(); ++k) {
    auto pa = std::find(list.begin(), list.end(), steps_[k].first);
    auto pb = std::find(list.begin(), list.end(), steps_[k].second);
    int a = static_cast<int>(pa - list.begin());
    int b = static_cast<int>(pb - list.begin());
    if (a > b)
      std::swap(a, b);
    path.push_back({a, b});
    list.erase(list.begin() + b);
    list.erase(list.begin() + a);
    list.push_back(static_cast<int>(numLeaves_ + k));
  }
  return path;
}

std::string ContractionTree::toString() const {
  if (numLeaves_ == 0)
    return "()";
  // Iterative post-order print to stay safe on deep trees.
  std::string out;
  struct Frame {
    int node;
    int state;
  };
  std::vector<Frame> stack{{root(), 0}};
  while (!stack.empty()) {
    Frame &f = stack.back();
    if (isLeaf(f.node)) {
      out += std::to_string(f.node);
      stack.pop_back();
      continue;
    }
    NodePair c = children(f.node);
    if (f.state == 0) {
      out += "(";
      f.state = 1;
      stack.push_back({c.first, 0});
    } else if (f.state == 1) {
      out += ",";
      f.state = 2;
      stack.push_back({c.second, 0});
    } else {
      out += ")";
      stack.pop_back();
    }
  }
  return out;
}
