//===- ConnectedSearch.cpp - DP over connected subsets with capping --------===//
//
// Part of Loom's tensor-network contraction library (LoomContraction).
//
// Pfeifer, Haegeman and Verstraete, "Faster identification of optimal
// contraction sequences for tensor networks", PRE 90, 033315 (2014), in the
// breadth-first form used by opt_einsum's `dp`:
//
//  * only subsets that are connected (pieces sharing an index) are built, as
//    the union of two disjoint connected subsets that share an index;
//  * a subset is kept only when its best score is <= the cap; since every
//    objective is monotone, the first cap for which the full set is reached
//    gives the optimum. The cap starts at a lower bound and grows by
//    `kCapFactor` per round (bounded by a known upper bound, e.g. greedy's).
//
// Pairs are enumerated from the first subset's neighbour pieces through
// per-(size, piece) buckets, so each connected pair is seen once. Worst case
// exponential; typically fine up to a few tens of pieces.
//
//===----------------------------------------------------------------------===//
#include "Exact.h"

#include <cmath>
#include <unordered_map>

using namespace loom::contraction;
using namespace loom::contraction::detail;

namespace {

constexpr double kCapFactor = 8.0;

struct Entry {
  uint64_t mask;
  uint64_t neighbours; ///< pieces outside `mask` sharing an index with it
  Cost cost;
  double size;
  int left, right; ///< child entries; -1 for a piece
};

class ConnectedSearch {
public:
  ConnectedSearch(const Problem &p, const CostObjective &objective,
                  const ExactOptions &options)
      : p_(p), objective_(objective), options_(options), k_(p.numPieces()),
        w_(std::max<size_t>(1, (p.numIndices() + 63) / 64)) {}

  Result<Solution> run(double upperBound);

private:
  bool addPieces();
  /// One round under `cap`; returns false on timeout or too many entries.
  bool round(double cap);
  void tryPair(int e1, int e2, size_t n, double cap);
  const uint64_t *legs(int e) const { return &pool_[size_t(e) * w_]; }

  const Problem &p_;
  const CostObjective &objective_;
  const ExactOptions &options_;
  size_t k_, w_;
  std::vector<uint64_t> holders_;    ///< per local index: pieces holding it
  std::vector<Entry> entries_;
  std::vector<uint64_t> pool_;       ///< legs bitsets, w_ words per entry
  std::unordered_map<uint64_t, int> byMask_;
  std::vector<std::vector<int>> levels_;               ///< by subset size
  std::vector<std::vector<std::vector<int>>> buckets_; ///< [size][piece]
  std::vector<uint64_t> scratch_;
  std::string failure_;
  size_t work_ = 0;
};

} // namespace

bool ConnectedSearch::addPieces() {
  holders_.assign(p_.numIndices(), 0);
  for (size_t j = 0; j < k_; ++j)
    for (const Leg &l : p_.pieces[j])
      holders_[l.idx] |= uint64_t(1) << j;
  levels_.assign(k_ + 1, {});
  buckets_.assign(k_ + 1, std::vector<std::vector<int>>(k_));
  for (size_t j = 0; j < k_; ++j) {
    Entry e;
    e.mask = uint64_t(1) << j;
    e.neighbours = 0;
    for (const Leg &l : p_.pieces[j])
      e.neighbours |= holders_[l.idx];
    e.neighbours &= ~e.mask;
    e.cost = p_.pieceCost[j];
    e.size = legsSize(p_, p_.pieces[j]);
    e.left = e.right = -1;
    int id = static_cast<int>(entries_.size());
    entries_.push_back(e);
    pool_.resize(pool_.size() + w_, 0);
    for (const Leg &l : p_.pieces[j])
      pool_[size_t(id) * w_ + l.idx / 64] |= uint64_t(1) << (l.idx % 64);
    byMask_[e.mask] = id;
    levels_[1].push_back(id);
    buckets_[1][j].push_back(id);
  }
  return true;
}

void ConnectedSearch::tryPair(int e1, int e2, size_t n, double cap) {
  const Entry &a = entries_[e1], &b = entries_[e2];
  uint64_t mask = a.mask | b.mask;
  const uint64_t *la = legs(e1), *lb = legs(e2);
  double shared = 1, removed = 1;
  bool sums = false;
  for (size_t q = 0; q < w_; ++q) {
    uint64_t both = la[q] & lb[q];
    uint64_t keep = la[q] | lb[q];
    while (both) {
      int bit = __builtin_ctzll(both);
      both &= both - 1;
      size_t idx = q * 64 + bit;
      double s = p_.size[idx];
      shared *= s;
      if (!p_.external[idx] && (holders_[idx] & ~mask) == 0) {
        keep &= ~(uint64_t(1) << bit);
        removed *= s;
        sums = true;
      }
    }
    scratch_[q] = keep;
  }
  double volume = a.size * b.size / shared;
  double size = volume / removed;
  if (!std::isfinite(volume) || !std::isfinite(size)) { // overflow: multiply
    volume = size = 1;
    for (size_t q = 0; q < w_; ++q) {
      for (uint64_t it = la[q] | lb[q]; it; it &= it - 1)
        volume *= p_.size[q * 64 + __builtin_ctzll(it)];
      for (uint64_t it = scratch_[q]; it; it &= it - 1)
        size *= p_.size[q * 64 + __builtin_ctzll(it)];
    }
  }
  if (size > options_.sizeLimit)
    return;
  Cost c = combineCost(a.cost, b.cost, stepFlops(volume, sums), size);
  if (objective_.score(c) > cap)
    return;
  auto it = byMask_.find(mask);
  if (it != byMask_.end()) {
    Entry &e = entries_[it->second];
    if (objective_.better(c, e.cost)) {
      e.cost = c;
      e.left = e1;
      e.right = e2;
    }
    return;
  }
  if (entries_.size() >= options_.maxEntries) {
    failure_ = "exact search exceeded " + std::to_string(options_.maxEntries) +
               " subsets";
    return;
  }
  Entry e;
  e.mask = mask;
  e.neighbours = (a.neighbours | b.neighbours) & ~mask;
  e.cost = c;
  e.size = size;
  e.left = e1;
  e.right = e2;
  int id = static_cast<int>(entries_.size());
  entries_.push_back(e);
  pool_.insert(pool_.end(), scratch_.begin(), scratch_.end());
  byMask_.emplace(mask, id);
  levels_[n].push_back(id);
  for (uint64_t it2 = mask; it2; it2 &= it2 - 1)
    buckets_[n][__builtin_ctzll(it2)].push_back(id);
}

bool ConnectedSearch::round(double cap) {
  for (size_t n = 2; n <= k_; ++n) {
    for (size_t m = 1; m <= n / 2; ++m) {
      const std::vector<int> &firsts = levels_[m];
      for (size_t i1 = 0; i1 < firsts.size(); ++i1) {
        int e1 = firsts[i1];
        if (objective_.score(entries_[e1].cost) > cap)
          continue;
        uint64_t nb = entries_[e1].neighbours;
        uint64_t mask1 = entries_[e1].mask;
        for (uint64_t it = nb; it; it &= it - 1) {
          int piece = __builtin_ctzll(it);
          uint64_t lower = nb & ((uint64_t(1) << piece) - 1);
          const std::vector<int> &seconds = buckets_[n - m][piece];
          for (size_t i2 = 0; i2 < seconds.size(); ++i2) {
            int e2 = seconds[i2];
            uint64_t mask2 = entries_[e2].mask;
            if ((mask2 & mask1) || (mask2 & lower))
              continue;
            if (m == n - m && mask2 < mask1)
              continue;
            if (objective_.score(entries_[e2].cost) > cap)
              continue;
            tryPair(e1, e2, n, cap);
            if (!failure_.empty())
              return false;
            if ((++work_ & 1023) == 0 && options_.deadline.expired()) {
              failure_ = "time limit reached in exact search";
              return false;
            }
          }
        }
      }
    }
  }
  return true;
}

Result<Solution> ConnectedSearch::run(double upperBound) {
  if (k_ > 64)
    return Result<Solution>::failure(
        "exact search supports at most 64 tensors per connected component, "
        "got " + std::to_string(k_));
  Solution sol;
  if (k_ == 1) {
    sol.cost = p_.pieceCost[0];
    return sol;
  }
  addPieces();
  scratch_.assign(w_, 0);
  uint64_t full = k_ == 64 ? ~uint64_t(0) : (uint64_t(1) << k_) - 1;

  // Lower bound: the largest piece score and the final tensor's size.
  double cap = 1;
  for (size_t j = 0; j < k_; ++j)
    cap = std::max(cap, objective_.score(p_.pieceCost[j]));
  {
    double outSize = 1;
    for (size_t i = 0; i < p_.numIndices(); ++i)
      if (p_.external[i])
        outSize *= p_.size[i];
    Cost last;
    last.flops = last.largestIntermediate = last.totalWrite = outSize;
    cap = std::max(cap, objective_.score(last));
  }
  bool finalRound = false;
  while (true) {
    if (cap >= upperBound) {
      cap = upperBound;
      finalRound = true;
    }
    if (!round(cap))
      return Result<Solution>::failure(failure_);
    if (byMask_.count(full))
      break;
    if (finalRound) {
      if (std::isinf(cap))
        return Result<Solution>::failure("no contraction order keeps every "
                                         "intermediate within the size limit");
      // The bound came from a tree with outer products; search unbounded.
      upperBound = std::numeric_limits<double>::infinity();
      finalRound = false;
    }
    cap *= kCapFactor;
    if (std::isinf(cap) || cap > 1e300)
      cap = upperBound = std::numeric_limits<double>::infinity();
  }

  // Rebuild the SSA steps by post-order traversal of the entry tree.
  int root = byMask_[full];
  std::vector<int> nodeOf(entries_.size(), -1);
  for (size_t j = 0; j < k_; ++j)
    nodeOf[j] = static_cast<int>(j); // pieces are entries 0..k-1
  std::vector<std::pair<int, bool>> stack{{root, false}};
  while (!stack.empty()) {
    auto [e, expanded] = stack.back();
    stack.pop_back();
    if (entries_[e].left < 0)
      continue;
    if (!expanded) {
      stack.push_back({e, true});
      stack.push_back({entries_[e].right, false});
      stack.push_back({entries_[e].left, false});
    } else {
      sol.steps.push_back({nodeOf[entries_[e].left], nodeOf[entries_[e].right]});
      nodeOf[e] = static_cast<int>(k_ + sol.steps.size() - 1);
    }
  }
  sol.cost = entries_[root].cost;
  return sol;
}

Result<Solution> detail::solveConnected(const Problem &p,
                                        const CostObjective &objective,
                                        const ExactOptions &options,
                                        double upperBound) {
  ConnectedSearch search(p, objective, options);
  return search.run(upperBound);
}

std::vector<std::vector<int>> detail::connectedComponents(const Problem &p) {
  size_t k = p.numPieces();
  std::vector<int> parent(k);
  for (size_t j = 0; j < k; ++j)
    parent[j] = static_cast<int>(j);
  auto find = [&](int x) {
    while (parent[x] != x)
      x = parent[x] = parent[parent[x]];
    return x;
  };
  std::vector<int> firstHolder(p.numIndices(), -1);
  for (size_t j = 0; j < k; ++j)
    for (const Leg &l : p.pieces[j]) {
      int &f = firstHolder[l.idx];
      if (f < 0)
        f = static_cast<int>(j);
      else
        parent[find(static_cast<int>(j))] = find(f);
    }
  std::vector<int> compOf(k, -1);
  std::vector<std::vector<int>> comps;
  for (size_t j = 0; j < k; ++j) {
    int r = find(static_cast<int>(j));
    if (compOf[r] < 0) {
      compOf[r] = static_cast<int>(comps.size());
      comps.emplace_back();
    }
    comps[compOf[r]].push_back(static_cast<int>(j));
  }
  return comps;
}
