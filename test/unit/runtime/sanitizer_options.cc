// Under AddressSanitizer, let impossible allocations fail with NULL (as they
// do in production) instead of aborting: the tests check that the runtime
// reports them as RESOURCE_EXHAUSTED.
#if defined(__SANITIZE_ADDRESS__)
#define LOOM_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LOOM_TEST_ASAN 1
#endif
#endif

#ifdef LOOM_TEST_ASAN
extern "C" const char *__asan_default_options() {
  return "allocator_may_return_null=1";
}
#endif
