//===- DynamicShapes.cpp - sizes of dynamic dimensions on the host --------===//
#include "loom/dialect/DynamicShapes.h"

#include "loom/dialect/LoomDialect.h"
#include "loom/dialect/LoomOps.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"

using namespace mlir;

namespace loom {

std::string dimName(FunctionOpInterface fn, unsigned arg, int64_t dim) {
  auto names = fn.getArgAttrOfType<ArrayAttr>(arg, kDimNamesAttrName);
  if (names && dim < int64_t(names.size()))
    if (auto s = dyn_cast<StringAttr>(names[dim]); s && !s.getValue().empty())
      return s.str();
  return "";
}

/// The tensor.dim that reads symbol (arg, dim) of `fn`: an existing one of
/// an argument dimension with the same name, else a new one at the top.
static Value argumentDim(FunctionOpInterface fn, unsigned arg, int64_t dim) {
  std::string name = dimName(fn, arg, dim);
  Block &entry = fn.getFunctionBody().front();
  for (auto read : entry.getOps<tensor::DimOp>()) {
    auto source = dyn_cast<BlockArgument>(read.getSource());
    std::optional<int64_t> d = read.getConstantIndex();
    if (!source || source.getOwner() != &entry || !d)
      continue;
    unsigned a = source.getArgNumber();
    if ((a == arg && *d == dim) ||
        (!name.empty() && dimName(fn, a, *d) == name))
      return read;
  }
  OpBuilder b = OpBuilder::atBlockBegin(&entry);
  Location loc = fn.getLoc();
  Value index = arith::ConstantIndexOp::create(b, loc, dim);
  return tensor::DimOp::create(b, loc, entry.getArgument(arg), index);
}

static Value materialize(OpBuilder &b, Location loc, OpFoldResult size) {
  if (auto v = dyn_cast<Value>(size))
    return v;
  return arith::ConstantIndexOp::create(
      b, loc, cast<IntegerAttr>(cast<Attribute>(size)).getInt());
}

/// Position of dimension `dim` of result `r` among the dynamic dimensions
/// of all results of its op.
static unsigned dynamicPosition(OpResult r, int64_t dim) {
  unsigned position = 0;
  for (Value previous : r.getOwner()->getResults().take_front(
           r.getResultNumber()))
    position += cast<RankedTensorType>(previous.getType()).getNumDynamicDims();
  auto type = cast<RankedTensorType>(r.getType());
  for (int64_t d = 0; d < dim; ++d)
    position += type.isDynamicDim(d);
  return position;
}

FailureOr<Value> hostDim(OpBuilder &b, Value value, int64_t dim) {
  auto type = cast<RankedTensorType>(value.getType());
  Location loc = value.getLoc();
  if (!type.isDynamicDim(dim))
    return Value(arith::ConstantIndexOp::create(b, loc, type.getDimSize(dim)));
  if (auto arg = dyn_cast<BlockArgument>(value)) {
    auto fn = dyn_cast<FunctionOpInterface>(arg.getOwner()->getParentOp());
    if (!fn || arg.getOwner() != &fn.getFunctionBody().front())
      return failure();
    return argumentDim(fn, arg.getArgNumber(), dim);
  }
  auto result = cast<OpResult>(value);
  Operation *op = result.getOwner();
  if (auto empty = dyn_cast<tensor::EmptyOp>(op))
    return empty.getDynamicSize(dim);
  if (auto dispatch = dyn_cast<DispatchOp>(op))
    return Value(dispatch.getResultDims()[dynamicPosition(result, dim)]);
  if (auto launch = dyn_cast<LaunchOp>(op))
    return Value(launch.getResultDims()[dynamicPosition(result, dim)]);
  if (auto dps = dyn_cast<DestinationStyleOpInterface>(op))
    return hostDim(b, dps.getTiedOpOperand(result)->get(), dim);
  if (auto expand = dyn_cast<tensor::ExpandShapeOp>(op))
    return materialize(b, loc, expand.getMixedOutputShape()[dim]);
  if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(op)) {
    Value product;
    for (int64_t d : collapse.getReassociationIndices()[dim]) {
      FailureOr<Value> size = hostDim(b, collapse.getSrc(), d);
      if (failed(size))
        return failure();
      product = product ? arith::MulIOp::create(b, loc, product, *size)
                              .getResult()
                        : *size;
    }
    return product;
  }
  if (auto concat = dyn_cast<tensor::ConcatOp>(op)) {
    // Concatenations join static dimensions: a dynamic one is every
    // operand's.
    if (int64_t(concat.getDim()) == dim)
      return failure();
    return hostDim(b, concat.getInputs().front(), dim);
  }
  if (auto pad = dyn_cast<tensor::PadOp>(op)) {
    std::optional<int64_t> low = getConstantIntValue(pad.getMixedLowPad()[dim]),
                           high =
                               getConstantIntValue(pad.getMixedHighPad()[dim]);
    FailureOr<Value> size = hostDim(b, pad.getSource(), dim);
    if (!low || !high || failed(size))
      return failure();
    if (*low + *high == 0)
      return *size;
    Value extra = arith::ConstantIndexOp::create(b, loc, *low + *high);
    return Value(arith::AddIOp::create(b, loc, *size, extra));
  }
  if (auto slice = dyn_cast<tensor::ExtractSliceOp>(op)) {
    llvm::SmallBitVector dropped = slice.getDroppedDims();
    SmallVector<OpFoldResult> sizes = slice.getMixedSizes();
    int64_t seen = -1;
    for (auto [d, size] : llvm::enumerate(sizes)) {
      if (dropped.test(d))
        continue;
      if (++seen == dim)
        return materialize(b, loc, size);
    }
  }
  return failure();
}

namespace {

/// Dimension `d` of the tensor or memref `shaped` in a kernel, as an
/// expression of `symbols`: through views, reshapes, allocations and
/// destinations to the sizes they were built with.
FailureOr<AffineExpr> dimExpr(Value shaped, int64_t d,
                              ArrayRef<Value> symbols) {
  MLIRContext *ctx = shaped.getContext();
  auto type = dyn_cast<ShapedType>(shaped.getType());
  if (!type || d < 0 || d >= type.getRank())
    return failure();
  if (!type.isDynamicDim(d))
    return getAffineConstantExpr(type.getDimSize(d), ctx);
  Operation *op = shaped.getDefiningOp();
  if (!op)
    return failure();
  auto sizeExpr = [&](OpFoldResult size) -> FailureOr<AffineExpr> {
    if (std::optional<int64_t> c = getConstantIntValue(size))
      return getAffineConstantExpr(*c, ctx);
    return indexExpr(cast<Value>(size), symbols);
  };
  auto groupProduct = [&](Value source,
                          ArrayRef<ReassociationIndices> groups)
      -> FailureOr<AffineExpr> {
    AffineExpr product = getAffineConstantExpr(1, ctx);
    for (int64_t i : groups[d]) {
      FailureOr<AffineExpr> e = dimExpr(source, i, symbols);
      if (failed(e))
        return failure();
      product = product * *e;
    }
    return product;
  };
  if (auto view = dyn_cast<memref::ReinterpretCastOp>(op))
    return sizeExpr(view.getMixedSizes()[d]);
  if (auto e = dyn_cast<memref::ExpandShapeOp>(op))
    return sizeExpr(e.getMixedOutputShape()[d]);
  if (auto e = dyn_cast<tensor::ExpandShapeOp>(op))
    return sizeExpr(e.getMixedOutputShape()[d]);
  if (auto c = dyn_cast<memref::CollapseShapeOp>(op))
    return groupProduct(c.getSrc(), c.getReassociationIndices());
  if (auto c = dyn_cast<tensor::CollapseShapeOp>(op))
    return groupProduct(c.getSrc(), c.getReassociationIndices());
  if (auto e = dyn_cast<tensor::EmptyOp>(op))
    return sizeExpr(e.getMixedSizes()[d]);
  if (auto a = dyn_cast<memref::AllocOp>(op))
    return sizeExpr(a.getMixedSizes()[d]);
  if (auto a = dyn_cast<memref::AllocaOp>(op))
    return sizeExpr(a.getMixedSizes()[d]);
  if (auto t = dyn_cast<bufferization::ToTensorOp>(op))
    return dimExpr(t.getBuffer(), d, symbols);
  if (auto dps = dyn_cast<DestinationStyleOpInterface>(op))
    if (auto r = dyn_cast<OpResult>(shaped))
      if (OpOperand *init = dps.getTiedOpOperand(r))
        return dimExpr(init->get(), d, symbols);
  return failure();
}

} // namespace

FailureOr<AffineExpr> indexExpr(Value value, ArrayRef<Value> symbols) {
  MLIRContext *ctx = value.getContext();
  if (auto it = llvm::find(symbols, value); it != symbols.end())
    return getAffineSymbolExpr(it - symbols.begin(), ctx);
  if (std::optional<int64_t> c = getConstantIntValue(value))
    return getAffineConstantExpr(*c, ctx);
  Operation *op = value.getDefiningOp();
  if (!op)
    return failure();
  // The size of a binding's view (a kernel's dynamic binding), or of what
  // a kernel built from such sizes.
  if (auto dim = dyn_cast<memref::DimOp>(op)) {
    std::optional<int64_t> d = dim.getConstantIndex();
    if (!d)
      return failure();
    return dimExpr(dim.getSource(), *d, symbols);
  }
  if (auto dim = dyn_cast<tensor::DimOp>(op)) {
    std::optional<int64_t> d = dim.getConstantIndex();
    if (!d)
      return failure();
    return dimExpr(dim.getSource(), *d, symbols);
  }
  if (auto apply = dyn_cast<affine::AffineApplyOp>(op)) {
    AffineMap map = apply.getAffineMap();
    SmallVector<AffineExpr> operands;
    for (Value v : apply.getMapOperands()) {
      FailureOr<AffineExpr> e = indexExpr(v, symbols);
      if (failed(e))
        return failure();
      operands.push_back(*e);
    }
    ArrayRef<AffineExpr> all(operands);
    return map.getResult(0).replaceDimsAndSymbols(
        all.take_front(map.getNumDims()), all.drop_front(map.getNumDims()));
  }
  if (op->getNumOperands() != 2)
    return failure();
  FailureOr<AffineExpr> l = indexExpr(op->getOperand(0), symbols);
  FailureOr<AffineExpr> r = indexExpr(op->getOperand(1), symbols);
  if (failed(l) || failed(r))
    return failure();
  if (isa<arith::AddIOp>(op))
    return *l + *r;
  if (isa<arith::SubIOp>(op))
    return *l - *r;
  if (isa<arith::MulIOp>(op))
    return *l * *r;
  if (isa<arith::DivUIOp, arith::DivSIOp, arith::FloorDivSIOp>(op))
    return l->floorDiv(*r);
  if (isa<arith::CeilDivUIOp, arith::CeilDivSIOp>(op))
    return l->ceilDiv(*r);
  if (isa<arith::RemUIOp, arith::RemSIOp>(op))
    return *l % *r;
  return failure();
}

} // namespace loom
