//===- PathFinder.cpp - Public path finders and optimizeContraction -------===//
//
// Part of Loom's tensor-network contraction library (LoomContraction).
//
//===----------------------------------------------------------------------===//
#include "loom/contraction/PathFinder.h"
#include "loom/contraction/Slicing.h"

#include "Search.h"

#include <algorithm>
#include <cmath>

using namespace loom::contraction;
using namespace loom::contraction::detail;

Result<Optimizer> loom::contraction::parseOptimizer(const std::string &text) {
  if (text == "auto")
    return Optimizer::Auto;
  if (text == "optimal")
    return Optimizer::Optimal;
  if (text == "greedy")
    return Optimizer::Greedy;
  if (text == "random-greedy")
    return Optimizer::RandomGreedy;
  if (text == "partition")
    return Optimizer::Partition;
  return Result<Optimizer>::failure(
      "unknown optimizer '" + text +
      "' (expected auto, optimal, greedy, random-greedy or partition)");
}

const char *loom::contraction::optimizerName(Optimizer optimizer) {
  switch (optimizer) {
  case Optimizer::Auto:
    return "auto";
  case Optimizer::Optimal:
    return "optimal";
  case Optimizer::Greedy:
    return "greedy";
  case Optimizer::RandomGreedy:
    return "random-greedy";
  case Optimizer::Partition:
    return "partition";
  }
  return "auto";
}

static ContractionTree toTree(const Problem &p, const Solution &sol) {
  // Solutions are valid by construction; fromSsa re-checks cheaply.
  Result<ContractionTree> tree = ContractionTree::fromSsa(p.numPieces(),
                                                          sol.steps);
  return tree ? tree.take() : ContractionTree();
}

/// A valid network or the reason it is not.
static std::string checkNetwork(const Network &network) {
  return network.validate();
}

Result<ContractionTree>
loom::contraction::findOptimalTree(const Network &network,
                                   const CostObjective &objective,
                                   double timeLimit) {
  std::string err = checkNetwork(network);
  if (!err.empty())
    return Result<ContractionTree>::failure(err);
  Problem p = buildNetworkProblem(network);
  ExactOptions exact;
  exact.deadline = Deadline::after(timeLimit);
  Result<Solution> sol = solveExact(p, objective, exact);
  if (!sol)
    return Result<ContractionTree>::failure("optimal: " + sol.error());
  return toTree(p, *sol);
}

Result<ContractionTree>
loom::contraction::findGreedyTree(const Network &network) {
  std::string err = checkNetwork(network);
  if (!err.empty())
    return Result<ContractionTree>::failure(err);
  Problem p = buildNetworkProblem(network);
  return toTree(p, greedyTree(p));
}

Result<ContractionTree> loom::contraction::findRandomGreedyTree(
    const Network &network, const CostObjective &objective, double timeBudget,
    uint64_t seed, unsigned maxTrials) {
  std::string err = checkNetwork(network);
  if (!err.empty())
    return Result<ContractionTree>::failure(err);
  Problem p = buildNetworkProblem(network);
  std::mt19937_64 rng(seed);
  return toTree(p, randomGreedySearch(p, objective,
                                      Deadline::budget(timeBudget), rng,
                                      maxTrials));
}

Result<ContractionTree> loom::contraction::findPartitionTree(
    const Network &network, const CostObjective &objective, double timeBudget,
    uint64_t seed, unsigned leafSize) {
  std::string err = checkNetwork(network);
  if (!err.empty())
    return Result<ContractionTree>::failure(err);
  if (leafSize < 2 || leafSize > 20)
    return Result<ContractionTree>::failure(
        "the partition leaf size must be between 2 and 20");
  Problem p = buildNetworkProblem(network);
  std::mt19937_64 rng(seed);
  return toTree(p, partitionSearch(p, objective, Deadline::budget(timeBudget),
                                   rng, leafSize));
}

Result<ContractionTree> loom::contraction::reconfigureTree(
    const Network &network, const ContractionTree &tree,
    const CostObjective &objective, unsigned window, double timeBudget) {
  Result<Cost> cost = computeCost(network, tree);
  if (!cost)
    return Result<ContractionTree>::failure(cost.error());
  if (window < 2 || window > 16)
    return Result<ContractionTree>::failure(
        "the reconfiguration window must be between 2 and 16 leaves");
  Problem p = buildNetworkProblem(network);
  Solution start{tree.steps(), *cost};
  ReconfigureOptions options;
  options.window = window;
  options.deadline = Deadline::after(timeBudget);
  return toTree(p, reconfigure(p, start, objective, options));
}

namespace {

/// The best few distinct candidate trees seen so far, best first.
class Candidates {
public:
  Candidates(const CostObjective &objective, size_t keep)
      : objective_(objective), keep_(keep) {}

  void offer(Solution sol, const std::string &method) {
    for (const auto &c : list_)
      if (!clearlyBetter(objective_, sol.cost, c.first.cost) &&
          !clearlyBetter(objective_, c.first.cost, sol.cost))
        return; // same cost: most likely the same tree
    list_.push_back({std::move(sol), method});
    std::stable_sort(list_.begin(), list_.end(), [&](auto &a, auto &b) {
      return objective_.better(a.first.cost, b.first.cost);
    });
    if (list_.size() > keep_)
      list_.pop_back();
  }
  std::vector<std::pair<Solution, std::string>> &list() { return list_; }

private:
  const CostObjective &objective_;
  size_t keep_;
  std::vector<std::pair<Solution, std::string>> list_;
};

/// Largest network (in tensors) for which auto tries the capped exact search.
constexpr size_t kAutoExactMax = 26;

/// Share of a search round spent on exploration (the rest refines).
constexpr double kExploreShare = 0.3;

/// One round of the heuristic search: randomised partition and random-greedy
/// trees, each polished by a quick reconfiguration (raw partition trees are
/// poor until their seams are re-solved) until `explore`; then randomised
/// reconfiguration of the round's best tree until `end` (deterministic
/// windows get stuck in local minima; random ones keep finding moves).
void searchRound(const Problem &p, const PathOptions &options,
                 std::mt19937_64 &rng, bool first, Deadline explore,
                 Deadline end, Candidates &out) {
  const CostObjective &objective = options.objective;
  bool wide = end.remaining() >= 1.0; // windows of k cost O(3^k)
  ReconfigureOptions quick;
  quick.window = std::min(wide ? 8u : 6u, options.reconfigureWindow);
  quick.maxPasses = 4;
  quick.deadline = explore;
  std::uniform_real_distribution<double> imbalance(0.01, 0.6);
  std::uniform_int_distribution<unsigned> leaves(
      std::min(4u, options.partitionLeafSize), options.partitionLeafSize);
  Solution best;
  std::string bestMethod;
  bool have = false;
  for (unsigned trial = 0; !have || !explore.expired(); ++trial) {
    Solution sol;
    std::string method;
    bool plain = first && trial == 0; // default parameters first
    if (trial % 4 != 3) {
      PartitionParams params;
      params.leafSize = plain ? options.partitionLeafSize : leaves(rng);
      params.imbalance = plain ? 0.1 : imbalance(rng);
      params.jitter = plain ? 0.0 : 0.3;
      params.parts = plain ? 2 : 2 + static_cast<int>(rng() % 2);
      params.unitWeights = false;
      params.seed = static_cast<int>(rng() & 0x7fffffff);
      params.deadline = explore;
      sol = partitionTree(p, objective, params, rng);
      method = "partition";
    } else {
      if (!randomGreedyTrial(p, objective, rng,
                             std::numeric_limits<double>::infinity(), sol))
        continue;
      method = "random-greedy";
    }
    sol = reconfigure(p, sol, objective, quick);
    if (!have || objective.better(sol.cost, best.cost)) {
      best = sol;
      bestMethod = method;
      have = true;
    }
    out.offer(std::move(sol), method + "+reconfigure");
  }
  ReconfigureOptions refine;
  refine.window = std::max(wide ? 10u : 8u, options.reconfigureWindow);
  refine.deadline = end;
  best = reconfigure(p, best, objective, refine);
  refine.rng = &rng;
  refine.maxPasses = ~0u;
  out.offer(reconfigure(p, best, objective, refine),
            bestMethod + "+reconfigure");
}

void autoSearch(const Problem &p, const PathOptions &options,
                Candidates &out) {
  const CostObjective &objective = options.objective;
  auto start = Deadline::Clock::now();
  double budget = options.timeBudget;
  auto at = [&](double fraction) {
    double left = budget * fraction - secondsSince(start);
    return Deadline::budget(left);
  };
  size_t k = p.numPieces();
  ExactOptions exact;
  if (k <= exact.exhaustiveMax) {
    Result<Solution> sol = solveExact(p, objective, exact);
    if (sol) {
      out.offer(sol.take(), "optimal");
      return;
    }
  }
  out.offer(greedyTree(p), "greedy");
  if (k < 3 || budget <= 0)
    return;
  if (k <= kAutoExactMax) {
    exact.deadline = at(0.3);
    exact.maxEntries = size_t(1) << 20;
    Result<Solution> sol = solveExact(p, objective, exact);
    if (sol) {
      out.offer(sol.take(), "optimal");
      return;
    }
  }
  // Rounds of ~0.3 s (at most 20): independent restarts are what longer
  // budgets buy, since one round's search plateaus quickly.
  std::mt19937_64 rng(options.seed);
  double left = at(1.0).remaining();
  unsigned rounds = static_cast<unsigned>(
      std::min(20.0, std::max(1.0, std::floor(left / 0.3))));
  for (unsigned r = 0; r < rounds; ++r) {
    double end = static_cast<double>(r + 1) / rounds;
    double roundStart = secondsSince(start) / budget;
    searchRound(p, options, rng, r == 0,
                at(roundStart + kExploreShare * (end - roundStart)), at(end),
                out);
  }
}

} // namespace

ContractionResult loom::contraction::optimizeContraction(
    const Network &network, const PathOptions &options) {
  auto start = Deadline::Clock::now();
  ContractionResult result;
  result.error = checkNetwork(network);
  if (!result.error.empty())
    return result;
  if (!(options.memoryLimit >= 0) || std::isinf(options.memoryLimit)) {
    result.error = "the memory limit must be a finite number >= 0";
    return result;
  }
  if (options.memoryLimit > 0 && options.memoryLimit < 1) {
    result.error = "the memory limit must be at least 1 element";
    return result;
  }
  if (!(options.timeBudget >= 0) || options.timeBudget > 1e6) {
    result.error = "the time budget must be between 0 and 1e6 seconds";
    return result;
  }
  if (options.reconfigureWindow < 2 || options.reconfigureWindow > 16) {
    result.error = "the reconfiguration window must be between 2 and 16";
    return result;
  }
  if (options.partitionLeafSize < 2 || options.partitionLeafSize > 20) {
    result.error = "the partition leaf size must be between 2 and 20";
    return result;
  }

  Problem p = buildNetworkProblem(network);
  const CostObjective &objective = options.objective;
  Candidates candidates(objective, 3);
  std::mt19937_64 rng(options.seed);
  double budget = options.timeBudget;
  ReconfigureOptions reconf;
  reconf.window = options.reconfigureWindow;
  switch (options.optimizer) {
  case Optimizer::Greedy:
    candidates.offer(greedyTree(p), "greedy");
    break;
  case Optimizer::Optimal: {
    ExactOptions exact;
    exact.deadline = Deadline::after(options.optimalTimeLimit);
    Result<Solution> sol = solveExact(p, objective, exact);
    if (!sol) {
      result.error = "optimal: " + sol.error();
      return result;
    }
    candidates.offer(sol.take(), "optimal");
    break;
  }
  case Optimizer::RandomGreedy: {
    double share = options.reconfigure ? 0.7 : 1.0;
    Solution sol = randomGreedySearch(p, objective,
                                      Deadline::budget(budget * share), rng, 0);
    if (options.reconfigure) {
      reconf.deadline = Deadline::budget(budget * (1 - share));
      sol = reconfigure(p, sol, objective, reconf);
    }
    candidates.offer(std::move(sol), "random-greedy");
    break;
  }
  case Optimizer::Partition: {
    double share = options.reconfigure ? 0.7 : 1.0;
    Solution sol =
        partitionSearch(p, objective, Deadline::budget(budget * share), rng,
                        options.partitionLeafSize);
    if (options.reconfigure) {
      reconf.deadline = Deadline::budget(budget * (1 - share));
      sol = reconfigure(p, sol, objective, reconf);
    }
    candidates.offer(std::move(sol), "partition");
    break;
  }
  case Optimizer::Auto:
    autoSearch(p, options, candidates);
    break;
  }

  std::vector<std::pair<Solution, std::string>> &list = candidates.list();
  if (options.memoryLimit <= 0) {
    result.tree = toTree(p, list.front().first);
    result.cost = list.front().first.cost;
    result.method = list.front().second;
  } else {
    SliceOptions so;
    so.memoryLimit = options.memoryLimit;
    so.objective = objective;
    bool have = false;
    std::string firstError;
    for (auto &c : list) {
      SliceResult sr = sliceTree(network, toTree(p, c.first), so);
      if (!sr.ok()) {
        if (firstError.empty())
          firstError = sr.error;
        continue;
      }
      if (!have || objective.better(sr.cost, result.cost)) {
        have = true;
        result.tree = sr.tree;
        result.sliced = sr.sliced;
        result.numSlices = sr.numSlices;
        result.cost = sr.cost;
        result.method = c.second;
      }
    }
    if (!have) {
      result.error = firstError;
      return result;
    }
  }
  result.seconds = secondsSince(start);
  return result;
}
