//===- Reconfigure.cpp - Subtree reconfiguration --------------------------===//
//
// Part of Loom's tensor-network contraction library (LoomContraction).
//
// For each internal node v (most expensive step first), the subtree under v
// is cut into a window: starting from v's two children, the frontier node
// with the most expensive step is repeatedly replaced by its children until
// the frontier has `window` subtrees. The best way to contract the frontier
// is then found exactly (all-subsets DP, O(3^window)); if it beats the
// current subtree, the window's internal nodes are rewired in place. Legs of
// v do not change (they depend only on v's leaf set), so only the costs of
// v's ancestors need updating. Passes repeat until none improves. A window
// depends only on the subtree under v, so v is skipped while that subtree is
// unchanged since its last unsuccessful attempt (per-node versions), which
// makes every pass after the first cheap.
//
//===----------------------------------------------------------------------===//
#include "Search.h"

#include <algorithm>

using namespace loom::contraction;
using namespace loom::contraction::detail;

namespace {

class Reconfigurer {
public:
  Reconfigurer(const Problem &p, const CostObjective &objective,
               const ReconfigureOptions &options)
      : p_(p), objective_(objective), options_(options), k_(p.numPieces()) {}

  Solution run(const Solution &start);

private:
  void computeNode(int v);
  bool pass();
  bool improveAt(int v);
  double stepScore(int v) const {
    Cost c;
    c.flops = stepFlops_[v];
    c.largestIntermediate = c.totalWrite = size_[v];
    return objective_.score(c);
  }

  const Problem &p_;
  const CostObjective &objective_;
  const ReconfigureOptions &options_;
  size_t k_;
  std::vector<int> left_, right_, parent_;
  std::vector<Legs> legs_;
  std::vector<Cost> cost_;
  std::vector<double> stepFlops_, size_;
  /// version_[v] changes whenever the subtree under v changes; tried_[v] is
  /// the version of v's last unsuccessful window.
  std::vector<uint32_t> version_, tried_;
  Merge merge_;
};

} // namespace

void Reconfigurer::computeNode(int v) {
  mergeLegs(p_, legs_[left_[v]], legs_[right_[v]], merge_);
  legs_[v] = merge_.legs;
  stepFlops_[v] = merge_.flops();
  size_[v] = merge_.size;
  cost_[v] = combineCost(cost_[left_[v]], cost_[right_[v]], stepFlops_[v],
                         size_[v]);
}

bool Reconfigurer::improveAt(int v) {
  std::mt19937_64 *rng = options_.rng;
  if (!rng && tried_[v] == version_[v])
    return false;
  tried_[v] = version_[v];
  std::vector<int> frontier{left_[v], right_[v]}, removed{v};
  std::vector<int> internal;
  while (frontier.size() < options_.window) {
    int best = -1;
    internal.clear();
    for (size_t i = 0; i < frontier.size(); ++i) {
      int u = frontier[i];
      if (static_cast<size_t>(u) < k_)
        continue;
      internal.push_back(static_cast<int>(i));
      if (best < 0 || stepScore(u) > stepScore(frontier[best]))
        best = static_cast<int>(i);
    }
    if (best < 0)
      break;
    if (rng && ((*rng)() & 1))
      best = internal[(*rng)() % internal.size()];
    int u = frontier[best];
    frontier[best] = left_[u];
    frontier.push_back(right_[u]);
    removed.push_back(u);
  }
  if (frontier.size() < 3)
    return false;
  std::vector<Legs> pieces;
  std::vector<Cost> costs;
  for (int f : frontier) {
    pieces.push_back(legs_[f]);
    costs.push_back(cost_[f]);
  }
  Problem sub = buildSubProblem(p_, pieces, costs);
  ExactOptions exact;
  exact.sizeLimit = options_.sizeLimit;
  exact.deadline = options_.deadline;
  Result<Solution> sol = solveExhaustive(sub, objective_, exact);
  if (!sol || !clearlyBetter(objective_, sol->cost, cost_[v]))
    return false;

  // Rewire: sub-node j < F is frontier[j]; step s goes to removed[s + 1],
  // the last step to v itself.
  std::vector<int> node(frontier);
  for (size_t s = 0; s < sol->steps.size(); ++s) {
    int slot = s + 1 == sol->steps.size() ? v : removed[s + 1];
    int a = node[sol->steps[s].first], b = node[sol->steps[s].second];
    left_[slot] = a;
    right_[slot] = b;
    parent_[a] = parent_[b] = slot;
    computeNode(slot);
    ++version_[slot];
    node.push_back(slot);
  }
  for (int u = parent_[v]; u >= 0; u = parent_[u]) {
    cost_[u] = combineCost(cost_[left_[u]], cost_[right_[u]], stepFlops_[u],
                           size_[u]);
    ++version_[u];
  }
  return true;
}

bool Reconfigurer::pass() {
  std::vector<int> order;
  for (size_t v = k_; v < legs_.size(); ++v)
    order.push_back(static_cast<int>(v));
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return stepScore(a) > stepScore(b);
  });
  if (options_.rng)
    std::shuffle(order.begin(), order.end(), *options_.rng);
  bool improved = false;
  for (int v : order) {
    if (options_.deadline.expired())
      break;
    improved |= improveAt(v);
  }
  return improved;
}

Solution Reconfigurer::run(const Solution &start) {
  if (k_ < 3)
    return start;
  size_t n = 2 * k_ - 1;
  left_.assign(n, -1);
  right_.assign(n, -1);
  parent_.assign(n, -1);
  legs_.assign(n, {});
  cost_.assign(n, Cost());
  stepFlops_.assign(n, 0);
  size_.assign(n, 0);
  version_.assign(n, 0);
  tried_.assign(n, ~uint32_t(0));
  for (size_t j = 0; j < k_; ++j) {
    legs_[j] = p_.pieces[j];
    cost_[j] = p_.pieceCost[j];
    size_[j] = legsSize(p_, legs_[j]);
  }
  for (size_t s = 0; s < start.steps.size(); ++s) {
    int v = static_cast<int>(k_ + s);
    left_[v] = start.steps[s].first;
    right_[v] = start.steps[s].second;
    parent_[left_[v]] = parent_[right_[v]] = v;
    computeNode(v);
  }
  int root = static_cast<int>(n) - 1;
  Cost before = cost_[root];
  // Randomised passes never "converge": without a deadline, bound them.
  unsigned passes = options_.maxPasses;
  if (options_.rng && !options_.deadline.limited())
    passes = std::min(passes, 64u);
  for (unsigned i = 0; i < passes && !options_.deadline.expired(); ++i)
    if (!pass() && !options_.rng)
      break;
  if (!clearlyBetter(objective_, cost_[root], before))
    return start;

  // Back to SSA: post-order from the root.
  Solution out;
  std::vector<int> id(n, -1);
  for (size_t j = 0; j < k_; ++j)
    id[j] = static_cast<int>(j);
  std::vector<std::pair<int, bool>> stack{{root, false}};
  while (!stack.empty()) {
    auto [v, expanded] = stack.back();
    stack.pop_back();
    if (static_cast<size_t>(v) < k_)
      continue;
    if (!expanded) {
      stack.push_back({v, true});
      stack.push_back({right_[v], false});
      stack.push_back({left_[v], false});
    } else {
      out.steps.push_back({id[left_[v]], id[right_[v]]});
      id[v] = static_cast<int>(k_ + out.steps.size() - 1);
    }
  }
  out.cost = cost_[root];
  return out;
}

Solution detail::reconfigure(const Problem &p, const Solution &start,
                             const CostObjective &objective,
                             const ReconfigureOptions &options) {
  Reconfigurer r(p, objective, options);
  return r.run(start);
}
