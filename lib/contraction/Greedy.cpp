//===- Greedy.cpp - Greedy contraction heuristics -------------------------===//
//
// Part of Loom's tensor-network contraction library (LoomContraction).
//
// The "memory removed" greedy of opt_einsum (ssa_greedy_optimize): every
// pair of live tensors sharing a non-external index is a candidate scored
// size(result) - size(a) - size(b); the lowest score is contracted first,
// ties broken by node ids. Scores can change when a hyper-index loses holders,
// so a popped candidate is re-scored and pushed back if it got worse.
// Tensors connected only through output indices, and disconnected parts,
// are combined at the end, smallest first. The randomised variant (as
// cotengra's) weights the two terms of the score differently and perturbs
// its logarithm with Gumbel noise, which samples pairs softmax-like.
//
//===----------------------------------------------------------------------===//
#include "Greedy.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>

using namespace loom::contraction;
using namespace loom::contraction::detail;

namespace {

struct Candidate {
  double score;
  int a, b;
  bool operator>(const Candidate &o) const {
    if (score != o.score)
      return score > o.score;
    if (a != o.a)
      return a > o.a;
    return b > o.b;
  }
};

using CandidateHeap =
    std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>>;

class GreedyRun {
public:
  GreedyRun(const Problem &p, const GreedyParams &params)
      : p_(p), params_(params), k_(p.numPieces()) {}
  bool run(Solution &out);

private:
  double score(int a, int b) {
    double s = mergedSize(p_, legs_[a], legs_[b]) / params_.costmod -
               params_.costmod * (size_[a] + size_[b]);
    if (std::isnan(s)) // inf - inf after overflow: no information
      s = 0;
    if (params_.temperature <= 0)
      return s;
    double logScore = s > 0 ? std::log(s) : s < 0 ? -std::log(-s) : 0.0;
    double u = uniform_(*params_.rng);
    return logScore + params_.temperature * std::log(-std::log(u));
  }
  void pushNeighbours(int node, bool onlyLater);
  bool contract(int a, int b);
  bool pick(Candidate &chosen);

  const Problem &p_;
  const GreedyParams &params_;
  size_t k_;
  std::vector<Legs> legs_;
  std::vector<double> size_;
  std::vector<Cost> cost_;
  std::vector<char> alive_;
  std::vector<std::vector<int>> holders_; ///< live (lazily) nodes per index
  std::vector<int> stamp_;
  CandidateHeap heap_;
  SsaSteps steps_;
  Cost running_; ///< cost of the steps so far (forest)
  Merge merge_;
  /// U(0,1) excluding 0, for Gumbel noise: -log(-log(u)).
  std::uniform_real_distribution<double> uniform_{
      std::numeric_limits<double>::min(), 1.0};
};

} // namespace

void GreedyRun::pushNeighbours(int node, bool onlyLater) {
  for (const Leg &l : legs_[node]) {
    if (p_.external[l.idx])
      continue;
    std::vector<int> &h = holders_[l.idx];
    size_t keep = 0;
    for (size_t i = 0; i < h.size(); ++i) {
      int other = h[i];
      if (!alive_[other])
        continue;
      h[keep++] = other;
      if (other == node || stamp_[other] == node || (onlyLater && other < node))
        continue;
      stamp_[other] = node;
      int a = std::min(node, other), b = std::max(node, other);
      heap_.push({score(a, b), a, b});
    }
    h.resize(keep);
  }
}

bool GreedyRun::contract(int a, int b) {
  mergeLegs(p_, legs_[a], legs_[b], merge_);
  int c = static_cast<int>(legs_.size());
  legs_.push_back(merge_.legs);
  size_.push_back(merge_.size);
  cost_.push_back(combineCost(cost_[a], cost_[b], merge_.flops(), merge_.size));
  alive_.push_back(1);
  stamp_.push_back(-1);
  alive_[a] = alive_[b] = 0;
  steps_.push_back({a, b});
  running_.flops += merge_.flops();
  running_.totalWrite += merge_.size;
  running_.largestIntermediate =
      std::max(running_.largestIntermediate, merge_.size);
  for (const Leg &l : legs_[c])
    if (!p_.external[l.idx])
      holders_[l.idx].push_back(c);
  return !(params_.objective &&
           params_.objective->score(running_) > params_.cutoff);
}

bool GreedyRun::pick(Candidate &chosen) {
  while (!heap_.empty()) {
    Candidate top = heap_.top();
    heap_.pop();
    if (!alive_[top.a] || !alive_[top.b])
      continue;
    if (params_.temperature <= 0) {
      double s = score(top.a, top.b);
      if (s > top.score) { // worse than when pushed: re-queue
        heap_.push({s, top.a, top.b});
        continue;
      }
    }
    chosen = top;
    return true;
  }
  return false;
}

bool GreedyRun::run(Solution &out) {
  legs_ = p_.pieces;
  legs_.reserve(2 * k_);
  size_.resize(k_);
  cost_ = p_.pieceCost;
  alive_.assign(k_, 1);
  stamp_.assign(k_, -1);
  holders_.assign(p_.numIndices(), {});
  for (size_t j = 0; j < k_; ++j) {
    size_[j] = legsSize(p_, legs_[j]);
    running_.flops += cost_[j].flops;
    running_.totalWrite += cost_[j].totalWrite;
    running_.largestIntermediate =
        std::max(running_.largestIntermediate, cost_[j].largestIntermediate);
    for (const Leg &l : legs_[j])
      if (!p_.external[l.idx])
        holders_[l.idx].push_back(static_cast<int>(j));
  }
  for (size_t j = 0; j < k_; ++j)
    pushNeighbours(static_cast<int>(j), /*onlyLater=*/true);

  Candidate chosen;
  while (pick(chosen)) {
    if (!contract(chosen.a, chosen.b))
      return false;
    pushNeighbours(static_cast<int>(legs_.size()) - 1, /*onlyLater=*/false);
  }

  // Whatever is left shares only output indices or nothing: combine the two
  // smallest first.
  using BySize = std::pair<double, int>;
  std::priority_queue<BySize, std::vector<BySize>, std::greater<>> left;
  for (size_t n = 0; n < legs_.size(); ++n)
    if (alive_[n])
      left.push({size_[n], static_cast<int>(n)});
  while (left.size() > 1) {
    int a = left.top().second;
    left.pop();
    int b = left.top().second;
    left.pop();
    if (!contract(std::min(a, b), std::max(a, b)))
      return false;
    left.push({size_.back(), static_cast<int>(legs_.size()) - 1});
  }
  out.steps = std::move(steps_);
  out.cost = cost_.back();
  return true;
}

bool detail::greedySolve(const Problem &p, const GreedyParams &params,
                         Solution &out) {
  if (p.numPieces() == 1) {
    out.steps.clear();
    out.cost = p.pieceCost[0];
    return true;
  }
  GreedyRun run(p, params);
  return run.run(out);
}
