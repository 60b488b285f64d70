//===- ExhaustiveSearch.cpp - DP over all subsets and splits --------------===//
//
// Part of Loom's tensor-network contraction library (LoomContraction).
//
// For k pieces: every subset S (2^k) gets its best tree over every split
// S = S1 + S2 (outer products included unless disabled), visiting subsets in increasing
// numeric order so that both halves are already solved. Each subset's legs
// are a bitset over local indices; an index held by both halves is summed
// when it is not external and no piece outside S holds it. O(3^k * w) time,
// O(2^k * w) memory for w 64-bit words of index bitset.
//
//===----------------------------------------------------------------------===//
#include "Exact.h"

#include <cmath>
#include <cstring>

using namespace loom::contraction;
using namespace loom::contraction::detail;

Result<Solution> detail::solveExhaustive(const Problem &p,
                                         const CostObjective &objective,
                                         const ExactOptions &options) {
  size_t k = p.numPieces();
  if (k == 0)
    return Result<Solution>::failure("nothing to contract");
  if (k > 20)
    return Result<Solution>::failure("exhaustive search is limited to 20 "
                                     "tensors");
  Solution sol;
  if (k == 1) {
    sol.cost = p.pieceCost[0];
    return sol;
  }
  size_t m = p.numIndices();
  size_t w = (m + 63) / 64;
  if (w == 0)
    w = 1;
  size_t n = size_t(1) << k;
  std::vector<uint64_t> bits(n * w, 0);
  std::vector<double> legSize(n, 1);
  std::vector<Cost> cost(n);
  std::vector<uint32_t> split(n, 0);
  std::vector<char> valid(n, 0);
  std::vector<uint32_t> holders(m, 0);

  for (size_t j = 0; j < k; ++j) {
    uint64_t *b = &bits[(size_t(1) << j) * w];
    for (const Leg &l : p.pieces[j]) {
      b[l.idx / 64] |= uint64_t(1) << (l.idx % 64);
      holders[l.idx] |= uint32_t(1) << j;
    }
    legSize[size_t(1) << j] = legsSize(p, p.pieces[j]);
    cost[size_t(1) << j] = p.pieceCost[j];
    valid[size_t(1) << j] = 1;
  }

  for (size_t s = 3; s < n; ++s) {
    if ((s & (s - 1)) == 0)
      continue; // single piece
    if ((s & 255) == 0 && options.deadline.expired())
      return Result<Solution>::failure("time limit reached in exact search");
    size_t low = s & (~s + 1), rest = s ^ low;
    // Legs of s from (low, rest): only indices held by both can vanish.
    uint64_t *out = &bits[s * w];
    const uint64_t *a = &bits[low * w], *b = &bits[rest * w];
    double size = 1;
    for (size_t q = 0; q < w; ++q) {
      uint64_t both = a[q] & b[q];
      uint64_t keep = a[q] | b[q];
      while (both) {
        int bit = __builtin_ctzll(both);
        both &= both - 1;
        size_t idx = q * 64 + bit;
        if (!p.external[idx] && (holders[idx] & ~uint32_t(s)) == 0)
          keep &= ~(uint64_t(1) << bit);
      }
      out[q] = keep;
      uint64_t it = keep;
      while (it) {
        size *= p.size[q * 64 + __builtin_ctzll(it)];
        it &= it - 1;
      }
    }
    legSize[s] = size;
    if (size > options.sizeLimit)
      continue;

    bool have = false;
    Cost best;
    uint32_t bestSplit = 0;
    // Splits whose first half holds the lowest piece: each unordered split
    // once (sub runs over the proper submasks of `rest`, including 0).
    for (size_t sub = (rest - 1) & rest;; sub = (sub - 1) & rest) {
      size_t s1 = low | sub, s2 = s ^ s1;
      bool last = sub == 0;
      if (!valid[s1] || !valid[s2]) {
        if (last)
          break;
        continue;
      }
      const uint64_t *b1 = &bits[s1 * w], *b2 = &bits[s2 * w];
      double shared = 1;
      bool sums = false; // legs(s) is a subset of the union
      bool connected = false;
      for (size_t q = 0; q < w; ++q) {
        uint64_t both = b1[q] & b2[q];
        sums |= ((b1[q] | b2[q]) & ~out[q]) != 0;
        connected |= both != 0;
        while (both) {
          shared *= p.size[q * 64 + __builtin_ctzll(both)];
          both &= both - 1;
        }
      }
      if (!connected && !options.outerProducts) {
        if (last)
          break;
        continue;
      }
      double volume = legSize[s1] * legSize[s2] / shared;
      if (!std::isfinite(volume)) { // overflow (inf / inf): multiply out
        volume = 1;
        for (size_t q = 0; q < w; ++q)
          for (uint64_t it = b1[q] | b2[q]; it; it &= it - 1)
            volume *= p.size[q * 64 + __builtin_ctzll(it)];
      }
      Cost c = combineCost(cost[s1], cost[s2],
                           stepFlops(volume, sums), size);
      if (!have || objective.better(c, best)) {
        have = true;
        best = c;
        bestSplit = static_cast<uint32_t>(s1);
      }
      if (last)
        break;
    }
    if (have) {
      valid[s] = 1;
      cost[s] = best;
      split[s] = bestSplit;
    }
  }
  size_t full = n - 1;
  if (!valid[full])
    return Result<Solution>::failure(
        "no contraction order keeps every intermediate within the size limit");

  // Rebuild the tree: post-order over the chosen splits.
  struct Frame {
    size_t set;
    int left;
    int state;
  };
  std::vector<int> results;
  std::vector<Frame> stack{{full, -1, 0}};
  while (!stack.empty()) {
    Frame &f = stack.back();
    if ((f.set & (f.set - 1)) == 0) {
      results.push_back(__builtin_ctzll(f.set));
      stack.pop_back();
      continue;
    }
    if (f.state == 0) {
      f.state = 1;
      size_t s1 = split[f.set];
      stack.push_back({s1, -1, 0});
    } else if (f.state == 1) {
      f.state = 2;
      f.left = results.back();
      results.pop_back();
      size_t s2 = f.set ^ split[f.set];
      stack.push_back({s2, -1, 0});
    } else {
      int right = results.back();
      results.pop_back();
      sol.steps.push_back({f.left, right});
      stack.pop_back();
      results.push_back(static_cast<int>(k + sol.steps.size() - 1));
    }
  }
  sol.cost = cost[full];
  return sol;
}
