//===- Broadcast.cpp - numpy broadcasting and shape formatting ------------===//
#include "loom/dialect/Broadcast.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace loom {

std::optional<SmallVector<int64_t>>
broadcastShapes(ArrayRef<ArrayRef<int64_t>> shapes) {
  size_t rank = 0;
  for (ArrayRef<int64_t> s : shapes)
    rank = std::max(rank, s.size());
  SmallVector<int64_t> result(rank, 1);
  for (ArrayRef<int64_t> s : shapes) {
    size_t offset = rank - s.size();
    for (size_t i = 0; i < s.size(); ++i) {
      int64_t &r = result[offset + i];
      if (s[i] == r || s[i] == 1)
        continue;
      if (r != 1)
        return std::nullopt;
      r = s[i];
    }
  }
  return result;
}

Type inferBroadcastType(Type like, ValueRange operands) {
  SmallVector<ArrayRef<int64_t>> shapes;
  for (Value v : operands) {
    auto t = dyn_cast<RankedTensorType>(v.getType());
    if (!t)
      return like;
    shapes.push_back(t.getShape());
  }
  auto likeTensor = dyn_cast<RankedTensorType>(like);
  std::optional<SmallVector<int64_t>> shape = broadcastShapes(shapes);
  if (!shape || !likeTensor)
    return like;
  return RankedTensorType::get(*shape, likeTensor.getElementType());
}

std::string formatShape(ArrayRef<int64_t> shape) {
  if (shape.empty())
    return "scalar";
  std::string s;
  llvm::raw_string_ostream os(s);
  llvm::interleave(shape, os, [&](int64_t d) {
    if (ShapedType::isDynamic(d))
      os << '?';
    else
      os << d;
  }, "x");
  return s;
}

std::string formatType(Type type) {
  auto t = dyn_cast<ShapedType>(type);
  std::string s;
  llvm::raw_string_ostream os(s);
  if (!t) {
    os << type;
    return s;
  }
  for (int64_t d : t.getShape()) {
    if (ShapedType::isDynamic(d))
      os << '?';
    else
      os << d;
    os << 'x';
  }
  os << t.getElementType();
  return s;
}

std::optional<int64_t> normalizeDim(int64_t dim, int64_t rank) {
  if (dim < -rank || dim >= rank)
    return std::nullopt;
  return dim < 0 ? dim + rank : dim;
}

} // namespace loom
