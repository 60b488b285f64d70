//===- OutlineDispatches.cpp - loom.dispatch -> kernel + loom.launch ------===//
#include "loom/passes/KernelModule.h"

#include "loom/dialect/DynamicShapes.h"
#include "loom/dialect/LoomOps.h"
#include "loom/passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"

namespace loom {
#define GEN_PASS_DEF_LOOMOUTLINEDISPATCHES
#include "passes/Passes.h.inc"
} // namespace loom

using namespace mlir;
using namespace loom;

namespace {

MemRefType bufferTypeOf(Type tensorType) {
  auto t = cast<RankedTensorType>(tensorType);
  return MemRefType::get(t.getShape(), t.getElementType());
}

/// The kernel argument type of a binding: its buffer type when static; a
/// rank-0 memref (a bare pointer) when it has dynamic dimensions, viewed in
/// its shape inside the kernel (bindingView).
MemRefType bindingArgType(Type tensorType) {
  auto t = cast<RankedTensorType>(tensorType);
  if (t.hasStaticShape())
    return bufferTypeOf(t);
  return MemRefType::get({}, t.getElementType());
}

/// A row-major view of shape `sizes` of the binding `arg`.
Value bindingView(OpBuilder &b, Location loc, Value arg,
                  RankedTensorType type, ArrayRef<OpFoldResult> sizes) {
  if (type.hasStaticShape())
    return arg;
  SmallVector<OpFoldResult> strides(sizes.size());
  OpFoldResult stride = b.getIndexAttr(1);
  for (int64_t d = int64_t(sizes.size()) - 1; d >= 0; --d) {
    strides[d] = stride;
    std::optional<int64_t> s = getConstantIntValue(stride),
                           n = getConstantIntValue(sizes[d]);
    if (s && n) {
      stride = b.getIndexAttr(*s * *n);
      continue;
    }
    auto value = [&](OpFoldResult v) -> Value {
      if (auto x = dyn_cast<Value>(v))
        return x;
      return arith::ConstantIndexOp::create(b, loc, *getConstantIntValue(v));
    };
    stride = arith::MulIOp::create(b, loc, value(stride), value(sizes[d]))
                 .getResult();
  }
  return memref::ReinterpretCastOp::create(b, loc, bufferTypeOf(type), arg,
                                           b.getIndexAttr(0), sizes, strides);
}

/// The kernel of `dispatch` and the host values of its push constants (the
/// dispatch's `index` operands, then any dynamic size of a binding that is
/// not one of them).
func::FuncOp outline(DispatchOp dispatch, ModuleOp kernels, StringRef name,
                     SmallVectorImpl<Value> &pushConstants) {
  MLIRContext *ctx = dispatch.getContext();
  SmallVector<Value> tensorInputs;
  for (Value in : dispatch.getInputs()) {
    if (isa<IndexType>(in.getType()))
      pushConstants.push_back(in);
    else
      tensorInputs.push_back(in);
  }
  // The host sizes of every binding's dimensions (dynamic ones become push
  // constants).
  OpBuilder host(dispatch);
  auto pushConstantOf = [&](Value size) {
    auto it = llvm::find(pushConstants, size);
    if (it != pushConstants.end())
      return unsigned(it - pushConstants.begin());
    pushConstants.push_back(size);
    return unsigned(pushConstants.size() - 1);
  };
  SmallVector<SmallVector<int64_t>> bindingDims;  // push constant or -1
  auto addBinding = [&](RankedTensorType t, auto sizeOf) -> LogicalResult {
    SmallVector<int64_t> dims;
    for (int64_t d = 0; d < t.getRank(); ++d) {
      if (!t.isDynamicDim(d)) {
        dims.push_back(-1);
        continue;
      }
      FailureOr<Value> size = sizeOf(d);
      if (failed(size))
        return dispatch.emitOpError()
               << "cannot follow the size of a dynamic dimension of a "
                  "binding to the function's inputs";
      dims.push_back(pushConstantOf(*size));
    }
    bindingDims.push_back(dims);
    return success();
  };
  for (Value in : tensorInputs)
    if (failed(addBinding(cast<RankedTensorType>(in.getType()),
                          [&](int64_t d) { return hostDim(host, in, d); })))
      return nullptr;
  unsigned position = 0;
  for (Type t : dispatch.getResultTypes())
    if (failed(addBinding(cast<RankedTensorType>(t), [&](int64_t) {
          return FailureOr<Value>(dispatch.getResultDims()[position++]);
        })))
      return nullptr;

  SmallVector<Type> argTypes;
  for (Value in : tensorInputs)
    argTypes.push_back(bindingArgType(in.getType()));
  for (Type t : dispatch.getResultTypes())
    argTypes.push_back(bindingArgType(t));
  unsigned bindingCount = argTypes.size();
  for (size_t i = 0; i < pushConstants.size() + 3; ++i)
    argTypes.push_back(IndexType::get(ctx));

  OpBuilder b = OpBuilder::atBlockEnd(kernels.getBody());
  auto fn = func::FuncOp::create(b, dispatch.getLoc(), name,
                                 FunctionType::get(ctx, argTypes, {}));
  markKernel(fn);
  SymbolTable(kernels).insert(fn);
  Block *entry = fn.addEntryBlock();
  b.setInsertionPointToStart(entry);
  ValueRange constants = entry->getArguments().slice(bindingCount,
                                                     pushConstants.size());
  // Each binding viewed in its shape.
  SmallVector<Value> views;
  SmallVector<Type> bindingTypes(llvm::map_range(
      tensorInputs, [](Value v) { return v.getType(); }));
  llvm::append_range(bindingTypes, dispatch.getResultTypes());
  for (auto [i, t] : llvm::enumerate(bindingTypes)) {
    auto type = cast<RankedTensorType>(t);
    SmallVector<OpFoldResult> sizes;
    for (auto [d, pc] : llvm::enumerate(bindingDims[i]))
      sizes.push_back(pc < 0 ? OpFoldResult(b.getIndexAttr(type.getDimSize(d)))
                             : OpFoldResult(constants[pc]));
    views.push_back(
        bindingView(b, dispatch.getLoc(), entry->getArgument(i), type, sizes));
  }

  IRMapping mapping;
  Block &body = dispatch.getBody().front();
  unsigned nextBinding = 0, nextConstant = 0;
  for (BlockArgument arg : body.getArguments()) {
    if (isa<IndexType>(arg.getType())) {
      mapping.map(arg, constants[nextConstant++]);
      continue;
    }
    Value t = bufferization::ToTensorOp::create(
        b, arg.getLoc(), arg.getType(), views[nextBinding++],
        /*restrict=*/b.getUnitAttr(), /*writable=*/UnitAttr());
    mapping.map(arg, t);
  }
  for (Operation &op : body.without_terminator())
    b.clone(op, mapping);
  auto yield = cast<YieldOp>(body.getTerminator());
  ArrayRef<Value> outs = ArrayRef<Value>(views).drop_front(tensorInputs.size());
  llvm::SetVector<Operation *> collapses;
  for (auto [value, out] : llvm::zip(yield.getValues(), outs)) {
    Value result = mapping.lookup(value);
    Value destination = out;
    // A result collapsed from another shape (a matmul on packed weights
    // yields M x N/P x P as M x N; M may be dynamic) is written through a
    // view of the destination in its own shape: no copy.
    if (auto collapse = result.getDefiningOp<tensor::CollapseShapeOp>();
        collapse && collapse.getSrcType().getNumDynamicDims() <= 1) {
      auto viewType = MemRefType::get(collapse.getSrcType().getShape(),
                                      collapse.getSrcType().getElementType());
      destination = memref::ExpandShapeOp::create(
          b, yield.getLoc(), viewType, out, collapse.getReassociationIndices());
      result = collapse.getSrc();
      collapses.insert(collapse);
    }
    bufferization::MaterializeInDestinationOp::create(
        b, yield.getLoc(), TypeRange{}, result, destination,
        /*restrict=*/true, /*writable=*/true);
  }
  // A collapse is dead when its result was only yielded.
  for (Operation *collapse : collapses)
    if (collapse->use_empty())
      collapse->erase();
  func::ReturnOp::create(b, dispatch.getLoc());
  return fn;
}

struct LoomOutlineDispatchesPass
    : public loom::impl::LoomOutlineDispatchesBase<LoomOutlineDispatchesPass> {
  void runOnOperation() override {
    ModuleOp top = getOperation();
    SmallVector<func::FuncOp> hostFunctions(top.getOps<func::FuncOp>());
    ModuleOp kernels;
    for (func::FuncOp host : hostFunctions) {
      SmallVector<DispatchOp> dispatches;
      host.walk([&](DispatchOp d) { dispatches.push_back(d); });
      if (dispatches.empty())
        continue;
      if (!kernels)
        kernels = getOrCreateKernelModule(top);
      for (auto [i, dispatch] : llvm::enumerate(dispatches)) {
        std::string name =
            (host.getName() + "_dispatch_" + std::to_string(i)).str();
        SmallVector<Value> pushConstants;
        func::FuncOp fn = outline(dispatch, kernels, name, pushConstants);
        if (!fn)
          return signalPassFailure();
        OpBuilder b(dispatch);
        auto ref = SymbolRefAttr::get(
            kernels.getSymNameAttr(),
            {FlatSymbolRefAttr::get(fn.getSymNameAttr())});
        SmallVector<Value> operands;
        for (Value in : dispatch.getInputs())
          if (!isa<IndexType>(in.getType()))
            operands.push_back(in);
        llvm::append_range(operands, pushConstants);
        auto launch = LaunchOp::create(b, dispatch.getLoc(),
                                       dispatch.getResultTypes(), ref,
                                       operands, dispatch.getResultDims());
        dispatch.replaceAllUsesWith(launch.getResults());
        dispatch.erase();
      }
    }
  }
};

} // namespace
