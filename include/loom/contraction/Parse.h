//===- Parse.h - Einsum specs and JSON network files ------------*- C++ -*-===//
//
// Part of Loom's tensor-network contraction library (LoomContraction).
//
// Readers that build a Network (Network.h) from text. They never throw; a
// failure names the problem (and its position for specs).
//
//===----------------------------------------------------------------------===//
#ifndef LOOM_CONTRACTION_PARSE_H
#define LOOM_CONTRACTION_PARSE_H

#include "loom/contraction/Network.h"
#include "loom/contraction/Result.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace loom {
namespace contraction {

/// (index name, size) pairs.
using SizeList = std::vector<std::pair<std::string, int64_t>>;

/// Parses "a=4,b=8,..." (names of one or more characters other than ',' and
/// '='; sizes positive decimal integers; spaces ignored). Fails on a
/// malformed item, a non-positive or overflowing size or a repeated name.
Result<SizeList> parseSizeList(const std::string &text);

/// Parses a numpy einsum spec such as "ab,bcd,de->ace". Index names are
/// single letters a-z, A-Z; spaces are ignored; an empty term is a scalar.
/// Without "->" the output is numpy's implicit one: the letters occurring
/// exactly once, in sorted (ASCII) order. Index ids are assigned in order of
/// first occurrence. Every letter needs a size in `sizes`; sizes for letters
/// that are not in the spec are an error too. Ellipses ("...") are not
/// supported.
Result<Network> parseEinsum(const std::string &spec, const SizeList &sizes);

/// Parses a network file:
///   {"inputs": [["i0","i1"], ["i1","i2"]], "output": ["i0"],
///    "sizes": {"i0": 2, "i1": 3, "i2": 4}}
/// Index names are arbitrary strings; index ids follow the order of first
/// occurrence in "inputs". "output" may be omitted (then: implicit output as
/// for einsum, indices occurring exactly once, sorted by name). Every index
/// needs a positive integer size; unknown keys are an error.
Result<Network> parseNetworkJson(const std::string &text);

/// The einsum spec of a network whose index names are all single letters
/// (for messages and tests); indices without such names print as '?'.
std::string toEinsumSpec(const Network &network);

} // namespace contraction
} // namespace loom

#endif // LOOM_CONTRACTION_PARSE_H
