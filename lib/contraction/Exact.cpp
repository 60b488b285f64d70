//===- Exact.cpp - Exact search: dispatch, components, outer products -----===//
//
// Part of Loom's tensor-network contraction library (LoomContraction).
//
// Small problems go to the all-subsets DP (outer products included). Larger
// ones are split into connected components; each component is solved on its
// own (all-subsets DP when small, capped connected-subset DP otherwise, with
// greedy's score as the initial upper bound), and the component results are
// then combined by outer products: exactly when there are few components,
// smallest first otherwise.
//
//===----------------------------------------------------------------------===//
#include "Exact.h"
#include "Greedy.h"

#include <queue>

using namespace loom::contraction;
using namespace loom::contraction::detail;

/// Legs of every node of a (partial) SSA forest over p's pieces.
static std::vector<Legs> forestLegs(const Problem &p, const SsaSteps &steps) {
  std::vector<Legs> legs = p.pieces;
  Merge m;
  for (const NodePair &s : steps) {
    mergeLegs(p, legs[s.first], legs[s.second], m);
    legs.push_back(m.legs);
  }
  return legs;
}

/// Combines disconnected pieces smallest first (used beyond exhaustiveMax).
static Result<Solution> combineBySize(const Problem &p,
                                      const ExactOptions &options) {
  Solution sol;
  std::vector<Legs> legs = p.pieces;
  std::vector<Cost> cost = p.pieceCost;
  std::vector<double> size;
  using BySize = std::pair<double, int>;
  std::priority_queue<BySize, std::vector<BySize>, std::greater<>> heap;
  for (size_t j = 0; j < p.numPieces(); ++j) {
    size.push_back(legsSize(p, legs[j]));
    heap.push({size.back(), static_cast<int>(j)});
  }
  Merge m;
  while (heap.size() > 1) {
    int a = heap.top().second;
    heap.pop();
    int b = heap.top().second;
    heap.pop();
    mergeLegs(p, legs[a], legs[b], m);
    if (m.size > options.sizeLimit)
      return Result<Solution>::failure("no contraction order keeps every "
                                       "intermediate within the size limit");
    sol.steps.push_back({a, b});
    legs.push_back(m.legs);
    cost.push_back(combineCost(cost[a], cost[b], m.flops(), m.size));
    size.push_back(m.size);
    heap.push({m.size, static_cast<int>(legs.size()) - 1});
  }
  sol.cost = cost.back();
  return sol;
}

Result<Solution> detail::solveExact(const Problem &p,
                                    const CostObjective &objective,
                                    const ExactOptions &options) {
  size_t k = p.numPieces();
  if (k <= options.exhaustiveMax || k <= 2)
    return solveExhaustive(p, objective, options);

  std::vector<std::vector<int>> comps = connectedComponents(p);
  if (comps.size() == 1) {
    if (k > 64)
      return Result<Solution>::failure(
          "exact search supports at most 64 tensors per connected component, "
          "got " + std::to_string(k));
    Solution greedy;
    GreedyParams params;
    double bound = std::numeric_limits<double>::infinity();
    if (greedySolve(p, params, greedy) &&
        greedy.cost.largestIntermediate <= options.sizeLimit)
      bound = objective.score(greedy.cost);
    return solveConnected(p, objective, options, bound);
  }

  // Each component separately, then outer products of their results.
  SsaSteps all;
  int next = static_cast<int>(k);
  std::vector<int> roots;
  std::vector<Cost> rootCost;
  for (const std::vector<int> &comp : comps) {
    std::vector<Legs> legs;
    std::vector<Cost> costs;
    for (int j : comp) {
      legs.push_back(p.pieces[j]);
      costs.push_back(p.pieceCost[j]);
    }
    Result<Solution> sub =
        solveExact(buildSubProblem(p, legs, costs), objective, options);
    if (!sub)
      return sub;
    roots.push_back(appendSteps(all, next, comp, sub->steps));
    rootCost.push_back(sub->cost);
  }
  std::vector<Legs> legs = forestLegs(p, all);
  std::vector<Legs> rootLegs;
  for (int r : roots)
    rootLegs.push_back(legs[r]);
  Problem outer = buildSubProblem(p, rootLegs, rootCost);
  Result<Solution> combined = roots.size() <= options.exhaustiveMax
                                  ? solveExhaustive(outer, objective, options)
                                  : combineBySize(outer, options);
  if (!combined)
    return combined;
  appendSteps(all, next, roots, combined->steps);
  Solution sol;
  sol.steps = std::move(all);
  sol.cost = evaluateSteps(p, sol.steps);
  return sol;
}
