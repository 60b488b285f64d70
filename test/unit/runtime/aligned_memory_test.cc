// The aligned allocator and its large-block cache: alignment, reuse of a
// freed block for a request of about its size, no reuse across very
// different sizes, the byte bound, and small blocks bypassing the cache.
// ArenaCache (a function's arenas and slice-loop scratch): a released block
// comes back for the same size and alignment only.
#include "aligned_memory.h"
#include "arena_cache.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

namespace loom::rt {
namespace {

class AlignedMemoryTest : public ::testing::Test {
protected:
  void SetUp() override { trimBufferCache(); }
  void TearDown() override { trimBufferCache(); }
};

bool aligned(const void *p, size_t alignment) {
  return reinterpret_cast<uintptr_t>(p) % alignment == 0;
}

TEST_F(AlignedMemoryTest, SmallAndZeroByteBlocksAreAlignedAndDistinct) {
  void *a = alignedAlloc(0), *b = alignedAlloc(0), *c = alignedAlloc(100, 256);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_NE(a, b);
  EXPECT_TRUE(aligned(a, kBufferAlignment));
  EXPECT_TRUE(aligned(c, 256));
  alignedFree(a);
  alignedFree(b);
  alignedFree(c);
  alignedFree(nullptr);
  EXPECT_EQ(bufferCacheStats().cachedBlocks, 0u) << "small blocks bypass";
}

TEST_F(AlignedMemoryTest, AFreedLargeBlockServesTheNextRequestOfItsSize) {
  BufferCacheStats before = bufferCacheStats();
  if (before.limitBytes < (64u << 20))
    GTEST_SKIP() << "LOOM_BUFFER_CACHE_MB makes the cache too small";
  const size_t size = 16u << 20;
  auto *first = static_cast<unsigned char *>(alignedAlloc(size));
  ASSERT_NE(first, nullptr);
  EXPECT_TRUE(aligned(first, 4096));
  std::memset(first, 1, size); // the whole block is usable
  alignedFree(first);
  EXPECT_EQ(bufferCacheStats().cachedBlocks, 1u);
  EXPECT_EQ(bufferCacheStats().cachedBytes, size);

  void *again = alignedAlloc(size - 100); // same granule: same block
  EXPECT_EQ(again, first);
  EXPECT_EQ(bufferCacheStats().cachedBlocks, 0u);
  EXPECT_EQ(bufferCacheStats().hits, before.hits + 1);

  // A request much smaller than the cached block does not take it.
  alignedFree(again);
  void *small = alignedAlloc(4u << 20);
  EXPECT_NE(small, first);
  EXPECT_EQ(bufferCacheStats().cachedBlocks, 1u);
  // Nor does a larger one.
  void *large = alignedAlloc(size + (1u << 20));
  EXPECT_NE(large, first);
  alignedFree(small);
  alignedFree(large);
}

TEST_F(AlignedMemoryTest, TheCacheStaysWithinItsBound) {
  const size_t limit = bufferCacheStats().limitBytes;
  if (limit == 0)
    GTEST_SKIP() << "cache disabled by LOOM_BUFFER_CACHE_MB=0";
  const size_t size = limit / 3 + 4096;
  void *blocks[4];
  for (void *&b : blocks) {
    b = alignedAlloc(size);
    ASSERT_NE(b, nullptr);
  }
  for (void *b : blocks)
    alignedFree(b);
  BufferCacheStats s = bufferCacheStats();
  EXPECT_LE(s.cachedBytes, limit);
  EXPECT_EQ(s.cachedBlocks, 2u) << "the two oldest were dropped";
  // Blocks larger than the whole bound are never kept.
  void *huge = alignedAlloc(limit + (1u << 20));
  ASSERT_NE(huge, nullptr);
  alignedFree(huge);
  EXPECT_EQ(bufferCacheStats().cachedBlocks, 2u);
}

TEST_F(AlignedMemoryTest, LargeAlignmentsBypassTheCache) {
  void *p = alignedAlloc(2u << 20, 1u << 16);
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(aligned(p, 1u << 16));
  alignedFree(p);
  EXPECT_EQ(bufferCacheStats().cachedBlocks, 0u);
}

TEST(ArenaCacheTest, ReleasedBlockReturnsForTheSameSizeOnly) {
  ArenaCache cache;
  // A released block stays the ArenaCache's (never freed), so no other
  // request can get it, and only a request of its size and alignment does.
  const size_t big = 3 * kLargeBlockBytes, other = 5 * kLargeBlockBytes;
  AlignedPtr a = cache.acquire(big, kBufferAlignment);
  ASSERT_NE(a, nullptr);
  unsigned char *first = a.get();
  first[big - 1] = 7;
  cache.release(std::move(a), big, kBufferAlignment);
  AlignedPtr b = cache.acquire(other, kBufferAlignment);
  ASSERT_NE(b, nullptr);
  EXPECT_NE(b.get(), first);  // another size: a new block
  AlignedPtr c = cache.acquire(big, 4096);
  ASSERT_NE(c, nullptr);
  EXPECT_NE(c.get(), first);  // another alignment: a new block
  EXPECT_TRUE(aligned(c.get(), 4096));
  AlignedPtr d = cache.acquire(big, kBufferAlignment);
  EXPECT_EQ(d.get(), first);  // the released block, still paged in
  EXPECT_EQ(d.get()[big - 1], 7);
}

} // namespace
} // namespace loom::rt
