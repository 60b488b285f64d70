//===- Cost.cpp - The cost model of contraction trees ---------------------===//
//
// Part of Loom's tensor-network contraction library (LoomContraction).
//
//===----------------------------------------------------------------------===//
#include "loom/contraction/Cost.h"

#include "Problem.h"

#include <algorithm>

using namespace loom::contraction;
using namespace loom::contraction::detail;

Result<Objective> loom::contraction::parseObjective(const std::string &text) {
  if (text == "flops")
    return Objective::Flops;
  if (text == "size")
    return Objective::Size;
  if (text == "write")
    return Objective::Write;
  if (text == "combo")
    return Objective::Combo;
  return Result<Objective>::failure("unknown objective '" + text +
                                    "' (expected flops, size, write or combo)");
}

const char *loom::contraction::objectiveName(Objective objective) {
  switch (objective) {
  case Objective::Flops:
    return "flops";
  case Objective::Size:
    return "size";
  case Objective::Write:
    return "write";
  case Objective::Combo:
    return "combo";
  }
  return "flops";
}

std::vector<IndexId> loom::contraction::effectiveIndices(const Network &network,
                                                        size_t tensor) {
  Problem p = buildNetworkProblem(network);
  std::vector<IndexId> out;
  for (const Leg &l : p.pieces[tensor])
    out.push_back(l.idx);
  return out;
}

/// Shared checks of the entry points taking a network and a tree.
static std::string checkInputs(const Network &network,
                               const ContractionTree &tree) {
  std::string err = network.validate();
  if (!err.empty())
    return err;
  if (tree.numLeaves() != network.numTensors())
    return "the tree has " + std::to_string(tree.numLeaves()) +
           " leaves but the network has " +
           std::to_string(network.numTensors()) + " tensors";
  return std::string();
}

Result<Cost> loom::contraction::computeCost(const Network &network,
                                            const ContractionTree &tree) {
  std::string err = checkInputs(network, tree);
  if (!err.empty())
    return Result<Cost>::failure(err);
  return evaluateSteps(buildNetworkProblem(network), tree.steps());
}

Result<Cost>
loom::contraction::computeSlicedCost(const Network &network,
                                     const ContractionTree &tree,
                                     const std::vector<IndexId> &sliced) {
  std::string err = checkInputs(network, tree);
  if (!err.empty())
    return Result<Cost>::failure(err);
  Network body = network;
  double slices = 1;
  std::vector<char> seen(network.numIndices(), 0);
  for (IndexId i : sliced) {
    if (i >= network.numIndices())
      return Result<Cost>::failure("sliced index id " + std::to_string(i) +
                                   " is out of range");
    if (seen[i])
      return Result<Cost>::failure("index '" + network.indexName(i) +
                                   "' is sliced twice");
    seen[i] = 1;
    slices *= static_cast<double>(network.sizes[i]);
    body.sizes[i] = 1;
  }
  Cost per = evaluateSteps(buildNetworkProblem(body), tree.steps());
  Cost total;
  total.flops = per.flops * slices;
  total.totalWrite = per.totalWrite * slices;
  total.largestIntermediate = per.largestIntermediate;
  return total;
}

static std::vector<IndexId> legIds(const Problem &p, const Legs &legs) {
  std::vector<IndexId> ids;
  for (const Leg &l : legs)
    ids.push_back(p.global[l.idx]);
  std::sort(ids.begin(), ids.end());
  return ids;
}

Result<TreeReport> loom::contraction::describeTree(const Network &network,
                                                   const ContractionTree &tree) {
  std::string err = checkInputs(network, tree);
  if (!err.empty())
    return Result<TreeReport>::failure(err);
  Problem p = buildNetworkProblem(network);
  TreeReport report;
  size_t k = p.numPieces();
  std::vector<Legs> legs(tree.numNodes());
  std::vector<Cost> cost(tree.numNodes());
  for (size_t t = 0; t < k; ++t) {
    LeafInfo leaf;
    leaf.indices = legIds(p, p.pieces[t]);
    std::vector<IndexId> all = network.inputs[t];
    std::sort(all.begin(), all.end());
    all.erase(std::unique(all.begin(), all.end()), all.end());
    std::set_difference(all.begin(), all.end(), leaf.indices.begin(),
                        leaf.indices.end(), std::back_inserter(leaf.summed));
    leaf.flops = p.pieceCost[t].flops;
    report.leaves.push_back(std::move(leaf));
    legs[t] = p.pieces[t];
    cost[t] = p.pieceCost[t];
  }
  Merge m;
  for (size_t s = 0; s < tree.numSteps(); ++s) {
    StepInfo step;
    step.lhs = tree.steps()[s].first;
    step.rhs = tree.steps()[s].second;
    step.result = static_cast<int>(k + s);
    mergeLegs(p, legs[step.lhs], legs[step.rhs], m);
    step.lhsIndices = legIds(p, legs[step.lhs]);
    step.rhsIndices = legIds(p, legs[step.rhs]);
    step.resultIndices = legIds(p, m.legs);
    std::vector<IndexId> both, either;
    std::set_intersection(step.lhsIndices.begin(), step.lhsIndices.end(),
                          step.rhsIndices.begin(), step.rhsIndices.end(),
                          std::back_inserter(both));
    std::set_union(step.lhsIndices.begin(), step.lhsIndices.end(),
                   step.rhsIndices.begin(), step.rhsIndices.end(),
                   std::back_inserter(either));
    std::set_difference(either.begin(), either.end(),
                        step.resultIndices.begin(), step.resultIndices.end(),
                        std::back_inserter(step.summed));
    std::set_intersection(both.begin(), both.end(),
                          step.resultIndices.begin(), step.resultIndices.end(),
                          std::back_inserter(step.batch));
    step.flops = m.flops();
    step.resultSize = m.size;
    legs[k + s] = m.legs;
    cost[k + s] = combineCost(cost[step.lhs], cost[step.rhs], step.flops,
                              step.resultSize);
    report.steps.push_back(std::move(step));
  }
  report.cost = cost[tree.root()];
  return report;
}
