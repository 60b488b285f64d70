// Module verification: damaged bytes, wrong versions and targets, and every
// semantic check, each with the message a user would see. Nothing here may
// crash: a bad module is always an error status.
#include "test_helpers.h"
#include "test_module_builder.h"

#include "loom/module_format.h"

#include <functional>

namespace loom::test {
namespace {

using namespace loom::fb;

class ModuleVerifyTest : public ::testing::Test {
protected:
  void SetUp() override { runtime = makeRuntime(1); }

  loom_status_t load(const std::vector<uint8_t> &bytes) {
    loom_module_t *m = nullptr;
    loom_status_t s = loom_module_load_memory(
        runtime.get(), bytes.empty() ? "" : (const void *)bytes.data(),
        bytes.size(), LOOM_MEMORY_COPY, &m);
    EXPECT_TRUE((s == nullptr) != (m == nullptr));
    loom_module_release(m);
    return s;
  }

  // Loads the standard module after `edit`.
  loom_status_t loadEdited(const std::function<void(ModuleT &)> &edit) {
    auto module = makeTestModule();
    edit(*module);
    return load(serialize(*module));
  }

  static DispatchT &mainDispatch(ModuleT &m, int command) {
    return *m.functions[0]->commands[command]->command.AsDispatch();
  }

  RuntimePtr runtime;
};

TEST_F(ModuleVerifyTest, TheStandardModuleIsValid) {
  LOOM_EXPECT_OK(load(serialize(*makeTestModule())));
}

TEST_F(ModuleVerifyTest, EveryTruncationIsAnErrorOrHarmless) {
  std::vector<uint8_t> bytes = serialize(*makeTestModule());
  size_t errors = 0, tried = 0;
  for (size_t length = 0; length < bytes.size();
       length += length < 2048 ? 1 : 61) {
    std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + length);
    loom_status_t s = load(cut);
    ++tried;
    if (s)
      ++errors;
    // Only trailing alignment padding may be cut without harm.
    if (length + 64 <= bytes.size())
      EXPECT_NE(s, nullptr) << "truncated to " << length << " bytes";
    loom_status_free(s);
  }
  EXPECT_GT(errors, tried * 9 / 10);
}

TEST_F(ModuleVerifyTest, TruncatedMessage) {
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(makeNamedModule("truncated", &bytes));
  LOOM_EXPECT_ERROR(load(bytes), LOOM_STATUS_DATA_LOSS,
                    "module file is corrupt or truncated");
  LOOM_EXPECT_ERROR(load({}), LOOM_STATUS_DATA_LOSS, "too small (0 bytes)");
}

// Flips every byte outside the embedded kernel library (whose machine code
// the runtime cannot validate before dlopen) and loads the result.
TEST_F(ModuleVerifyTest, FlippedBytesNeverCrash) {
  auto module = makeTestModule();
  std::vector<uint8_t> bytes = serialize(*module);
  const Module *view = GetModule(bytes.data());
  const uint8_t *libBegin = view->libraries()->Get(0)->data()->data();
  size_t libStart = libBegin - bytes.data();
  size_t libEnd = libStart + view->libraries()->Get(0)->data()->size();
  size_t errors = 0, tried = 0;
  for (size_t pos = 0; pos < bytes.size(); ++pos) {
    if (pos >= libStart && pos < libEnd)
      continue;
    for (uint8_t mask : {0xffu, 0x01u, 0x80u}) {
      std::vector<uint8_t> flipped = bytes;
      flipped[pos] ^= mask;
      loom_status_t s = load(flipped);
      ++tried;
      errors += s != nullptr;
      loom_status_free(s);
    }
  }
  EXPECT_GT(tried, 100u);
  EXPECT_GT(errors, 0u);
}

TEST_F(ModuleVerifyTest, WrongVersionGivesBothNumbers) {
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(makeNamedModule("bad-version", &bytes));
  std::string version = "module format version " +
                        std::to_string(LOOM_MODULE_FORMAT_VERSION + 41) +
                        " is not supported";
  LOOM_EXPECT_ERROR(load(bytes), LOOM_STATUS_INCOMPATIBLE, version.c_str(),
                    "this runtime reads versions 1 to 3");
}

TEST_F(ModuleVerifyTest, WrongVersionWinsOverOtherDamage) {
  auto module = makeTestModule();
  module->format_version = LOOM_MODULE_FORMAT_VERSION + 1;
  std::vector<uint8_t> bytes = serialize(*module);
  bytes.resize(bytes.size() - 200);
  LOOM_EXPECT_ERROR(load(bytes), LOOM_STATUS_INCOMPATIBLE,
                    "module format version 4 is not supported");
}

TEST_F(ModuleVerifyTest, WrongFileIdentifier) {
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(makeNamedModule("bad-identifier", &bytes));
  LOOM_EXPECT_ERROR(load(bytes), LOOM_STATUS_DATA_LOSS,
                    "not a Loom module: file identifier is 'ONNX', expected "
                    "'LOOM'");
  std::vector<uint8_t> text(100, 0);
  LOOM_EXPECT_ERROR(load(text), LOOM_STATUS_DATA_LOSS,
                    "file identifier is '\\x00\\x00\\x00\\x00'");
}

TEST_F(ModuleVerifyTest, WrongTarget) {
  LOOM_EXPECT_ERROR(loadEdited([](ModuleT &m) { m.target = "vulkan"; }),
                    LOOM_STATUS_INCOMPATIBLE,
                    "module was compiled for target 'vulkan' but the "
                    "runtime's device is 'cpu'");
}

TEST_F(ModuleVerifyTest, WrongTargetArchitecture) {
  LOOM_EXPECT_ERROR(
      loadEdited([](ModuleT &m) { m.target_triple = "riscv64-linux-gnu"; }),
      LOOM_STATUS_INCOMPATIBLE,
      "module was compiled for 'riscv64-linux-gnu' but this machine is");
}

TEST_F(ModuleVerifyTest, OutOfBoundsBindingNamesFunctionCommandAndStorage) {
  LOOM_EXPECT_ERROR(
      loadEdited([](ModuleT &m) {
        mainDispatch(m, 1).bindings[2] = ref(Space::arena, 0, 96, 64);
      }),
      LOOM_STATUS_DATA_LOSS,
      "function 'main': command #1 (dispatch of kernel #0 'add_f32'): "
      "binding 2: arena [96, +64) is out of bounds of arena (128 bytes)");
  LOOM_EXPECT_ERROR(
      loadEdited([](ModuleT &m) {
        mainDispatch(m, 1).bindings[0] = ref(Space::input, 0, 8, 64);
      }),
      LOOM_STATUS_DATA_LOSS,
      "binding 0: input 0 [8, +64) is out of bounds of input 0 (64 bytes)");
  LOOM_EXPECT_ERROR(
      loadEdited([](ModuleT &m) {
        mainDispatch(m, 2).bindings[1] =
            ref(Space::constant, 0, UINT64_MAX - 2, 4);
      }),
      LOOM_STATUS_DATA_LOSS, "is out of bounds of constant 0 (4 bytes)");
}

TEST_F(ModuleVerifyTest, OutOfRangeStorageIndices) {
  LOOM_EXPECT_ERROR(
      loadEdited([](ModuleT &m) {
        mainDispatch(m, 1).bindings[1] = ref(Space::input, 2, 0, 4);
      }),
      LOOM_STATUS_DATA_LOSS,
      "input index 2 is out of range (the function has 2 inputs)");
  LOOM_EXPECT_ERROR(
      loadEdited([](ModuleT &m) {
        mainDispatch(m, 2).bindings[1] = ref(Space::constant, 5, 0, 4);
      }),
      LOOM_STATUS_DATA_LOSS,
      "constant index 5 is out of range (the module has 1 constant)");
  LOOM_EXPECT_ERROR(
      loadEdited([](ModuleT &m) {
        mainDispatch(m, 1).bindings[1] =
            BufferRef(static_cast<Space>(9), 0, 0, 4);
      }),
      LOOM_STATUS_DATA_LOSS, "unknown buffer space 9");
}

TEST_F(ModuleVerifyTest, BadKernelIndexAndCounts) {
  LOOM_EXPECT_ERROR(
      loadEdited([](ModuleT &m) { mainDispatch(m, 1).kernel = 7; }),
      LOOM_STATUS_DATA_LOSS,
      "command #1: kernel index 7 is out of range (the module has 3 "
      "kernels)");
  LOOM_EXPECT_ERROR(
      loadEdited([](ModuleT &m) { mainDispatch(m, 1).bindings.pop_back(); }),
      LOOM_STATUS_DATA_LOSS, "has 2 bindings, the kernel takes 3");
  LOOM_EXPECT_ERROR(
      loadEdited([](ModuleT &m) { mainDispatch(m, 1).push_constants = {}; }),
      LOOM_STATUS_DATA_LOSS, "has 0 push constants, the kernel takes 1");
  LOOM_EXPECT_ERROR(
      loadEdited([](ModuleT &m) { mainDispatch(m, 1).workgroup_count[1] = 0; }),
      LOOM_STATUS_DATA_LOSS, "workgroup_count[1] is 0");
  LOOM_EXPECT_ERROR(
      loadEdited([](ModuleT &m) { mainDispatch(m, 1).workgroup_count = {4}; }),
      LOOM_STATUS_DATA_LOSS, "workgroup_count has 1 entries, expected 3");
  LOOM_EXPECT_ERROR(loadEdited([](ModuleT &m) {
                      mainDispatch(m, 1).workgroup_count = {65536, 65536, 1};
                    }),
                    LOOM_STATUS_DATA_LOSS, "more than 2^32-1 workgroups");
}

TEST_F(ModuleVerifyTest, CopiesAndFillsMustNotWriteReadOnlyStorage) {
  LOOM_EXPECT_ERROR(
      loadEdited([](ModuleT &m) {
        m.functions[1]->commands[0]->command.AsCopy()->dst =
            std::make_unique<BufferRef>(ref(Space::input, 0, 0, 20));
      }),
      LOOM_STATUS_DATA_LOSS,
      "function 'copy_fill': command #0 (copy): destination: input 0 [0, "
      "+20) is read-only");
  LOOM_EXPECT_ERROR(
      loadEdited([](ModuleT &m) {
        m.functions[1]->commands[1]->command.AsFill()->dst =
            std::make_unique<BufferRef>(ref(Space::constant, 0, 0, 4));
      }),
      LOOM_STATUS_DATA_LOSS, "(fill): destination: constant 0 [0, +4) is "
                             "read-only");
  LOOM_EXPECT_ERROR(
      loadEdited([](ModuleT &m) {
        m.functions[1]->commands[0]->command.AsCopy()->dst =
            std::make_unique<BufferRef>(ref(Space::output, 0, 0, 16));
      }),
      LOOM_STATUS_DATA_LOSS,
      "(copy): source is 20 bytes but destination is 16");
  LOOM_EXPECT_ERROR(
      loadEdited([](ModuleT &m) {
        m.functions[1]->commands[0]->command.Reset();
      }),
      LOOM_STATUS_DATA_LOSS, "command #0: empty command");
}

TEST_F(ModuleVerifyTest, MissingKernelSymbol) {
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(makeNamedModule("missing-kernel", &bytes));
  LOOM_EXPECT_ERROR(load(bytes), LOOM_STATUS_DATA_LOSS,
                    "kernel #1 'no_such_kernel' is not exported by the "
                    "module's kernel library");
  // A libc function is not a kernel of the module.
  LOOM_EXPECT_ERROR(
      loadEdited([](ModuleT &m) { m.kernels[1]->name = "memcpy"; }),
      LOOM_STATUS_DATA_LOSS, "kernel #1 'memcpy' is not exported");
}

TEST_F(ModuleVerifyTest, KernelAbiVersion) {
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(makeNamedModule("bad-abi", &bytes));
  LOOM_EXPECT_ERROR(load(bytes), LOOM_STATUS_INCOMPATIBLE,
                    "kernel ABI version 99 but this runtime supports "
                    "versions 1 to 2");
}

TEST_F(ModuleVerifyTest, OldestKernelAbiStillLoads) {
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(makeNamedModule("oldest-abi", &bytes));
  LOOM_EXPECT_OK(load(bytes));
}

TEST_F(ModuleVerifyTest, KernelLibraryProblems) {
  LOOM_EXPECT_ERROR(
      loadEdited([](ModuleT &m) { m.libraries[0]->format = "spirv"; }),
      LOOM_STATUS_INCOMPATIBLE,
      "kernel library format 'spirv' cannot run on the cpu device");
  LOOM_EXPECT_ERROR(loadEdited([](ModuleT &m) {
                      m.libraries[0]->data.assign(200, 'x');
                    }),
                    LOOM_STATUS_DATA_LOSS,
                    "kernel library is not an ELF file (200 bytes)");
  LOOM_EXPECT_ERROR(
      loadEdited([](ModuleT &m) { m.libraries[0]->data.resize(100); }),
      LOOM_STATUS_DATA_LOSS,
      "kernel library is truncated or corrupt (100 bytes): its program "
      "headers lie outside the file");
  LOOM_EXPECT_ERROR(loadEdited([](ModuleT &m) {
                      m.libraries[0]->data[16] = 2; // e_type = ET_EXEC
                    }),
                    LOOM_STATUS_INCOMPATIBLE,
                    "kernel library is not a shared object (ELF type 2)");
  LOOM_EXPECT_ERROR(loadEdited([](ModuleT &m) {
                      m.libraries[0]->data[18] ^= 0x40; // e_machine
                    }),
                    LOOM_STATUS_INCOMPATIBLE, "but this machine is");
  LOOM_EXPECT_ERROR(
      loadEdited([](ModuleT &m) {
        auto &data = m.libraries[0]->data;
        data.resize(data.size() / 3); // ELF header intact, body cut
      }),
      LOOM_STATUS_DATA_LOSS, "kernel library is truncated or corrupt");
  LOOM_EXPECT_ERROR(loadEdited([](ModuleT &m) { m.libraries.clear(); }),
                    LOOM_STATUS_DATA_LOSS,
                    "it has 3 kernels and 0 kernel libraries");
}

TEST_F(ModuleVerifyTest, BadTypesAndFunctions) {
  LOOM_EXPECT_ERROR(
      loadEdited([](ModuleT &m) {
        m.functions[0]->inputs[1]->dtype = static_cast<DType>(12);
      }),
      LOOM_STATUS_DATA_LOSS, "function 'main': input 1: unknown dtype 12");
  LOOM_EXPECT_ERROR(
      loadEdited([](ModuleT &m) { m.functions[0]->outputs[0]->shape[0] = -1; }),
      LOOM_STATUS_DATA_LOSS, "function 'main': output 0: dimension 0 is -1");
  LOOM_EXPECT_ERROR(
      loadEdited([](ModuleT &m) { m.functions[2]->name = "main"; }),
      LOOM_STATUS_DATA_LOSS, "duplicate function name 'main'");
  LOOM_EXPECT_ERROR(
      loadEdited([](ModuleT &m) { m.functions[0]->arena_alignment = 48; }),
      LOOM_STATUS_DATA_LOSS, "arena_alignment 48 is not a power of two");
  LOOM_EXPECT_ERROR(
      loadEdited([](ModuleT &m) {
        m.functions[0]->outputs[0]->shape = {INT64_MAX / 2, INT64_MAX / 2};
      }),
      LOOM_STATUS_DATA_LOSS, "overflows");
}

} // namespace
} // namespace loom::test
