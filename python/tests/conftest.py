"""pytest set-up for the loom package's tests (python/tests).

Run with Debian's /usr/bin/python3 (numpy, torch, onnx) and the package on
the path: PYTHONPATH=build/python /usr/bin/python3 -m pytest python/tests
(scripts/test.sh's `python` step does this)."""
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLES = os.path.join(ROOT, "examples")
DATA = os.path.join(EXAMPLES, "data")

# The model table of the backend numerics test: inputs, tolerances, outputs.
sys.path.insert(0, os.path.join(ROOT, "test", "numerics"))


@pytest.fixture
def examples():
    return EXAMPLES


@pytest.fixture
def data():
    return DATA
