#!/usr/bin/env python3
"""Says which lit tests were UNSUPPORTED and which features they lacked.

  lit_unsupported.py LIT_OUTPUT FEATURES_FILE

LIT_OUTPUT is the output of `lit -sv --show-unsupported`; FEATURES_FILE the
optional features the configuration found (test/lit.cfg.py writes it as
build/test/lit-features.txt). Prints one summary line, then the tests by the
features they lacked. Exits 0 always: whether a skip is allowed is decided
by LOOM_REQUIRED_FEATURES in lit.cfg.py.
"""
import collections
import os
import re
import sys


def directives(path, keyword):
    """The conditions of every `KEYWORD:` line in a test file."""
    out = []
    try:
        with open(path, errors="replace") as f:
            for line in f:
                m = re.search(keyword + r":(.*)$", line)
                if m:
                    out.append(m.group(1).strip())
    except OSError:
        pass
    return out


def main():
    lit_output, features_file = sys.argv[1], sys.argv[2]
    try:
        with open(features_file) as f:
            available = {line.strip() for line in f if line.strip()}
    except OSError:
        available = set()
    source_root = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                               "..", "..", "test")
    # lit names them per test ("UNSUPPORTED: Suite :: name (3 of 9)") or,
    # with -s, in a block after the run ("Unsupported Tests (2):" then
    # "  Suite :: name" lines).
    tests = []
    in_block = False
    with open(lit_output, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            m = re.match(r"^UNSUPPORTED: (\S+) :: (.+?)(?: \(\d+ of \d+\))?$",
                         line.strip())
            if m:
                tests.append((m.group(1), m.group(2)))
                continue
            if re.match(r"^\*+$", line.strip()) and in_block:
                continue
            if re.match(r"^Unsupported Tests \(\d+\):", line):
                in_block = True
                continue
            b = re.match(r"^  (\S+) :: (.+)$", line) if in_block else None
            if b:
                tests.append((b.group(1), b.group(2)))
            elif in_block and line.strip():
                in_block = False
    tests = sorted(set(tests))
    by_reason = collections.defaultdict(list)
    for suite, name in tests:
        if suite.startswith("Loom-Unit"):
            by_reason["skipped by the unit test itself (GTEST_SKIP)"].append(name)
            continue
        path = os.path.join(source_root, name)
        lacked = set()
        for cond in directives(path, "REQUIRES"):
            for token in re.findall(r"[A-Za-z0-9_.+-]+", cond):
                if token not in available:
                    lacked.add(token)
        if lacked:
            reason = "lacking " + ", ".join(sorted(lacked))
        elif directives(path, "UNSUPPORTED"):
            reason = "UNSUPPORTED: " + "; ".join(directives(path, "UNSUPPORTED"))
        else:
            reason = "no REQUIRES line explains it"
        by_reason[reason].append(name)
    print(f"unsupported: {len(tests)} lit tests" +
          ("" if not tests else " (" + "; ".join(
              f"{len(v)} {k}" for k, v in sorted(by_reason.items())) + ")"))
    for reason, names in sorted(by_reason.items()):
        print(f"  {reason}:")
        for name in sorted(names):
            print(f"    {name}")
    print("features present: " + (", ".join(sorted(available)) or "none"))


if __name__ == "__main__":
    main()
