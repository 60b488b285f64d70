// Tensors: creation (allocate, copy, wrap), accessors, reading, misuse.
#include "test_helpers.h"

#include <cstring>

namespace loom::test {
namespace {

TEST(TensorTest, AllocateIsZeroedAndAligned) {
  int64_t shape[] = {3, 5};
  loom_tensor_t *t = nullptr;
  LOOM_ASSERT_OK(loom_tensor_allocate(LOOM_DTYPE_F64, 2, shape, &t));
  TensorPtr owner(t);
  EXPECT_EQ(loom_tensor_element_count(t), 15u);
  EXPECT_EQ(loom_tensor_byte_size(t), 120u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(loom_tensor_data(t)) % 64, 0u);
  const double *d = static_cast<const double *>(loom_tensor_data(t));
  for (int i = 0; i < 15; ++i)
    EXPECT_EQ(d[i], 0.0);
  loom_tensor_type_t type = loom_tensor_type(t);
  EXPECT_EQ(type.dtype, LOOM_DTYPE_F64);
  EXPECT_EQ(type.rank, 2u);
  EXPECT_EQ(type.shape[1], 5);
}

TEST(TensorTest, CopyAndRead) {
  TensorPtr t = makeF32({2, 2}, {1, 2, 3, 4});
  float out[4];
  LOOM_ASSERT_OK(loom_tensor_read(t.get(), out, sizeof(out)));
  EXPECT_EQ(out[3], 4.0f);
  LOOM_EXPECT_ERROR(loom_tensor_read(t.get(), out, 8),
                    LOOM_STATUS_INVALID_ARGUMENT,
                    "buffer holds 8 bytes but tensor<2x2xf32> has 16 bytes");
}

TEST(TensorTest, CopyChecksTheDataSize) {
  int64_t shape[] = {4};
  float data[4] = {};
  loom_tensor_t *t = nullptr;
  LOOM_EXPECT_ERROR(
      loom_tensor_create_copy(LOOM_DTYPE_F32, 1, shape, data, 12, &t),
      LOOM_STATUS_INVALID_ARGUMENT,
      "data_size is 12 bytes but tensor<4xf32> needs 16 bytes");
  EXPECT_EQ(t, nullptr);
}

void countRelease(void *user, void *data) {
  ++*static_cast<int *>(user);
  EXPECT_NE(data, nullptr);
}

TEST(TensorTest, WrapCallsReleaseOnceAtTheLastReference) {
  int64_t shape[] = {2};
  int32_t data[2] = {5, 6};
  int released = 0;
  loom_tensor_t *t = nullptr;
  LOOM_ASSERT_OK(loom_tensor_wrap(LOOM_DTYPE_I32, 1, shape, data,
                                  sizeof(data), countRelease, &released, &t));
  EXPECT_EQ(loom_tensor_data(t), data);
  loom_tensor_retain(t);
  loom_tensor_release(t);
  EXPECT_EQ(released, 0);
  loom_tensor_release(t);
  EXPECT_EQ(released, 1);
}

TEST(TensorTest, RejectsBadTypes) {
  int64_t shape[] = {2, -3};
  loom_tensor_t *t = nullptr;
  LOOM_EXPECT_ERROR(loom_tensor_allocate(LOOM_DTYPE_F32, 2, shape, &t),
                    LOOM_STATUS_INVALID_ARGUMENT, "dimension 1 is -3");
  LOOM_EXPECT_ERROR(
      loom_tensor_allocate(static_cast<loom_dtype_t>(9), 0, nullptr, &t),
      LOOM_STATUS_INVALID_ARGUMENT, "unknown dtype 9");
  LOOM_EXPECT_ERROR(loom_tensor_allocate(LOOM_DTYPE_F32, 2, nullptr, &t),
                    LOOM_STATUS_INVALID_ARGUMENT, "shape is NULL but rank is 2");
  int64_t big[] = {1LL << 40, 1LL << 40};
  LOOM_EXPECT_ERROR(loom_tensor_allocate(LOOM_DTYPE_F32, 2, big, &t),
                    LOOM_STATUS_INVALID_ARGUMENT, "overflows");
  int64_t huge[] = {1LL << 50};
  LOOM_EXPECT_ERROR(loom_tensor_allocate(LOOM_DTYPE_I8, 1, huge, &t),
                    LOOM_STATUS_RESOURCE_EXHAUSTED, "out of memory");
  int64_t deep[17] = {};
  LOOM_EXPECT_ERROR(loom_tensor_allocate(LOOM_DTYPE_F32, 17, deep, &t),
                    LOOM_STATUS_INVALID_ARGUMENT, "rank 17 is above");
  LOOM_EXPECT_ERROR(loom_tensor_allocate(LOOM_DTYPE_F32, 0, nullptr, nullptr),
                    LOOM_STATUS_INVALID_ARGUMENT, "'out_tensor' is NULL");
  LOOM_EXPECT_ERROR(
      loom_tensor_wrap(LOOM_DTYPE_F32, 0, nullptr, nullptr, 4, nullptr,
                       nullptr, &t),
      LOOM_STATUS_INVALID_ARGUMENT, "'data' is NULL");
}

TEST(TensorTest, GettersTolerateNull) {
  EXPECT_EQ(loom_tensor_rank(nullptr), 0u);
  EXPECT_EQ(loom_tensor_shape(nullptr), nullptr);
  EXPECT_EQ(loom_tensor_data(nullptr), nullptr);
  EXPECT_EQ(loom_tensor_byte_size(nullptr), 0u);
  loom_tensor_retain(nullptr);
  loom_tensor_release(nullptr);
}

TEST(TensorTest, EmptyTensors) {
  int64_t shape[] = {0, 4};
  loom_tensor_t *t = nullptr;
  LOOM_ASSERT_OK(
      loom_tensor_create_copy(LOOM_DTYPE_F32, 2, shape, nullptr, 0, &t));
  EXPECT_EQ(loom_tensor_element_count(t), 0u);
  LOOM_EXPECT_OK(loom_tensor_read(t, nullptr, 0));
  loom_tensor_release(t);
}

} // namespace
} // namespace loom::test
