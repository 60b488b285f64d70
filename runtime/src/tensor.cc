// Tensors and their C API.
#include "tensor.h"

#include "api_guard.h"
#include "tensor_type.h"

#include <cstring>

loom_tensor_s::~loom_tensor_s() {
  if (ownsData)
    loom::rt::alignedFree(data);
  else if (releaseFn)
    releaseFn(releaseUserData, data);
}

namespace loom::rt {
namespace {

// A tensor object with its type filled in, no data yet.
Status newTensorHeader(loom_dtype_t dtype, const int64_t *shape, size_t rank,
                       const std::string &what,
                       std::unique_ptr<loom_tensor_s> *out) {
  size_t elements = 0, bytes = 0;
  LOOM_RETURN_IF_ERROR(
      checkTensorType(dtype, shape, rank, what, &elements, &bytes));
  auto tensor = std::make_unique<loom_tensor_s>();
  tensor->dtype = dtype;
  tensor->shape.assign(shape, shape + rank);
  tensor->elementCount = elements;
  tensor->byteSize = bytes;
  *out = std::move(tensor);
  return okStatus();
}

Status checkDataSize(const loom_tensor_s &tensor, size_t dataSize,
                     const char *apiName) {
  if (dataSize != tensor.byteSize)
    return error(LOOM_STATUS_INVALID_ARGUMENT, apiName, ": data_size is ",
                 dataSize, " bytes but ",
                 formatType(tensor.dtype, tensor.shape), " needs ",
                 tensor.byteSize, " bytes");
  return okStatus();
}

} // namespace

Status allocateTensor(loom_dtype_t dtype, const int64_t *shape, size_t rank,
                      bool zeroFill, const std::string &what,
                      loom_tensor_t **out) {
  std::unique_ptr<loom_tensor_s> tensor;
  LOOM_RETURN_IF_ERROR(newTensorHeader(dtype, shape, rank, what, &tensor));
  tensor->data = alignedAlloc(tensor->byteSize);
  if (!tensor->data)
    return error(LOOM_STATUS_RESOURCE_EXHAUSTED, what, ": out of memory (",
                 tensor->byteSize, " bytes for ",
                 formatType(dtype, shape, rank), ")");
  tensor->ownsData = true;
  if (zeroFill)
    std::memset(tensor->data, 0, tensor->byteSize);
  *out = tensor.release();
  return okStatus();
}

} // namespace loom::rt

using namespace loom::rt;

extern "C" {

loom_status_t loom_tensor_allocate(loom_dtype_t dtype, size_t rank,
                                   const int64_t *shape,
                                   loom_tensor_t **out_tensor) {
  return guardedCall("loom_tensor_allocate", [&]() -> Status {
    LOOM_CHECK_ARG("loom_tensor_allocate", out_tensor);
    *out_tensor = nullptr;
    return allocateTensor(dtype, shape, rank, /*zeroFill=*/true,
                          "loom_tensor_allocate", out_tensor);
  });
}

loom_status_t loom_tensor_create_copy(loom_dtype_t dtype, size_t rank,
                                      const int64_t *shape, const void *data,
                                      size_t data_size,
                                      loom_tensor_t **out_tensor) {
  const char *api = "loom_tensor_create_copy";
  return guardedCall(api, [&]() -> Status {
    LOOM_CHECK_ARG(api, out_tensor);
    *out_tensor = nullptr;
    if (data == nullptr && data_size != 0)
      return error(LOOM_STATUS_INVALID_ARGUMENT, api,
                   ": argument 'data' is NULL");
    loom_tensor_t *tensor = nullptr;
    LOOM_RETURN_IF_ERROR(
        allocateTensor(dtype, shape, rank, /*zeroFill=*/false, api, &tensor));
    Status status = checkDataSize(*tensor, data_size, api);
    if (!status.ok()) {
      delete tensor;
      return status;
    }
    if (data_size)
      std::memcpy(tensor->data, data, data_size);
    *out_tensor = tensor;
    return okStatus();
  });
}

loom_status_t loom_tensor_wrap(loom_dtype_t dtype, size_t rank,
                               const int64_t *shape, void *data,
                               size_t data_size,
                               loom_tensor_release_fn_t release_fn,
                               void *user_data, loom_tensor_t **out_tensor) {
  const char *api = "loom_tensor_wrap";
  return guardedCall(api, [&]() -> Status {
    LOOM_CHECK_ARG(api, out_tensor);
    *out_tensor = nullptr;
    if (data == nullptr && data_size != 0)
      return error(LOOM_STATUS_INVALID_ARGUMENT, api,
                   ": argument 'data' is NULL");
    std::unique_ptr<loom_tensor_s> tensor;
    LOOM_RETURN_IF_ERROR(newTensorHeader(dtype, shape, rank, api, &tensor));
    LOOM_RETURN_IF_ERROR(checkDataSize(*tensor, data_size, api));
    tensor->data = data;
    tensor->releaseFn = release_fn;
    tensor->releaseUserData = user_data;
    *out_tensor = tensor.release();
    return okStatus();
  });
}

void loom_tensor_retain(loom_tensor_t *tensor) {
  if (tensor)
    tensor->refCount.fetch_add(1, std::memory_order_relaxed);
}

void loom_tensor_release(loom_tensor_t *tensor) {
  if (tensor && tensor->refCount.fetch_sub(1, std::memory_order_acq_rel) == 1)
    delete tensor;
}

loom_dtype_t loom_tensor_dtype(const loom_tensor_t *tensor) {
  return tensor ? tensor->dtype : LOOM_DTYPE_F32;
}

size_t loom_tensor_rank(const loom_tensor_t *tensor) {
  return tensor ? tensor->shape.size() : 0;
}

const int64_t *loom_tensor_shape(const loom_tensor_t *tensor) {
  return tensor ? tensor->shape.data() : nullptr;
}

loom_tensor_type_t loom_tensor_type(const loom_tensor_t *tensor) {
  loom_tensor_type_t type = {LOOM_DTYPE_F32, 0, nullptr};
  if (tensor) {
    type.dtype = tensor->dtype;
    type.rank = tensor->shape.size();
    type.shape = tensor->shape.data();
  }
  return type;
}

size_t loom_tensor_element_count(const loom_tensor_t *tensor) {
  return tensor ? tensor->elementCount : 0;
}

size_t loom_tensor_byte_size(const loom_tensor_t *tensor) {
  return tensor ? tensor->byteSize : 0;
}

void *loom_tensor_data(loom_tensor_t *tensor) {
  return tensor ? tensor->data : nullptr;
}

loom_status_t loom_tensor_read(const loom_tensor_t *tensor, void *buffer,
                               size_t buffer_size) {
  const char *api = "loom_tensor_read";
  return guardedCall(api, [&]() -> Status {
    LOOM_CHECK_ARG(api, tensor);
    if (buffer == nullptr && tensor->byteSize != 0)
      return error(LOOM_STATUS_INVALID_ARGUMENT, api,
                   ": argument 'buffer' is NULL");
    if (buffer_size < tensor->byteSize)
      return error(LOOM_STATUS_INVALID_ARGUMENT, api, ": buffer holds ",
                   buffer_size, " bytes but ",
                   formatType(tensor->dtype, tensor->shape), " has ",
                   tensor->byteSize, " bytes");
    if (tensor->byteSize)
      std::memcpy(buffer, tensor->data, tensor->byteSize);
    return okStatus();
  });
}

} // extern "C"
