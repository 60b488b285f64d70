//===- OutlineDispatches.cpp - loom.dispatch -> kernel + loom.launch ------===//
#include "loom/passes/KernelModule.h"

#include "loom/dialect/LoomOps.h"
#include "loom/passes/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
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

func::FuncOp outline(DispatchOp dispatch, ModuleOp kernels, StringRef name) {
  MLIRContext *ctx = dispatch.getContext();
  SmallVector<Type> argTypes;
  for (Type t : dispatch.getInputs().getTypes())
    argTypes.push_back(bufferTypeOf(t));
  for (Type t : dispatch.getResultTypes())
    argTypes.push_back(bufferTypeOf(t));
  for (int i = 0; i < 3; ++i)
    argTypes.push_back(IndexType::get(ctx));

  OpBuilder b = OpBuilder::atBlockEnd(kernels.getBody());
  auto fn = func::FuncOp::create(b, dispatch.getLoc(), name,
                                 FunctionType::get(ctx, argTypes, {}));
  markKernel(fn);
  SymbolTable(kernels).insert(fn);
  Block *entry = fn.addEntryBlock();
  b.setInsertionPointToStart(entry);

  IRMapping mapping;
  Block &body = dispatch.getBody().front();
  for (auto [arg, buffer] : llvm::zip(
           body.getArguments(),
           entry->getArguments().take_front(dispatch.getInputs().size()))) {
    Value t = bufferization::ToTensorOp::create(
        b, arg.getLoc(), arg.getType(), buffer, /*restrict=*/b.getUnitAttr(),
        /*writable=*/UnitAttr());
    mapping.map(arg, t);
  }
  for (Operation &op : body.without_terminator())
    b.clone(op, mapping);
  auto yield = cast<YieldOp>(body.getTerminator());
  ValueRange outs = entry->getArguments().slice(dispatch.getInputs().size(),
                                                dispatch.getNumResults());
  llvm::SetVector<Operation *> collapses;
  for (auto [value, out] : llvm::zip(yield.getValues(), outs)) {
    Value result = mapping.lookup(value);
    Value destination = out;
    // A result collapsed from a static shape (a matmul on packed weights
    // yields M x N/P x P as M x N) is written through a view of the
    // destination in its own shape: no copy.
    if (auto collapse = result.getDefiningOp<tensor::CollapseShapeOp>();
        collapse && collapse.getSrcType().hasStaticShape()) {
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
        func::FuncOp fn = outline(dispatch, kernels, name);
        OpBuilder b(dispatch);
        auto ref = SymbolRefAttr::get(
            kernels.getSymNameAttr(),
            {FlatSymbolRefAttr::get(fn.getSymNameAttr())});
        auto launch = LaunchOp::create(b, dispatch.getLoc(),
                                       dispatch.getResultTypes(), ref,
                                       dispatch.getInputs());
        dispatch.replaceAllUsesWith(launch.getResults());
        dispatch.erase();
      }
    }
  }
};

} // namespace
