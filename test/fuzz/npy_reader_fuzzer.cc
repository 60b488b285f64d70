// Fuzz target: the runtime's .npy reader (loom_npy_read_memory, which
// loom-run uses for every --input=@file.npy). An accepted file must give a
// consistent tensor that the writer encodes and the reader reads back
// unchanged. Built as a libFuzzer binary with LOOM_LIBFUZZER defined and
// into LoomFuzzReplayTests without it.
#include "fuzz_targets.h"

#include "fuzz_checks.h"

#include "npy.h"
#include "tensor.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace loom::fuzz {
namespace {

bool sameTensor(const loom_tensor_t *a, const loom_tensor_t *b) {
  return a->dtype == b->dtype && a->shape == b->shape &&
         a->byteSize == b->byteSize &&
         (a->byteSize == 0 || std::memcmp(a->data, b->data, a->byteSize) == 0);
}

} // namespace

loom_status_code_t fuzzNpyReader(const uint8_t *data, size_t size) {
  loom_tensor_t *tensor = nullptr;
  // A NULL pointer is the API's "no data" even when size is 0: give the
  // reader a real (possibly empty) buffer, as a file read would.
  static const uint8_t kEmpty = 0;
  loom_status_code_t code = consume(
      "loom_npy_read_memory",
      loom_npy_read_memory(data ? data : &kEmpty, size, &tensor));
  if (code != LOOM_STATUS_OK) {
    if (tensor)
      violated("a rejected .npy file returned a tensor");
    return code;
  }
  if (!tensor)
    violated("an accepted .npy file returned no tensor");
  // The tensor is what the header says and the file holds.
  size_t elements = 1;
  for (int64_t d : tensor->shape) {
    if (d < 0)
      violated("negative dimension");
    elements *= static_cast<size_t>(d);
  }
  if (elements != loom_tensor_element_count(tensor) ||
      tensor->byteSize != elements * loom_dtype_size(tensor->dtype) ||
      tensor->byteSize > size)
    violated("the tensor's sizes are inconsistent with its shape or file");
  if (tensor->byteSize &&
      std::memcmp(tensor->data, data + size - tensor->byteSize,
                  tensor->byteSize) != 0)
    violated("the tensor's data is not the file's payload");
  // Round trip through the writer.
  std::string encoded;
  rt::Status status = rt::encodeNpy(*tensor, &encoded);
  if (!status.ok())
    violated("cannot encode an accepted tensor: " + status.message());
  loom_tensor_t *again = nullptr;
  if (consume("loom_npy_read_memory (round trip)",
              loom_npy_read_memory(encoded.data(), encoded.size(), &again)) !=
          LOOM_STATUS_OK ||
      !sameTensor(tensor, again))
    violated("the written .npy file does not read back as the same tensor");
  loom_tensor_release(again);
  loom_tensor_release(tensor);
  return LOOM_STATUS_OK;
}

} // namespace loom::fuzz

#ifdef LOOM_LIBFUZZER
extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  loom::fuzz::fuzzNpyReader(data, size);
  return 0;
}
#endif
