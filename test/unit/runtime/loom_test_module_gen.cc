// loom-test-module-gen KIND OUTPUT — writes one of the runtime's test modules
// (see test_module_builder.h) to OUTPUT, for the loom-run lit tests:
//
//   RUN: loom-test-module-gen valid %t.loom
//   RUN: loom-run %t.loom --function=main --input=2x8xf32=1 --input=2x8xf32=2
//
// Kinds: valid, bad-version, bad-identifier, truncated, wrong-target,
// oob-binding, bad-kernel-index, missing-kernel, bad-abi, oldest-abi, cuda,
// cuda-cubin
// (for the cuda device and the fake driver). The modules embed
// the test kernel library from this build tree, so the tool runs there only.
#include "test_module_builder.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>

namespace {

void usage(FILE *out) {
  std::fprintf(out, "usage: loom-test-module-gen KIND OUTPUT\n"
                    "Writes a Loom test module. Kinds:");
  for (const std::string &kind : loom::test::namedModuleKinds())
    std::fprintf(out, " %s", kind.c_str());
  std::fprintf(out, "\n");
}

} // namespace

int main(int argc, char **argv) {
  if (argc == 2 && (!std::strcmp(argv[1], "--help") ||
                    !std::strcmp(argv[1], "-h"))) {
    usage(stdout);
    return 0;
  }
  if (argc != 3) {
    usage(stderr);
    return 1;
  }
  std::vector<uint8_t> bytes;
  try {
    if (!loom::test::makeNamedModule(argv[1], &bytes)) {
      std::fprintf(stderr, "error: unknown module kind '%s'\n", argv[1]);
      usage(stderr);
      return 1;
    }
  } catch (const std::exception &e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  FILE *out = std::fopen(argv[2], "wb");
  bool ok = out != nullptr;
  if (ok)
    ok = std::fwrite(bytes.data(), 1, bytes.size(), out) == bytes.size();
  if (out)
    ok = std::fclose(out) == 0 && ok;
  if (!ok) {
    std::fprintf(stderr, "error: cannot write '%s': %s\n", argv[2],
                 std::strerror(errno));
    return 1;
  }
  return 0;
}
