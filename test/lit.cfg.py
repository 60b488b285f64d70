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
config.substitutions.append(("%loom_obj", config.loom_obj_root))
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
    if subprocess.run(["/usr/bin/python3", "-c", "import torch, onnx"],
                      capture_output=True).returncode == 0:
        config.available_features.add("torch")
    if subprocess.run(["/usr/bin/python3", "-c", "import torchvision, onnx"],
                      capture_output=True).returncode == 0:
        config.available_features.add("torchvision")
# The loom Python package (build/python), built where pybind11 was found.
import glob
if glob.glob(os.path.join(config.loom_obj_root, "python", "loom", "_loom*.so")):
    config.available_features.add("loom-python")
# CPU kernels are compiled for the host: x86-only code paths (streaming
# stores) are checked on x86 hosts.
import platform
if platform.machine() in ("x86_64", "AMD64"):
    config.available_features.add("x86_64")
if shutil.which("ptxas") or os.path.exists("/usr/local/cuda/bin/ptxas"):
    config.available_features.add("ptxas")
if shutil.which("spirv-val"):
    config.available_features.add("spirv-val")

# GPU targets. %ptxas: the CUDA toolkit's assembler (`ptxas` feature), for
# checking every emitted PTX file.
ptxas = shutil.which("ptxas") or "/usr/local/cuda/bin/ptxas"
config.substitutions.append(("%ptxas", ptxas))
# `vulkan`: a Vulkan device the runtime can create (Mesa's lavapipe in CI).
# loom-run creates the device before it opens the module, so a module that
# does not exist tells the two apart.
loom_run = os.path.join(config.loom_tools_dir, "loom-run")
if os.path.exists(loom_run):
    import subprocess
    try:
        probe = subprocess.run(
            [loom_run, "/nonexistent/probe.loom", "--device=vulkan"],
            capture_output=True, text=True, timeout=120)
        if "--device=vulkan:" not in probe.stderr:
            config.available_features.add("vulkan")
    except subprocess.TimeoutExpired:
        pass
# `vulkan-validation`: the Khronos validation layer is installed
# (LOOM_VULKAN_VALIDATION=1 turns it on; its messages fail the call).
for layers in ["/usr/share/vulkan/explicit_layer.d",
               "/etc/vulkan/explicit_layer.d"]:
    if os.path.exists(os.path.join(layers, "VkLayer_khronos_validation.json")):
        config.available_features.add("vulkan-validation")
# Vulkan's loader and lavapipe read these; pass them through to the tests.
for var in ["VK_ICD_FILENAMES", "VK_DRIVER_FILES", "VK_LAYER_PATH",
            "XDG_RUNTIME_DIR", "HOME"]:
    if var in os.environ:
        config.environment[var] = os.environ[var]

# `mpi`: loom-run was built with libloom_runtime_mpi and mpirun is on PATH
# (Debian's openmpi-bin, libopenmpi-dev). %mpirun runs N ranks on this
# machine, as root too (CI), oversubscribing its cores.
if getattr(config, "loom_have_mpi", "OFF") in ("ON", "TRUE", "1") and \
        shutil.which("mpirun"):
    config.available_features.add("mpi")
config.substitutions.append(
    ("%mpirun", "mpirun --oversubscribe --bind-to none -x PATH"))
config.environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
config.environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
# Shared memory between the ranks of one machine; no network probing.
config.environment["OMPI_MCA_btl"] = "self,vader"
config.environment["OMPI_MCA_btl_vader_single_copy_mechanism"] = "none"

# The optional features this configuration found, one per line: with the
# lit output, scripts/lit_unsupported.py names what each UNSUPPORTED test
# lacked, so a skipped backend is never silent.
OPTIONAL_FEATURES = ["numpy", "torch", "torchvision", "x86_64", "ptxas",
                     "spirv-val", "vulkan", "vulkan-validation", "loom-python",
                     "mpi"]
os.makedirs(config.test_exec_root, exist_ok=True)
with open(os.path.join(config.test_exec_root, "lit-features.txt"), "w") as f:
    for feature in OPTIONAL_FEATURES:
        if feature in config.available_features:
            f.write(feature + "\n")
# LOOM_REQUIRED_FEATURES=a,b (scripts/test.sh sets it under CI=true): a
# feature this machine should have and lacks stops the run, instead of its
# tests being skipped.
required = [f for f in os.environ.get("LOOM_REQUIRED_FEATURES", "").split(",")
            if f]
missing = [f for f in required if f not in config.available_features]
if missing:
    why = {
        "vulkan": "no Vulkan device (install libvulkan1 and Mesa's lavapipe, "
                  "mesa-vulkan-drivers; `loom-run x --device=vulkan` says why)",
        "spirv-val": "spirv-val is not on PATH (Debian's spirv-tools)",
        "ptxas": "the CUDA toolkit is present but ptxas was not found",
        "vulkan-validation": "no Khronos validation layer "
                             "(vulkan-validationlayers)",
        "numpy": "/usr/bin/python3 cannot import numpy (python3-numpy)",
        "torch": "/usr/bin/python3 cannot import torch and onnx "
                 "(python3-torch, python3-onnx)",
        "torchvision": "/usr/bin/python3 cannot import torchvision "
                       "(python3-torchvision)",
        "loom-python": "the loom Python package was not built "
                       "(build/python; needs pybind11-dev and python3-dev)",
        "mpi": "loom-run was built without MPI or mpirun is missing "
               "(openmpi-bin, libopenmpi-dev)",
    }
    lit_config.fatal("required features missing (LOOM_REQUIRED_FEATURES): " +
                     "; ".join(f"{f}: {why.get(f, 'not detected')}"
                               for f in missing))
