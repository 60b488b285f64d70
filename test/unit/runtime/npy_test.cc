// .npy reading and writing: round trips for every dtype, files as NumPy
// writes them, and clear rejection of malformed or unsupported files.
#include "test_helpers.h"

#include <cstdio>
#include <cstring>

namespace loom::test {
namespace {

// A .npy file as NumPy writes it: magic, version, header length, the dict
// padded with spaces to a 64-byte boundary and ended by '\n', then data.
std::string npyFile(const std::string &dict, const std::string &data,
                    int major = 1) {
  std::string header = dict;
  size_t prefix = major == 1 ? 10 : 12;
  while ((prefix + header.size() + 1) % 64 != 0)
    header += ' ';
  header += '\n';
  std::string file = "\x93NUMPY";
  file += static_cast<char>(major);
  file += '\0';
  size_t length = header.size();
  for (size_t i = 0; i < (major == 1 ? 2u : 4u); ++i)
    file += static_cast<char>((length >> (8 * i)) & 0xff);
  return file + header + data;
}

std::string floatBytes(const std::vector<float> &v) {
  return std::string(reinterpret_cast<const char *>(v.data()),
                     v.size() * sizeof(float));
}

loom_status_t readMemory(const std::string &file, TensorPtr *out) {
  loom_tensor_t *t = nullptr;
  loom_status_t s = loom_npy_read_memory(file.data(), file.size(), &t);
  out->reset(t);
  return s;
}

TEST(NpyTest, ReadsWhatNumPyWrites) {
  std::string file =
      npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
              floatBytes({0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(file.size() % 64, 24u); // header padded to 64, then 24 data bytes
  TensorPtr t;
  LOOM_ASSERT_OK(readMemory(file, &t));
  EXPECT_EQ(loom_tensor_dtype(t.get()), LOOM_DTYPE_F32);
  ASSERT_EQ(loom_tensor_rank(t.get()), 2u);
  EXPECT_EQ(loom_tensor_shape(t.get())[0], 2);
  EXPECT_EQ(loom_tensor_shape(t.get())[1], 3);
  EXPECT_EQ(f32Values(t.get()), (std::vector<float>{0, 1, 2, 3, 4, 5}));
}

TEST(NpyTest, ReadsVersion2KeyOrderAndScalars) {
  TensorPtr t;
  LOOM_ASSERT_OK(readMemory(
      npyFile("{'shape': (), 'fortran_order': False, 'descr': '<i8'}",
              std::string("\x2a\0\0\0\0\0\0\0", 8), /*major=*/2),
      &t));
  EXPECT_EQ(loom_tensor_dtype(t.get()), LOOM_DTYPE_I64);
  EXPECT_EQ(loom_tensor_rank(t.get()), 0u);
  EXPECT_EQ(*static_cast<int64_t *>(loom_tensor_data(t.get())), 42);
  LOOM_ASSERT_OK(readMemory(
      npyFile("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }",
              std::string("\1\0\1", 3)),
      &t));
  EXPECT_EQ(loom_tensor_dtype(t.get()), LOOM_DTYPE_I1);
  EXPECT_EQ(loom_tensor_shape(t.get())[0], 3);
}

TEST(NpyTest, RoundTripsEveryDType) {
  std::string path = tempPath("npy-roundtrip.npy");
  for (int d = LOOM_DTYPE_F32; d <= LOOM_DTYPE_F64; ++d) {
    auto dtype = static_cast<loom_dtype_t>(d);
    for (std::vector<int64_t> shape :
         {std::vector<int64_t>{}, {4}, {2, 3}, {0, 5}, {1, 2, 1, 3}}) {
      loom_tensor_t *t = nullptr;
      LOOM_ASSERT_OK(
          loom_tensor_allocate(dtype, shape.size(), shape.data(), &t));
      TensorPtr original(t);
      auto *bytes = static_cast<unsigned char *>(loom_tensor_data(t));
      for (size_t i = 0; i < loom_tensor_byte_size(t); ++i)
        bytes[i] = dtype == LOOM_DTYPE_I1 ? (i & 1) : (i * 37 + 11) & 0xff;
      LOOM_ASSERT_OK(loom_npy_write_file(path.c_str(), t));
      loom_tensor_t *back = nullptr;
      LOOM_ASSERT_OK(loom_npy_read_file(path.c_str(), &back));
      TensorPtr reread(back);
      EXPECT_EQ(loom_tensor_dtype(back), dtype) << loom_dtype_name(dtype);
      ASSERT_EQ(loom_tensor_rank(back), shape.size());
      for (size_t i = 0; i < shape.size(); ++i)
        EXPECT_EQ(loom_tensor_shape(back)[i], shape[i]);
      ASSERT_EQ(loom_tensor_byte_size(back), loom_tensor_byte_size(t));
      EXPECT_EQ(std::memcmp(loom_tensor_data(back), bytes,
                            loom_tensor_byte_size(t)),
                0);
    }
  }
  std::remove(path.c_str());
}

TEST(NpyTest, WritesANumPyCompatibleHeader) {
  TensorPtr t = makeF32({3}, {1, 2, 3});
  std::string path = tempPath("npy-header.npy");
  LOOM_ASSERT_OK(loom_npy_write_file(path.c_str(), t.get()));
  FILE *f = std::fopen(path.c_str(), "rb");
  ASSERT_NE(f, nullptr);
  char buffer[256];
  size_t n = std::fread(buffer, 1, sizeof(buffer), f);
  std::fclose(f);
  std::remove(path.c_str());
  std::string file(buffer, n);
  EXPECT_EQ(file, npyFile("{'descr': '<f4', 'fortran_order': False, "
                          "'shape': (3,), }",
                          floatBytes({1, 2, 3})));
}

struct BadNpy {
  const char *name;
  std::string file;
  loom_status_code_t code;
  const char *message;
};

// gtest would otherwise print the struct's raw bytes, padding included.
void PrintTo(const BadNpy &bad, std::ostream *os) { *os << bad.name; }

class NpyRejectTest : public ::testing::TestWithParam<BadNpy> {};

TEST_P(NpyRejectTest, RejectsWithAClearMessage) {
  TensorPtr t;
  LOOM_EXPECT_ERROR(readMemory(GetParam().file, &t), GetParam().code,
                    GetParam().message);
  EXPECT_EQ(t, nullptr);
}

const std::string kF32 =
    "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";

INSTANTIATE_TEST_SUITE_P(
    Malformed, NpyRejectTest,
    ::testing::Values(
        BadNpy{"NotNpy", "PK\3\4 this is a zip", LOOM_STATUS_DATA_LOSS,
               "not a .npy file"},
        BadNpy{"Empty", "", LOOM_STATUS_DATA_LOSS, "not a .npy file"},
        BadNpy{"FortranOrder",
               npyFile("{'descr': '<f4', 'fortran_order': True, 'shape': "
                       "(2,), }",
                       floatBytes({1, 2})),
               LOOM_STATUS_UNIMPLEMENTED, "fortran_order=True is not "
                                          "supported"},
        BadNpy{"BigEndian",
               npyFile("{'descr': '>f4', 'fortran_order': False, 'shape': "
                       "(2,), }",
                       floatBytes({1, 2})),
               LOOM_STATUS_UNIMPLEMENTED, "big-endian .npy data ('>f4')"},
        BadNpy{"UnsupportedDType",
               npyFile("{'descr': '<c8', 'fortran_order': False, 'shape': "
                       "(2,), }",
                       floatBytes({1, 2, 3, 4})),
               LOOM_STATUS_UNIMPLEMENTED, "unsupported .npy dtype '<c8'"},
        BadNpy{"StructuredDType",
               npyFile("{'descr': [('a', '<f4')], 'fortran_order': False, "
                       "'shape': (2,), }",
                       floatBytes({1, 2})),
               LOOM_STATUS_DATA_LOSS, "malformed .npy header"},
        BadNpy{"TruncatedData", npyFile(kF32, floatBytes({1})),
               LOOM_STATUS_DATA_LOSS,
               "truncated .npy file: tensor<2xf32> needs 8 bytes of data, "
               "the file has 4"},
        BadNpy{"ExtraData", npyFile(kF32, floatBytes({1, 2, 3})),
               LOOM_STATUS_DATA_LOSS, "oversized .npy file"},
        BadNpy{"TruncatedHeader", npyFile(kF32, "").substr(0, 40),
               LOOM_STATUS_DATA_LOSS, "header says"},
        BadNpy{"MissingShape",
               npyFile("{'descr': '<f4', 'fortran_order': False}", ""),
               LOOM_STATUS_DATA_LOSS, "must have 'descr', 'fortran_order' "
                                      "and 'shape'"},
        BadNpy{"NegativeDim",
               npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': "
                       "(-1,), }",
                       ""),
               LOOM_STATUS_DATA_LOSS, "non-negative integer dimension"},
        BadNpy{"HugeShape",
               npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': "
                       "(4294967296, 4294967296, 4294967296), }",
                       ""),
               LOOM_STATUS_DATA_LOSS, "overflows"},
        BadNpy{"UnknownVersion", npyFile(kF32, floatBytes({1, 2}), 7),
               LOOM_STATUS_UNIMPLEMENTED, ".npy format version 7.0 is not "
                                          "supported"}),
    [](const ::testing::TestParamInfo<BadNpy> &info) {
      return info.param.name;
    });

TEST(NpyTest, FileErrorsNameThePath) {
  loom_tensor_t *t = nullptr;
  LOOM_EXPECT_ERROR(loom_npy_read_file("/nonexistent/in.npy", &t),
                    LOOM_STATUS_NOT_FOUND,
                    "cannot open '/nonexistent/in.npy'");
  TensorPtr x = makeF32({1}, {1});
  LOOM_EXPECT_ERROR(loom_npy_write_file("/nonexistent/out.npy", x.get()),
                    LOOM_STATUS_NOT_FOUND,
                    "cannot create '/nonexistent/out.npy'");
  LOOM_EXPECT_ERROR(loom_npy_read_file(nullptr, &t),
                    LOOM_STATUS_INVALID_ARGUMENT, "'path' is NULL");
}

} // namespace
} // namespace loom::test
