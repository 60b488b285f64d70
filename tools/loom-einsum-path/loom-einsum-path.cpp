//===- loom-einsum-path.cpp - Contraction path finder CLI -----------------===//
//
// Part of Loom. Prints the contraction path that LoomContraction finds:
//
//   loom-einsum-path SPEC --sizes a=4,b=8,... [options]
//   loom-einsum-path --network=FILE.json [options]
//
// Options (either --opt=VALUE or --opt VALUE):
//   --optimize=auto|optimal|greedy|random-greedy|partition   (default auto)
//   --minimize=flops|size|write|combo                         (default flops)
//   --memory-limit=N      largest intermediate in elements; slices to fit
//   --ranks=N             plan a run on N ranks (mpirun -n N loom-run):
//                         slices and FLOPs per rank, slicing overhead
//   --format=text|json                                        (default text)
//   --time-budget=SECONDS (default 0.3)   --seed=N   --combo-alpha=X
//
// The path is numpy.einsum_path's list of position pairs: after each step
// both operands leave the list and the result is appended at its end. FLOPs
// follow numpy/opt_einsum's convention (see include/loom/contraction/Cost.h).
// Any invalid input prints one "error:" line on stderr and exits with 1.
//
//===----------------------------------------------------------------------===//
#include "loom/contraction/Parse.h"
#include "loom/contraction/PathFinder.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace loom::contraction;

namespace {

const char *kUsage =
    "usage: loom-einsum-path SPEC --sizes a=4,b=8,... [options]\n"
    "       loom-einsum-path --network=FILE.json [options]\n"
    "options:\n"
    "  --optimize=auto|optimal|greedy|random-greedy|partition (default auto)\n"
    "  --minimize=flops|size|write|combo (default flops)\n"
    "  --memory-limit=N     largest intermediate allowed, in elements\n"
    "  --ranks=N            plan a run on N ranks (mpirun -n N loom-run): "
    "slices and\n"
    "                       FLOPs per rank, and the slicing overhead\n"
    "  --format=text|json   (default text)\n"
    "  --time-budget=SECONDS  search time for auto/random-greedy/partition "
    "(default 0.3)\n"
    "  --seed=N             random seed\n"
    "  --combo-alpha=X      weight of writes in the combo objective "
    "(default 64)\n";

int fail(const std::string &message) {
  std::fprintf(stderr, "loom-einsum-path: error: %s\n", message.c_str());
  return 1;
}

/// Exact integer text for integral values below 2^53, else %.6e (text) or
/// the shortest round-tripping %.17g (JSON).
std::string number(double v, bool exact = false) {
  char buf[64];
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 9007199254740992.0)
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else if (std::isfinite(v))
    std::snprintf(buf, sizeof buf, exact ? "%.17g" : "%.6e", v);
  else
    return "1e999"; // +inf, still a JSON number (parsed as infinity)
  return buf;
}

std::string jsonString(const std::string &s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

bool parseDouble(const std::string &text, double &out) {
  if (text.empty())
    return false;
  char *end = nullptr;
  errno = 0;
  out = std::strtod(text.c_str(), &end);
  return errno == 0 && end == text.c_str() + text.size() && std::isfinite(out);
}

bool parseSeed(const std::string &text, uint64_t &out) {
  if (text.empty() || text.size() > 19)
    return false;
  out = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      return false;
    out = out * 10 + static_cast<uint64_t>(c - '0');
  }
  return true;
}

struct Args {
  std::string spec, sizes, networkFile, format = "text";
  uint64_t ranks = 1;
  bool haveSpec = false, haveSizes = false, haveNetwork = false;
  PathOptions options;
};

/// Parses argv; returns an error message or "".
std::string parseArgs(int argc, char **argv, Args &args) {
  static const char *valued[] = {"--sizes",       "--network",  "--optimize",
                                 "--minimize",    "--memory-limit",
                                 "--format",      "--time-budget", "--seed",
                                 "--combo-alpha", "--ranks"};
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.size() < 2 || arg.compare(0, 2, "--") != 0 || arg == "--") {
      if (arg == "-h")
        return "help";
      if (args.haveSpec)
        return "unexpected argument '" + arg + "' (only one SPEC is allowed)";
      args.spec = arg;
      args.haveSpec = true;
      continue;
    }
    if (arg == "--help")
      return "help";
    std::string key = arg, value;
    size_t eq = arg.find('=');
    bool known = false;
    if (eq != std::string::npos) {
      key = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    }
    for (const char *k : valued)
      known |= key == k;
    if (!known)
      return "unknown option '" + key + "'";
    if (eq == std::string::npos) {
      if (i + 1 >= argc)
        return "option '" + key + "' needs a value";
      value = argv[++i];
    }
    if (key == "--sizes") {
      args.sizes = value;
      args.haveSizes = true;
    } else if (key == "--network") {
      args.networkFile = value;
      args.haveNetwork = true;
    } else if (key == "--optimize") {
      Result<Optimizer> o = parseOptimizer(value);
      if (!o)
        return o.error();
      args.options.optimizer = *o;
    } else if (key == "--minimize") {
      Result<Objective> o = parseObjective(value);
      if (!o)
        return o.error();
      args.options.objective.kind = *o;
    } else if (key == "--memory-limit") {
      double v;
      if (!parseDouble(value, v) || v < 1)
        return "invalid memory limit '" + value +
               "' (expected a number of elements >= 1)";
      args.options.memoryLimit = v;
    } else if (key == "--format") {
      if (value != "text" && value != "json")
        return "unknown format '" + value + "' (expected text or json)";
      args.format = value;
    } else if (key == "--time-budget") {
      double v;
      if (!parseDouble(value, v) || v < 0 || v > 3600)
        return "invalid time budget '" + value +
               "' (expected seconds between 0 and 3600)";
      args.options.timeBudget = v;
    } else if (key == "--seed") {
      if (!parseSeed(value, args.options.seed))
        return "invalid seed '" + value + "'";
    } else if (key == "--ranks") {
      if (!parseSeed(value, args.ranks) || args.ranks < 1 ||
          args.ranks > (uint64_t(1) << 31))
        return "invalid rank count '" + value +
               "' (expected a whole number from 1 to 2^31)";
    } else if (key == "--combo-alpha") {
      double v;
      if (!parseDouble(value, v) || v < 0)
        return "invalid combo alpha '" + value + "'";
      args.options.objective.comboAlpha = v;
    }
  }
  if (args.haveNetwork && (args.haveSpec || args.haveSizes))
    return "--network=FILE cannot be combined with a SPEC or --sizes";
  if (!args.haveNetwork && !args.haveSpec)
    return "missing einsum SPEC or --network=FILE (see --help)";
  return "";
}

Result<Network> loadNetwork(const Args &args) {
  if (args.haveNetwork) {
    std::ifstream in(args.networkFile, std::ios::binary);
    if (!in)
      return Result<Network>::failure("cannot open network file '" +
                                      args.networkFile + "'");
    std::stringstream buffer;
    buffer << in.rdbuf();
    if (in.bad())
      return Result<Network>::failure("cannot read network file '" +
                                      args.networkFile + "'");
    Result<Network> net = parseNetworkJson(buffer.str());
    if (!net)
      return Result<Network>::failure(args.networkFile + ": " + net.error());
    return net;
  }
  Result<SizeList> sizes = parseSizeList(args.sizes);
  if (!sizes)
    return Result<Network>::failure("--sizes: " + sizes.error());
  return parseEinsum(args.spec, *sizes);
}

/// What a run over args.ranks ranks does: each rank contracts a contiguous
/// block of the slices (as the runtime splits them).
struct RankPlan {
  double slicesPerRank = 1;   // the largest block
  double flopsPerRank = 0;    // of the largest block
  double unslicedFlops = 0;   // the best tree without a memory limit
  double overhead = 1;        // sliced total / unsliced FLOPs
};

RankPlan planRanks(const Network &net, const ContractionResult &r,
                   const Args &args) {
  RankPlan plan;
  double slices = std::max(r.numSlices, 1.0);
  plan.slicesPerRank = std::ceil(slices / double(args.ranks));
  plan.flopsPerRank = r.cost.flops / slices * plan.slicesPerRank;
  plan.unslicedFlops = r.cost.flops;
  if (!r.sliced.empty()) {
    PathOptions unlimited = args.options;
    unlimited.memoryLimit = 0;
    ContractionResult best = optimizeContraction(net, unlimited);
    if (best.ok())
      plan.unslicedFlops = best.cost.flops;
  }
  plan.overhead =
      plan.unslicedFlops > 0 ? r.cost.flops / plan.unslicedFlops : 1;
  return plan;
}

void printText(const Network &net, const ContractionResult &r,
               const Args &args) {
  std::vector<NodePair> path = r.tree.toLinearPath();
  if (args.haveSpec)
    std::printf("Spec: %s\n", toEinsumSpec(net).c_str());
  std::printf("Network: %zu tensors, %zu indices\n", net.numTensors(),
              net.numIndices());
  std::printf("Optimizer: %s (result from %s)\n",
              optimizerName(args.options.optimizer), r.method.c_str());
  std::printf("Objective: %s\n", objectiveName(args.options.objective.kind));
  std::printf("Path: [");
  for (size_t i = 0; i < path.size(); ++i)
    std::printf("%s(%d, %d)", i ? ", " : "", path[i].first, path[i].second);
  std::printf("]\n");
  std::printf("FLOPs: %s (log10 %.3f)\n", number(r.cost.flops).c_str(),
              r.cost.flops > 0 ? std::log10(r.cost.flops) : 0.0);
  std::printf("Largest intermediate: %s elements\n",
              number(r.cost.largestIntermediate).c_str());
  std::printf("Total written: %s elements\n",
              number(r.cost.totalWrite).c_str());
  if (r.sliced.empty()) {
    std::printf("Sliced indices: none\n");
  } else {
    std::printf("Sliced indices:");
    for (IndexId i : r.sliced)
      std::printf(" %s", net.indexName(i).c_str());
    std::printf(" (%s slices)\n", number(r.numSlices).c_str());
  }
  if (!r.sliced.empty() || args.ranks > 1) {
    RankPlan plan = planRanks(net, r, args);
    std::printf("Ranks: %llu, each at most %s slices and %s FLOPs "
                "(%.1f%% of the total)\n",
                static_cast<unsigned long long>(args.ranks),
                number(plan.slicesPerRank).c_str(),
                number(plan.flopsPerRank).c_str(),
                r.cost.flops > 0 ? 100.0 * plan.flopsPerRank / r.cost.flops
                                 : 100.0);
    std::printf("Slicing overhead: %.3fx the FLOPs of the best unsliced tree "
                "(%s)\n",
                plan.overhead, number(plan.unslicedFlops).c_str());
  }
  std::printf("Time: %.6f s\n", r.seconds);
}

void printJson(const Network &net, const ContractionResult &r,
               const Args &args) {
  std::vector<NodePair> path = r.tree.toLinearPath();
  std::string s = "{\"path\": [";
  for (size_t i = 0; i < path.size(); ++i)
    s += (i ? ", [" : "[") + std::to_string(path[i].first) + ", " +
         std::to_string(path[i].second) + "]";
  s += "], \"flops\": " + number(r.cost.flops, true);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6f",
                r.cost.flops > 0 ? std::log10(r.cost.flops) : 0.0);
  s += std::string(", \"log10_flops\": ") + buf;
  s += ", \"largest_intermediate\": " +
       number(r.cost.largestIntermediate, true);
  s += ", \"total_write\": " + number(r.cost.totalWrite, true);
  s += ", \"sliced\": [";
  for (size_t i = 0; i < r.sliced.size(); ++i)
    s += (i ? ", " : "") + jsonString(net.indexName(r.sliced[i]));
  s += "], \"num_slices\": " + number(r.numSlices, true);
  RankPlan plan = planRanks(net, r, args);
  s += ", \"ranks\": " + std::to_string(args.ranks);
  s += ", \"slices_per_rank\": " + number(plan.slicesPerRank, true);
  s += ", \"flops_per_rank\": " + number(plan.flopsPerRank, true);
  s += ", \"unsliced_flops\": " + number(plan.unslicedFlops, true);
  std::snprintf(buf, sizeof buf, "%.6f", plan.overhead);
  s += std::string(", \"slicing_overhead\": ") + buf;
  std::snprintf(buf, sizeof buf, "%.6f", r.seconds);
  s += std::string(", \"seconds\": ") + buf;
  s += ", \"optimizer\": " +
       jsonString(optimizerName(args.options.optimizer));
  s += ", \"method\": " + jsonString(r.method);
  s += ", \"minimize\": " +
       jsonString(objectiveName(args.options.objective.kind));
  s += "}\n";
  std::fputs(s.c_str(), stdout);
}

} // namespace

int main(int argc, char **argv) {
  Args args;
  std::string err = parseArgs(argc, argv, args);
  if (err == "help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (!err.empty())
    return fail(err);
  Result<Network> net = loadNetwork(args);
  if (!net)
    return fail(net.error());
  ContractionResult result = optimizeContraction(*net, args.options);
  if (!result.ok())
    return fail(result.error);
  if (args.format == "json")
    printJson(*net, result, args);
  else
    printText(*net, result, args);
  return 0;
}
