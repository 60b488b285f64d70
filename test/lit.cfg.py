# -*- Python -*-
# The Loom lit suite: dialect round trips and verifier errors, passes,
# conversions, tools, and end-to-end runs of compiled models.

import os
import shutil

import lit.formats
from lit.llvm import llvm_config

config.name = "Loom"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.loom_obj_root, "test")
# Unit tests are their own suite (test/unit/lit.cfg.py); Inputs hold data.
config.excludes = ["unit", "Inputs", "CMakeLists.txt", "lit.cfg.py",
                   "lit.site.cfg.py", "fuzz"]

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%loom_src", config.loom_src_root))
config.substitutions.append(("%python", config.host_python))
config.substitutions.append(("%examples", os.path.join(config.loom_src_root,
                                                       "examples")))

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.loom_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

tools = ["loom-opt", "loom-compile", "loom-run", "loom-einsum-path",
         "loom-test-module-gen", "loom-import", "loom-onnx-conformance"]
llvm_config.add_tool_substitutions(
    tools, [config.loom_tools_dir, config.llvm_tools_dir])

# Optional capabilities, for `REQUIRES:` lines.
if os.path.exists("/usr/bin/python3"):
    import subprocess
    if subprocess.run(["/usr/bin/python3", "-c", "import numpy"],
                      capture_output=True).returncode == 0:
        config.available_features.add("numpy")
if shutil.which("ptxas") or os.path.exists("/usr/local/cuda/bin/ptxas"):
    config.available_features.add("ptxas")
if shutil.which("spirv-val"):
    config.available_features.add("spirv-val")
