//===- DynamicDims.cpp - dynamic sizes as function-argument dimensions ----===//
//
// After --loom-to-linalg a dynamic size is read with tensor.dim from whatever
// value the lowering had at hand. Here every such read is resolved back to
// the entry function's arguments (through the ops' reified result shapes),
// and dimensions that share a name (`loom.dim_names`, ONNX's dim_params)
// are read from one argument: each symbol of the function is one SSA value,
// which fusion, tiling and the host schedule can compare by identity.
//
//===----------------------------------------------------------------------===//
#include "DynamicDims.h"

#include "loom/dialect/DynamicShapes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/StringMap.h"

using namespace mlir;

namespace loom {

LogicalResult resolveDynamicDims(func::FuncOp fn) {
  bool dynamic = llvm::any_of(fn.getArgumentTypes(), [](Type t) {
    auto tensor = dyn_cast<RankedTensorType>(t);
    return tensor && !tensor.hasStaticShape();
  });
  if (!dynamic || fn.isDeclaration())
    return success();
  MLIRContext *ctx = fn.getContext();
  RewritePatternSet patterns(ctx);
  memref::populateResolveRankedShapedTypeResultDimsPatterns(patterns);
  tensor::DimOp::getCanonicalizationPatterns(patterns, ctx);
  tensor::EmptyOp::getCanonicalizationPatterns(patterns, ctx);
  if (failed(applyPatternsGreedily(fn, std::move(patterns))))
    return failure();

  // One tensor.dim per symbol, at the top of the function.
  Block &entry = fn.getBody().front();
  OpBuilder b = OpBuilder::atBlockBegin(&entry);
  llvm::StringMap<Value> named;
  DenseMap<std::pair<unsigned, int64_t>, Value> unnamed;
  auto symbolValue = [&](unsigned arg, int64_t dim, Location loc) -> Value {
    std::string name = dimName(fn, arg, dim);
    Value &slot = name.empty() ? unnamed[{arg, dim}] : named[name];
    if (!slot) {
      Value index = arith::ConstantIndexOp::create(b, loc, dim);
      slot = tensor::DimOp::create(b, loc, fn.getArgument(arg), index);
    }
    return slot;
  };
  SmallVector<tensor::DimOp> reads;
  fn.walk([&](tensor::DimOp op) { reads.push_back(op); });
  for (tensor::DimOp op : reads) {
    auto arg = dyn_cast<BlockArgument>(op.getSource());
    std::optional<int64_t> dim = op.getConstantIndex();
    if (!arg || arg.getOwner() != &entry || !dim)
      continue;
    Value v = symbolValue(arg.getArgNumber(), *dim, op.getLoc());
    if (v != op.getResult())
      op.replaceAllUsesWith(v);
  }
  for (tensor::DimOp op : reads)
    if (op->use_empty())
      op->erase();
  return success();
}

} // namespace loom
