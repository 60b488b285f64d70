//===- GpuTensorCores.cpp - marked matmuls -> warp-level MMA ops ----------===//
//
// The `tensor-core` strategy of --loom-gpu-distribute leaves each workgroup
// (one warp) a whole matmul tile marked `loom.tensor_core`. Here, on
// buffers, that tile becomes warp-synchronous matrix ops on 16x16x16
// fragments (gpu.subgroup_mma_*, WMMA on NVVM): every invocation of the
// warp executes them together, so they stay outside the invocation loops.
//
//===----------------------------------------------------------------------===//
#include "GpuUtils.h"

#include "loom/passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"

namespace loom {
#define GEN_PASS_DEF_LOOMGPUTENSORCORES
#include "passes/Passes.h.inc"
} // namespace loom

using namespace mlir;
using namespace loom;

namespace {

constexpr int64_t kFragment = 16;

/// The row stride of a buffer whose innermost stride is 1 (the fragments'
/// leading dimension).
std::optional<int64_t> leadingDimension(Value buffer) {
  auto type = dyn_cast<MemRefType>(buffer.getType());
  if (!type || type.getRank() < 2)
    return std::nullopt;
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(type.getStridesAndOffset(strides, offset)) ||
      strides.back() != 1 || ShapedType::isDynamic(strides[strides.size() - 2]))
    return std::nullopt;
  return strides[strides.size() - 2];
}

LogicalResult rewriteMatmul(RewriterBase &rewriter, linalg::LinalgOp op) {
  std::optional<TensorCoreMatmul> match = matchTensorCoreMatmul(op);
  if (!match || !op.hasPureBufferSemantics())
    return op.emitError("a matmul marked for tensor cores must be a bufferized "
                        "f16 matmul with sizes that are multiples of 16");
  Value lhs = op.getDpsInputs()[0], rhs = op.getDpsInputs()[1],
        acc = op.getDpsInits()[0];
  std::optional<int64_t> lda = leadingDimension(lhs),
                         ldb = leadingDimension(rhs),
                         ldc = leadingDimension(acc);
  if (!lda || !ldb || !ldc)
    return op.emitError("tensor-core operands need unit innermost strides and "
                        "static row strides");

  MLIRContext *ctx = op.getContext();
  Location loc = op.getLoc();
  SmallVector<int64_t> bounds = op.getStaticLoopRanges();
  unsigned batch = match->batchLoops;
  int64_t m = bounds[batch], n = bounds[batch + 1], k = bounds[batch + 2];
  int64_t fragmentsM = m / kFragment, fragmentsN = n / kFragment;
  Type f16 = Float16Type::get(ctx);
  Type accElement = getElementTypeOrSelf(acc.getType());
  auto aType = gpu::MMAMatrixType::get({kFragment, kFragment}, f16, "AOp");
  auto bType = gpu::MMAMatrixType::get({kFragment, kFragment}, f16, "BOp");
  auto cType =
      gpu::MMAMatrixType::get({kFragment, kFragment}, accElement, "COp");
  UnitAttr transposeRhs = match->transposeRhs ? UnitAttr::get(ctx) : UnitAttr();
  auto index = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(rewriter, loc, v);
  };
  auto lead = [&](int64_t v) { return rewriter.getIndexAttr(v); };

  rewriter.setInsertionPoint(op);
  // What the invocations wrote into the accumulator (its fill) is visible.
  gpu::BarrierOp::create(rewriter, loc);
  Operation *outermost = nullptr;
  SmallVector<Value> batchIvs;
  for (unsigned d = 0; d < batch; ++d) {
    auto loop = scf::ForOp::create(rewriter, loc, index(0), index(bounds[d]),
                                   index(1));
    if (!outermost)
      outermost = loop;
    batchIvs.push_back(loop.getInductionVar());
    rewriter.setInsertionPoint(loop.getBody()->getTerminator());
  }
  auto at = [&](Value row, Value col) {
    SmallVector<Value> indices(batchIvs);
    indices.push_back(row);
    indices.push_back(col);
    return indices;
  };

  SmallVector<Value> fragments;
  for (int64_t i = 0; i < fragmentsM; ++i)
    for (int64_t j = 0; j < fragmentsN; ++j)
      fragments.push_back(gpu::SubgroupMmaLoadMatrixOp::create(
          rewriter, loc, cType, acc,
          at(index(i * kFragment), index(j * kFragment)), lead(*ldc),
          UnitAttr()));
  auto steps = scf::ForOp::create(rewriter, loc, index(0), index(k),
                                  index(kFragment), fragments);
  {
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(steps.getBody());
    Value kk = steps.getInductionVar();
    SmallVector<Value> a, b;
    for (int64_t i = 0; i < fragmentsM; ++i)
      a.push_back(gpu::SubgroupMmaLoadMatrixOp::create(
          rewriter, loc, aType, lhs, at(index(i * kFragment), kk), lead(*lda),
          UnitAttr()));
    for (int64_t j = 0; j < fragmentsN; ++j)
      b.push_back(gpu::SubgroupMmaLoadMatrixOp::create(
          rewriter, loc, bType, rhs,
          match->transposeRhs ? at(index(j * kFragment), kk)
                              : at(kk, index(j * kFragment)),
          lead(*ldb), transposeRhs));
    SmallVector<Value> next;
    for (int64_t i = 0; i < fragmentsM; ++i)
      for (int64_t j = 0; j < fragmentsN; ++j)
        next.push_back(gpu::SubgroupMmaComputeOp::create(
            rewriter, loc, cType, a[i], b[j],
            steps.getRegionIterArgs()[i * fragmentsN + j], UnitAttr(),
            transposeRhs));
    scf::YieldOp::create(rewriter, loc, next);
  }
  for (int64_t i = 0; i < fragmentsM; ++i)
    for (int64_t j = 0; j < fragmentsN; ++j)
      gpu::SubgroupMmaStoreMatrixOp::create(
          rewriter, loc, steps.getResult(i * fragmentsN + j), acc,
          at(index(i * kFragment), index(j * kFragment)), lead(*ldc),
          UnitAttr());
  // The epilogue's invocations read what the warp stored.
  if (outermost)
    rewriter.setInsertionPointAfter(outermost);
  gpu::BarrierOp::create(rewriter, loc);
  rewriter.eraseOp(op);
  return success();
}

struct LoomGpuTensorCoresPass
    : public loom::impl::LoomGpuTensorCoresBase<LoomGpuTensorCoresPass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> marked;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (op->hasAttr(kTensorCoreAttrName))
        marked.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : marked)
      if (failed(rewriteMatmul(rewriter, op)))
        return signalPassFailure();
  }
};

} // namespace
