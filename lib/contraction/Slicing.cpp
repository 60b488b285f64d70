//===- Slicing.cpp - Slicing under a memory limit -------------------------===//
//
// Part of Loom's tensor-network contraction library (LoomContraction).
//
// Greedy slicing with a one-step-greedy rollout as lookahead:
//
//  * excess(state) = sum over produced tensors of max(0, log2(size / limit))
//    measures how far the sliced tree is from the limit;
//  * a candidate is any unsliced index (size > 1) of an oversized tensor;
//    its greedy ratio is log2(total flops increase) / excess reduction;
//  * each round, the best few candidates by ratio are completed greedily to a
//    feasible slicing and the one with the fewest final FLOPs is taken.
//
// Afterwards slices that became unnecessary are dropped, the tree is
// re-optimised for the sliced sizes under the limit (subtree
// reconfiguration), and unnecessary slices are dropped again.
//
//===----------------------------------------------------------------------===//
#include "loom/contraction/Slicing.h"

#include "Search.h"

#include <algorithm>
#include <cmath>

using namespace loom::contraction;
using namespace loom::contraction::detail;

namespace {

constexpr unsigned kLookahead = 3;

struct Evaluation {
  Cost total;          ///< computeSlicedCost semantics
  double excess = 0;   ///< see file comment
  double slices = 1;
  std::vector<uint32_t> candidates; ///< indices of oversized tensors
};

class Slicer {
public:
  Slicer(const Network &network, const SliceOptions &options)
      : network_(network), options_(options),
        inOutput_(network.numIndices(), 0) {
    for (IndexId i : network.output)
      inOutput_[i] = 1;
  }

  Evaluation evaluate(const SsaSteps &steps,
                      const std::vector<char> &sliced) const;
  /// Greedy completion from `sliced` (modified) until feasible; returns the
  /// final evaluation, or total.flops = inf when it cannot get there.
  Evaluation complete(const SsaSteps &steps, std::vector<char> &sliced,
                      std::vector<IndexId> *order) const;
  /// The candidate with the best greedy ratio, or -1.
  int bestStep(const SsaSteps &steps, std::vector<char> &sliced,
               const Evaluation &now, std::vector<std::pair<double, int>> *all)
      const;

  Network bodyNetwork(const std::vector<char> &sliced) const {
    Network body = network_;
    for (size_t i = 0; i < sliced.size(); ++i)
      if (sliced[i])
        body.sizes[i] = 1;
    return body;
  }

  const Network &network_;
  const SliceOptions &options_;
  std::vector<char> inOutput_;
};

} // namespace

Evaluation Slicer::evaluate(const SsaSteps &steps,
                            const std::vector<char> &sliced) const {
  Evaluation ev;
  Network body = bodyNetwork(sliced);
  for (size_t i = 0; i < sliced.size(); ++i)
    if (sliced[i])
      ev.slices *= static_cast<double>(network_.sizes[i]);
  Problem q = buildNetworkProblem(body);
  double limit = options_.memoryLimit;
  std::vector<char> isCandidate(network_.numIndices(), 0);
  auto consider = [&](const Legs &legs, double size) {
    if (size <= limit)
      return;
    ev.excess += std::log2(size / limit);
    for (const Leg &l : legs)
      if (!sliced[l.idx] && network_.sizes[l.idx] > 1 &&
          (options_.allowOutputIndices || !inOutput_[l.idx]) &&
          !isCandidate[l.idx]) {
        isCandidate[l.idx] = 1;
        ev.candidates.push_back(l.idx);
      }
  };
  size_t k = q.numPieces();
  std::vector<Legs> legs(q.pieces);
  std::vector<Cost> cost(q.pieceCost);
  for (size_t j = 0; j < k; ++j)
    if (cost[j].flops > 0)
      consider(legs[j], legsSize(q, legs[j]));
  Merge m;
  for (const NodePair &s : steps) {
    mergeLegs(q, legs[s.first], legs[s.second], m);
    consider(m.legs, m.size);
    cost.push_back(combineCost(cost[s.first], cost[s.second], m.flops(),
                               m.size));
    legs.push_back(m.legs);
  }
  Cost per = cost.back();
  ev.total.flops = per.flops * ev.slices;
  ev.total.totalWrite = per.totalWrite * ev.slices;
  ev.total.largestIntermediate = per.largestIntermediate;
  std::sort(ev.candidates.begin(), ev.candidates.end());
  return ev;
}

int Slicer::bestStep(const SsaSteps &steps, std::vector<char> &sliced,
                     const Evaluation &now,
                     std::vector<std::pair<double, int>> *all) const {
  int best = -1;
  double bestRatio = 0;
  for (uint32_t c : now.candidates) {
    sliced[c] = 1;
    Evaluation next = evaluate(steps, sliced);
    sliced[c] = 0;
    double progress = now.excess - next.excess;
    if (progress <= 1e-12)
      continue;
    double increase = std::log2(std::max(next.total.flops, 1.0)) -
                      std::log2(std::max(now.total.flops, 1.0));
    double ratio = (std::max(increase, 0.0) + 1e-9) / progress;
    if (all)
      all->push_back({ratio, static_cast<int>(c)});
    if (best < 0 || ratio < bestRatio) {
      best = static_cast<int>(c);
      bestRatio = ratio;
    }
  }
  return best;
}

Evaluation Slicer::complete(const SsaSteps &steps, std::vector<char> &sliced,
                            std::vector<IndexId> *order) const {
  Evaluation now = evaluate(steps, sliced);
  while (now.total.largestIntermediate > options_.memoryLimit) {
    if (now.slices > options_.maxSlices)
      break;
    int c = bestStep(steps, sliced, now, nullptr);
    if (c < 0)
      break;
    sliced[c] = 1;
    if (order)
      order->push_back(static_cast<IndexId>(c));
    now = evaluate(steps, sliced);
  }
  if (now.total.largestIntermediate > options_.memoryLimit ||
      now.slices > options_.maxSlices)
    now.total.flops = std::numeric_limits<double>::infinity();
  return now;
}

/// Drops sliced indices (latest first) whose removal keeps the limit met.
static void dropUnneeded(const Slicer &slicer, const SsaSteps &steps,
                         std::vector<char> &sliced,
                         std::vector<IndexId> &order, double limit) {
  for (size_t i = order.size(); i-- > 0;) {
    sliced[order[i]] = 0;
    if (slicer.evaluate(steps, sliced).total.largestIntermediate <= limit) {
      order.erase(order.begin() + i);
      continue;
    }
    sliced[order[i]] = 1;
  }
}

SliceResult loom::contraction::sliceTree(const Network &network,
                                         const ContractionTree &tree,
                                         const SliceOptions &options) {
  SliceResult result;
  result.tree = tree;
  Result<Cost> base = computeCost(network, tree);
  if (!base) {
    result.error = base.error();
    return result;
  }
  if (!(options.memoryLimit >= 1)) {
    result.error = "the memory limit must be at least 1 element";
    return result;
  }
  result.cost = *base;
  if (base->largestIntermediate <= options.memoryLimit)
    return result;

  Slicer slicer(network, options);
  SsaSteps steps = tree.steps();
  std::vector<char> sliced(network.numIndices(), 0);
  std::vector<IndexId> order;
  Evaluation now = slicer.evaluate(steps, sliced);
  while (now.total.largestIntermediate > options.memoryLimit) {
    if (now.candidates.empty()) {
      result.error = "cannot meet the memory limit of " +
                     std::to_string(static_cast<long long>(options.memoryLimit)) +
                     " elements: an intermediate of " +
                     std::to_string(static_cast<long long>(
                         now.total.largestIntermediate)) +
                     " elements has no index left that may be sliced" +
                     (options.allowOutputIndices
                          ? ""
                          : " (output indices may not be sliced)");
      return result;
    }
    std::vector<std::pair<double, int>> ranked;
    int greedyChoice = slicer.bestStep(steps, sliced, now, &ranked);
    if (greedyChoice < 0) {
      result.error = "cannot meet the memory limit: no index reduces the "
                     "oversized intermediates";
      return result;
    }
    std::sort(ranked.begin(), ranked.end());
    int choice = greedyChoice;
    double bestFinal = std::numeric_limits<double>::infinity();
    for (size_t r = 0; r < ranked.size() && r < kLookahead; ++r) {
      std::vector<char> trial = sliced;
      trial[ranked[r].second] = 1;
      double final = slicer.complete(steps, trial, nullptr).total.flops;
      if (final < bestFinal) {
        bestFinal = final;
        choice = ranked[r].second;
      }
    }
    sliced[choice] = 1;
    order.push_back(static_cast<IndexId>(choice));
    now = slicer.evaluate(steps, sliced);
    if (now.slices > options.maxSlices) {
      result.error = "meeting the memory limit of " +
                     std::to_string(static_cast<long long>(options.memoryLimit)) +
                     " elements needs more than " +
                     std::to_string(static_cast<long long>(options.maxSlices)) +
                     " slices";
      return result;
    }
  }
  dropUnneeded(slicer, steps, sliced, order, options.memoryLimit);

  if (options.reconfigure && network.numTensors() >= 3) {
    Network body = slicer.bodyNetwork(sliced);
    Problem q = buildNetworkProblem(body);
    Solution start;
    start.steps = steps;
    start.cost = evaluateSteps(q, steps);
    ReconfigureOptions ro;
    ro.sizeLimit = options.memoryLimit;
    ro.deadline = Deadline::after(0.2);
    Solution better = reconfigure(q, start, options.objective, ro);
    if (better.cost.largestIntermediate <= options.memoryLimit) {
      steps = better.steps;
      dropUnneeded(slicer, steps, sliced, order, options.memoryLimit);
    }
  }

  Result<ContractionTree> out = ContractionTree::fromSsa(tree.numLeaves(), steps);
  Result<Cost> cost = computeSlicedCost(network, *out, order);
  result.tree = *out;
  result.sliced = order;
  result.cost = *cost;
  result.numSlices = 1;
  for (IndexId i : order)
    result.numSlices *= static_cast<double>(network.sizes[i]);
  return result;
}
