//===- ParseTest.cpp - Einsum specs, size lists, JSON network files -------===//
#include "TestUtil.h"

using namespace loom::contraction;
using namespace loom::contraction::testing;

namespace {
std::string specError(const std::string &einsum, const std::string &sizes) {
  Result<SizeList> list = parseSizeList(sizes);
  if (!list)
    return list.error();
  Result<Network> net = parseEinsum(einsum, *list);
  return net ? std::string() : net.error();
}
std::string jsonError(const std::string &text) {
  Result<Network> net = parseNetworkJson(text);
  return net ? std::string() : net.error();
}
} // namespace

TEST(Parse, ExplicitSpec) {
  Network n = spec("ab,bcd,de->ace", "a=2,b=3,c=4,d=5,e=6");
  ASSERT_EQ(n.numTensors(), 3u);
  ASSERT_EQ(n.numIndices(), 5u);
  EXPECT_EQ(n.inputs[1], (std::vector<IndexId>{1, 2, 3}));
  EXPECT_EQ(n.output, (std::vector<IndexId>{0, 2, 4}));
  EXPECT_EQ(n.sizes[3], 5);
  EXPECT_EQ(n.indexName(2), "c");
  EXPECT_EQ(toEinsumSpec(n), "ab,bcd,de->ace");
}

TEST(Parse, ImplicitOutputIsSortedSingletons) {
  // numpy: letters occurring once, sorted (upper case first, as in ASCII).
  Network n = spec("ba,cB", "a=2,b=3,c=4,B=5");
  EXPECT_EQ(toEinsumSpec(n), "ba,cB->Babc");
  Network trace = spec("ii", "i=3");
  EXPECT_TRUE(trace.output.empty());
  Network chain = spec("ab,bc", "a=2,b=3,c=4");
  EXPECT_EQ(toEinsumSpec(chain), "ab,bc->ac");
}

TEST(Parse, ScalarsSpacesAndEmptyOutput) {
  Network n = spec(" ,ab , b -> ", "a=2,b=3");
  ASSERT_EQ(n.numTensors(), 3u);
  EXPECT_TRUE(n.inputs[0].empty());
  EXPECT_TRUE(n.output.empty());
}

TEST(Parse, SpecErrorsNameTheProblem) {
  EXPECT_NE(specError("ab,bc->ac", "a=2,b=3").find("no size given for index 'c'"),
            std::string::npos);
  EXPECT_NE(specError("ab->a", "a=2,b=3,z=4").find("'z'"), std::string::npos);
  EXPECT_NE(specError("a1,b->", "a=2,b=3").find("invalid character '1'"),
            std::string::npos);
  EXPECT_NE(specError("ab->aa", "a=2,b=3").find("more than once"),
            std::string::npos);
  EXPECT_NE(specError("ab->c", "a=2,b=3,c=2").find("does not appear in any input"),
            std::string::npos);
  EXPECT_NE(specError("...a->a", "a=2").find("ellipsis"), std::string::npos);
  EXPECT_NE(specError("a->a->a", "a=2").find("more than one"), std::string::npos);
  EXPECT_NE(specError("", "").find("empty"), std::string::npos);
  EXPECT_NE(specError("a-b", "a=2,b=2").find("invalid character '-'"),
            std::string::npos);
}

TEST(Parse, SizeList) {
  Result<SizeList> ok = parseSizeList("a=4, bond=16,x1=1");
  ASSERT_TRUE(ok.ok()) << ok.error();
  ASSERT_EQ(ok->size(), 3u);
  EXPECT_EQ((*ok)[1], (std::pair<std::string, int64_t>("bond", 16)));
  EXPECT_TRUE(parseSizeList("").ok());
  EXPECT_FALSE(parseSizeList("a=0").ok());
  EXPECT_FALSE(parseSizeList("a=-3").ok());
  EXPECT_FALSE(parseSizeList("a=4x").ok());
  EXPECT_FALSE(parseSizeList("a").ok());
  EXPECT_FALSE(parseSizeList("=4").ok());
  EXPECT_FALSE(parseSizeList("a=4,,b=2").ok());
  EXPECT_FALSE(parseSizeList("a=99999999999999999999").ok());
  Result<SizeList> dup = parseSizeList("a=2,a=3");
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.error().find("twice"), std::string::npos);
}

TEST(Parse, JsonNetwork) {
  Result<Network> n = parseNetworkJson(R"({
    "inputs": [["left", "bond"], ["bond", "right"], []],
    "output": ["right", "left"],
    "sizes": {"left": 2, "bond": 30, "right": 4}
  })");
  ASSERT_TRUE(n.ok()) << n.error();
  EXPECT_EQ(n->numTensors(), 3u);
  EXPECT_EQ(n->indexName(n->output[0]), "right");
  EXPECT_EQ(n->sizes[1], 30);
  // Implicit output: names occurring once, sorted.
  Result<Network> implicit = parseNetworkJson(
      R"({"inputs": [["z", "k"], ["k", "a"]], "sizes": {"z": 2, "k": 3, "a": 4}})");
  ASSERT_TRUE(implicit.ok()) << implicit.error();
  ASSERT_EQ(implicit->output.size(), 2u);
  EXPECT_EQ(implicit->indexName(implicit->output[0]), "a");
  // Unicode escapes become UTF-8 names.
  Result<Network> unicode = parseNetworkJson(
      R"({"inputs": [["\u00e9"]], "output": [], "sizes": {"\u00e9": 2}})");
  ASSERT_TRUE(unicode.ok()) << unicode.error();
  EXPECT_EQ(unicode->indexName(0), "\xc3\xa9");
}

TEST(Parse, JsonErrorsNameTheProblem) {
  EXPECT_NE(jsonError("[1]").find("JSON object"), std::string::npos);
  EXPECT_NE(jsonError(R"({"inputs": [["a"]]})").find("no \"sizes\""),
            std::string::npos);
  EXPECT_NE(jsonError(R"({"sizes": {}})").find("no \"inputs\""),
            std::string::npos);
  EXPECT_NE(jsonError(R"({"inputs": [["a", 3]], "sizes": {"a": 2}})")
                .find("inputs[0][1] must be a string"),
            std::string::npos);
  EXPECT_NE(jsonError(R"({"inputs": [["a"]], "sizes": {"a": 2.5}})")
                .find("size of index \"a\""),
            std::string::npos);
  EXPECT_NE(jsonError(R"({"inputs": [["a"]], "sizes": {"a": 0}})")
                .find("size of index \"a\""),
            std::string::npos);
  EXPECT_NE(jsonError(R"({"inputs": [["a"]], "sizes": {}})")
                .find("no size given for index 'a'"),
            std::string::npos);
  EXPECT_NE(jsonError(R"({"inputs": [["a"]], "output": ["b"], "sizes": {"a": 2, "b": 2}})")
                .find("'b'"),
            std::string::npos);
  EXPECT_NE(jsonError(R"({"inputs": [["a"]], "sizes": {"a": 2}, "extra": 1})")
                .find("unknown key \"extra\""),
            std::string::npos);
  EXPECT_NE(jsonError(R"({"inputs": [["a"]], "sizes": {"a": 2})")
                .find("line 1"),
            std::string::npos);
  EXPECT_NE(jsonError(R"({"inputs": [], "sizes": {}})").find("no input tensors"),
            std::string::npos);
  EXPECT_NE(jsonError(R"({"inputs": [["a"]], "sizes": {"a": 2, "a": 3}})")
                .find("duplicate key"),
            std::string::npos);
  EXPECT_NE(jsonError(std::string(200, '[')).find("nesting deeper"),
            std::string::npos);
  EXPECT_NE(jsonError("{\"inputs\": [[\"a\"]], \"sizes\": {\"a\": 2}} x")
                .find("unexpected text"),
            std::string::npos);
}

TEST(Network, ValidateNamesTheProblem) {
  Network n;
  EXPECT_NE(n.validate().find("no input tensors"), std::string::npos);
  IndexId a = n.addIndex(3, "a");
  n.addInput({a, 5});
  EXPECT_NE(n.validate().find("index id 5"), std::string::npos);
  n.inputs[0] = {a};
  n.sizes[a] = 0;
  EXPECT_NE(n.validate().find("size 0"), std::string::npos);
  n.sizes[a] = 3;
  n.output = {a, a};
  EXPECT_NE(n.validate().find("more than once"), std::string::npos);
  IndexId b = n.addIndex(2);
  n.output = {b};
  EXPECT_NE(n.validate().find("'#1' appears in no input"), std::string::npos);
  n.output = {a};
  EXPECT_EQ(n.validate(), "");
}
