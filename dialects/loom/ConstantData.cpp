//===- ConstantData.cpp - bytes of constant tensors -----------------------===//
#include "loom/dialect/ConstantData.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <cstring>

using namespace mlir;

namespace loom {

int64_t storageBytesPerElement(Type elementType) {
  if (elementType.isInteger(1))
    return 1;
  return (elementType.getIntOrFloatBitWidth() + 7) / 8;
}

LogicalResult getConstantBytes(ElementsAttr attr, std::vector<char> &bytes) {
  auto type = cast<ShapedType>(attr.getType());
  Type elementType = type.getElementType();
  if (!elementType.isIntOrFloat())
    return failure();
  int64_t width = storageBytesPerElement(elementType);
  int64_t count = type.getNumElements();
  bytes.assign(count * width, 0);

  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    if (elementType.isInteger(1)) {
      int64_t i = 0;
      for (bool b : dense.getValues<bool>())
        bytes[i++] = b ? 1 : 0;
      return success();
    }
    ArrayRef<char> raw = dense.getRawData();
    if (dense.isSplat()) {
      for (int64_t i = 0; i < count; ++i)
        std::memcpy(bytes.data() + i * width, raw.data(), width);
      return success();
    }
    if ((int64_t)raw.size() != count * width)
      return failure();
    std::memcpy(bytes.data(), raw.data(), raw.size());
    return success();
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return failure();
    ArrayRef<char> data = blob->getData();
    if ((int64_t)data.size() != count * width)
      return failure();
    std::memcpy(bytes.data(), data.data(), data.size());
    return success();
  }
  return failure();
}

ElementsAttr makeConstantAttr(RankedTensorType type, ArrayRef<char> bytes) {
  Type elementType = type.getElementType();
  if (elementType.isInteger(1)) {
    SmallVector<bool> values;
    for (char c : bytes)
      values.push_back(c != 0);
    return DenseElementsAttr::get(type, values);
  }
  // Small constants stay readable in the IR; weights become resources.
  if (bytes.size() <= 256)
    return DenseElementsAttr::getFromRawBuffer(type, bytes);
  AsmResourceBlob blob =
      HeapAsmResourceBlob::allocateAndCopyWithAlign(bytes, /*align=*/64);
  return DenseResourceElementsAttr::get(type, "loom_constant", std::move(blob));
}

std::vector<char> transposeBytes(ArrayRef<char> in, ArrayRef<int64_t> shape,
                                 int64_t width, ArrayRef<int64_t> perm) {
  int64_t rank = shape.size();
  SmallVector<int64_t> outShape;
  for (int64_t p : perm)
    outShape.push_back(shape[p]);

  // Input strides (in elements), permuted into output order.
  SmallVector<int64_t> inStrides(rank, 1);
  for (int64_t d = rank - 2; d >= 0; --d)
    inStrides[d] = inStrides[d + 1] * shape[d + 1];
  SmallVector<int64_t> permStrides;
  for (int64_t p : perm)
    permStrides.push_back(inStrides[p]);

  std::vector<char> out(in.size());
  SmallVector<int64_t> index(rank, 0);
  int64_t count = in.size() / width;
  for (int64_t o = 0; o < count; ++o) {
    int64_t src = 0;
    for (int64_t d = 0; d < rank; ++d)
      src += index[d] * permStrides[d];
    std::memcpy(out.data() + o * width, in.data() + src * width, width);
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++index[d] < outShape[d])
        break;
      index[d] = 0;
    }
  }
  return out;
}

FailureOr<ElementsAttr> transposeConstant(ElementsAttr attr,
                                          ArrayRef<int64_t> perm) {
  auto type = cast<RankedTensorType>(attr.getType());
  std::vector<char> in;
  if (failed(getConstantBytes(attr, in)))
    return failure();
  SmallVector<int64_t> outShape;
  for (int64_t p : perm)
    outShape.push_back(type.getShape()[p]);
  auto outType = RankedTensorType::get(outShape, type.getElementType());
  return makeConstantAttr(
      outType, transposeBytes(in, type.getShape(),
                              storageBytesPerElement(type.getElementType()),
                              perm));
}

} // namespace loom
