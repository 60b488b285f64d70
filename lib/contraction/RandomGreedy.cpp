//===- RandomGreedy.cpp - Greedy and randomised greedy searches -----------===//
//
// Part of Loom's tensor-network contraction library (LoomContraction).
//
//===----------------------------------------------------------------------===//
#include "Search.h"

#include <cmath>

using namespace loom::contraction;
using namespace loom::contraction::detail;

Solution detail::greedyTree(const Problem &p) {
  Solution sol;
  GreedyParams params;
  greedySolve(p, params, sol); // cannot fail without a cutoff
  return sol;
}

Solution detail::randomGreedySearch(const Problem &p,
                                    const CostObjective &objective,
                                    Deadline deadline, std::mt19937_64 &rng,
                                    unsigned maxTrials) {
  Solution best = greedyTree(p);
  if (p.numPieces() < 3)
    return best;
  for (unsigned trial = 1; maxTrials == 0 || trial < maxTrials; ++trial) {
    if (deadline.expired())
      break;
    Solution sol;
    if (randomGreedyTrial(p, objective, rng, objective.score(best.cost), sol) &&
        objective.better(sol.cost, best.cost))
      best = std::move(sol);
  }
  return best;
}

bool detail::randomGreedyTrial(const Problem &p, const CostObjective &objective,
                               std::mt19937_64 &rng, double cutoff,
                               Solution &out) {
  std::uniform_real_distribution<double> costmodDist(0.1, 4.0);
  std::uniform_real_distribution<double> logTempDist(std::log(1e-3), 0.0);
  GreedyParams params;
  params.costmod = costmodDist(rng);
  params.temperature = std::exp(logTempDist(rng));
  params.rng = &rng;
  params.objective = &objective;
  params.cutoff = cutoff;
  return greedySolve(p, params, out);
}
