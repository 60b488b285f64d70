// Statuses, versions, dtypes and type formatting.
#include "test_helpers.h"

#include "loom/module_format.h"

#include <cstring>

namespace loom::test {
namespace {

TEST(StatusTest, NullIsOk) {
  EXPECT_EQ(loom_status_code(nullptr), LOOM_STATUS_OK);
  EXPECT_STREQ(loom_status_message(nullptr), "OK");
  loom_status_free(nullptr);
}

TEST(StatusTest, ErrorsCarryCodeAndMessage) {
  loom_dtype_t dtype;
  loom_status_t s = loom_dtype_parse("f33", &dtype);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(loom_status_code(s), LOOM_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(loom_status_message(s),
               "unknown dtype 'f33' (expected one of f32, f16, bf16, i32, "
               "i64, i1, i8, f64)");
  loom_status_free(s);
}

TEST(StatusTest, CodeNames) {
  EXPECT_STREQ(loom_status_code_name(LOOM_STATUS_OK), "OK");
  EXPECT_STREQ(loom_status_code_name(LOOM_STATUS_DATA_LOSS), "DATA_LOSS");
  EXPECT_STREQ(loom_status_code_name(LOOM_STATUS_INTERNAL), "INTERNAL");
  EXPECT_STREQ(loom_status_code_name(static_cast<loom_status_code_t>(99)),
               "UNKNOWN");
}

TEST(VersionTest, Versions) {
  EXPECT_STRNE(loom_runtime_version(), "");
  EXPECT_EQ(loom_runtime_module_format_version(), LOOM_MODULE_FORMAT_VERSION);
}

TEST(DTypeTest, NamesSizesAndParsing) {
  struct Case {
    loom_dtype_t dtype;
    const char *name;
    size_t size;
  } cases[] = {{LOOM_DTYPE_F32, "f32", 4}, {LOOM_DTYPE_F16, "f16", 2},
               {LOOM_DTYPE_BF16, "bf16", 2}, {LOOM_DTYPE_I32, "i32", 4},
               {LOOM_DTYPE_I64, "i64", 8}, {LOOM_DTYPE_I1, "i1", 1},
               {LOOM_DTYPE_I8, "i8", 1},   {LOOM_DTYPE_F64, "f64", 8}};
  for (const Case &c : cases) {
    EXPECT_STREQ(loom_dtype_name(c.dtype), c.name);
    EXPECT_EQ(loom_dtype_size(c.dtype), c.size);
    loom_dtype_t parsed;
    LOOM_EXPECT_OK(loom_dtype_parse(c.name, &parsed));
    EXPECT_EQ(parsed, c.dtype);
  }
  loom_dtype_t parsed;
  LOOM_EXPECT_OK(loom_dtype_parse("bool", &parsed));
  EXPECT_EQ(parsed, LOOM_DTYPE_I1);
  EXPECT_STREQ(loom_dtype_name(static_cast<loom_dtype_t>(42)), "?");
  EXPECT_EQ(loom_dtype_size(static_cast<loom_dtype_t>(42)), 0u);
  LOOM_EXPECT_ERROR(loom_dtype_parse(nullptr, &parsed),
                    LOOM_STATUS_INVALID_ARGUMENT, "must not be NULL");
}

TEST(TensorTypeTest, Formatting) {
  int64_t shape[] = {2, 3};
  loom_tensor_type_t type = {LOOM_DTYPE_BF16, 2, shape};
  char buffer[64];
  EXPECT_EQ(loom_tensor_type_format(type, buffer, sizeof(buffer)), 16u);
  EXPECT_STREQ(buffer, "tensor<2x3xbf16>");
  EXPECT_EQ(loom_tensor_type_format(type, buffer, 8), 16u);
  EXPECT_STREQ(buffer, "tensor<");
  EXPECT_EQ(loom_tensor_type_format(type, nullptr, 0), 16u);
  loom_tensor_type_t scalar = {LOOM_DTYPE_I1, 0, nullptr};
  loom_tensor_type_format(scalar, buffer, sizeof(buffer));
  EXPECT_STREQ(buffer, "tensor<i1>");
  loom_tensor_type_t broken = {LOOM_DTYPE_F32, 3, nullptr};
  loom_tensor_type_format(broken, buffer, sizeof(buffer));
  EXPECT_STREQ(buffer, "tensor<?>");
}

} // namespace
} // namespace loom::test
