"""Fails, naming them, when passes of passes/Passes.td have no lit test.

  every_pass_tested.py PASSES_TD TEST_DIR

A pass counts as tested when some lit test under TEST_DIR runs it: a RUN
line naming `--PASS` (loom-opt's flag for it).
"""
import os
import re
import sys


def main():
    passes_td, test_dir = sys.argv[1], sys.argv[2]
    with open(passes_td) as f:
        passes = re.findall(r'^def \w+ : Pass<"([a-z0-9-]+)"', f.read(), re.M)
    if not passes:
        print(f"no passes found in {passes_td}")
        return 1
    run_lines = []
    for root, _, files in os.walk(test_dir):
        for name in files:
            if not name.endswith((".mlir", ".test")):
                continue
            with open(os.path.join(root, name), errors="replace") as f:
                run_lines += [l for l in f if "RUN:" in l]
    text = "".join(run_lines)
    untested = [p for p in passes
                if not re.search(r"--" + re.escape(p) + r"(?![a-z0-9-])", text)]
    for p in untested:
        print(f"pass --{p} has no lit test (no RUN line runs it)")
    print(f"{len(passes) - len(untested)} of {len(passes)} passes tested")
    return 1 if untested else 0


if __name__ == "__main__":
    sys.exit(main())
