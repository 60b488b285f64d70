//===- LoomFolders.cpp - folders of loom ops ------------------------------===//
//
// The obvious algebraic identities (x + 0, x * 1, neg(neg x)), no-op shape
// ops, and shape ops of constants (so that a weight that is reshaped or
// transposed becomes a new constant at compile time).
//
//===----------------------------------------------------------------------===//

#include "loom/dialect/ConstantData.h"
#include "loom/dialect/LoomOps.h"
#include "loom/dialect/EinsumSpec.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace loom;

namespace {

/// True if `attr` is a splat constant equal to `value`.
bool isSplatOf(Attribute attr, int64_t value) {
  auto dense = dyn_cast_or_null<DenseElementsAttr>(attr);
  if (!dense || !dense.isSplat())
    return false;
  Type et = dense.getElementType();
  if (isa<FloatType>(et)) {
    APFloat v = dense.getSplatValue<APFloat>();
    APFloat expected(static_cast<double>(value));
    bool lost;
    expected.convert(v.getSemantics(), APFloat::rmNearestTiesToEven, &lost);
    return v.compare(expected) == APFloat::cmpEqual;
  }
  if (et.isInteger(1))
    return false;
  if (isa<IntegerType>(et))
    return dense.getSplatValue<APInt>().getSExtValue() == value;
  return false;
}

/// `x op c` -> x when c is the identity and no broadcasting happens.
OpFoldResult foldIdentity(Value x, Attribute other, int64_t identity,
                          Type resultType) {
  if (x.getType() == resultType && isSplatOf(other, identity))
    return x;
  return {};
}

} // namespace

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult r = foldIdentity(getLhs(), adaptor.getRhs(), 0, getType()))
    return r;
  return foldIdentity(getRhs(), adaptor.getLhs(), 0, getType());
}

OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  return foldIdentity(getLhs(), adaptor.getRhs(), 0, getType());
}

OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult r = foldIdentity(getLhs(), adaptor.getRhs(), 1, getType()))
    return r;
  return foldIdentity(getRhs(), adaptor.getLhs(), 1, getType());
}

OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  return foldIdentity(getLhs(), adaptor.getRhs(), 1, getType());
}

OpFoldResult NegOp::fold(FoldAdaptor) {
  if (auto inner = getInput().getDefiningOp<NegOp>())
    return inner.getInput();
  return {};
}

OpFoldResult CastOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return {};
}

OpFoldResult ContractOp::fold(FoldAdaptor) {
  std::string error;
  std::optional<EinsumSpec> spec = EinsumSpec::parse(getSpec(), error);
  if (spec && getInputs().size() == 1 && spec->inputs[0] == spec->output &&
      getInputs()[0].getType() == getType())
    return getInputs()[0];
  return {};
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  // Equal types with two dynamic dimensions may still move elements
  // ([2, 3, 8] -> [3, 2, 8] is tensor<?x?x8> -> tensor<?x?x8>).
  if (getInput().getType() == getType() &&
      getType().getNumDynamicDims() <= 1)
    return getInput();
  if (auto inner = getInput().getDefiningOp<ReshapeOp>()) {
    getInputMutable().assign(inner.getInput());
    return getResult();
  }
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput()))
    return dense.reshape(getType());
  if (auto resource =
          dyn_cast_or_null<DenseResourceElementsAttr>(adaptor.getInput()))
    return DenseResourceElementsAttr::get(getType(), resource.getRawHandle());
  return {};
}

OpFoldResult TransposeOp::fold(FoldAdaptor adaptor) {
  ArrayRef<int64_t> perm = getPermutation();
  bool identity = true;
  for (auto [i, p] : llvm::enumerate(perm))
    identity &= (int64_t)i == p;
  if (identity && getInput().getType() == getType())
    return getInput();
  if (auto inner = getInput().getDefiningOp<TransposeOp>()) {
    SmallVector<int64_t> composed;
    for (int64_t p : perm)
      composed.push_back(inner.getPermutation()[p]);
    getInputMutable().assign(inner.getInput());
    setPermutation(composed);
    return getResult();
  }
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput()))
    if (dense.isSplat())
      return dense.resizeSplat(getType());
  if (auto elements = dyn_cast_or_null<ElementsAttr>(adaptor.getInput())) {
    FailureOr<ElementsAttr> t = transposeConstant(elements, perm);
    if (succeeded(t))
      return *t;
  }
  return {};
}

OpFoldResult BroadcastToOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput()))
    if (dense.isSplat() && getType().hasStaticShape())
      return dense.resizeSplat(getType());
  return {};
}

OpFoldResult ConcatOp::fold(FoldAdaptor) {
  if (getInputs().size() == 1 && getInputs()[0].getType() == getType())
    return getInputs()[0];
  return {};
}

OpFoldResult SliceOp::fold(FoldAdaptor) {
  if (getInput().getType() != getType())
    return {};
  for (int64_t s : getStrides())
    if (s != 1)
      return {};
  return getInput();
}
