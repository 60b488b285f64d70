//===- ContractLowering.cpp - pairwise loom.contract -> GEMM --------------===//
//
// --loom-contract-lowering. See Passes.td.
//
//===----------------------------------------------------------------------===//

#include "loom/dialect/EinsumSpec.h"
#include "loom/dialect/LoomOps.h"
#include "loom/passes/Passes.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/StringMap.h"

namespace loom {
#define GEN_PASS_DEF_LOOMCONTRACTLOWERING
#include "passes/Passes.h.inc"
} // namespace loom

using namespace mlir;
using namespace loom;

namespace {

using Term = EinsumSpec::Term;

bool hasRepeats(const Term &t) {
  for (size_t i = 0; i < t.size(); ++i)
    if (llvm::is_contained(ArrayRef(t).take_front(i), t[i]))
      return true;
  return false;
}

RankedTensorType typeOf(Value v) { return cast<RankedTensorType>(v.getType()); }

/// A value with the label of each dimension.
struct Labeled {
  Value value;
  Term labels;
};

class Lowering {
public:
  Lowering(PatternRewriter &rewriter, Location loc,
           const llvm::StringMap<int64_t> &sizes)
      : rewriter(rewriter), loc(loc), sizes(sizes) {}

  /// Sums the dimensions of `x` whose labels are not in `keep`.
  Labeled sumOut(Labeled x, const Term &keep) {
    SmallVector<int64_t> dims, shape;
    Term kept;
    for (auto [i, label] : llvm::enumerate(x.labels)) {
      if (llvm::is_contained(keep, label)) {
        kept.push_back(label);
        shape.push_back(sizes.lookup(label));
      } else {
        dims.push_back(i);
      }
    }
    if (dims.empty())
      return x;
    auto type = RankedTensorType::get(shape, typeOf(x.value).getElementType());
    Value r = ReduceSumOp::create(rewriter, loc, type, x.value,
                                  rewriter.getDenseI64ArrayAttr(dims),
                                  UnitAttr());
    return {r, kept};
  }

  /// `x` with its dimensions permuted to `order` (a permutation of its
  /// labels).
  Labeled permute(Labeled x, const Term &order) {
    if (x.labels == order)
      return x;
    SmallVector<int64_t> perm;
    for (const std::string &label : order)
      perm.push_back(llvm::find(x.labels, label) - x.labels.begin());
    return {TransposeOp::create(rewriter, loc, x.value, perm), order};
  }

  Value reshape(Value v, ArrayRef<int64_t> shape) {
    auto type = RankedTensorType::get(shape, typeOf(v).getElementType());
    if (type == v.getType())
      return v;
    return ReshapeOp::create(rewriter, loc, type, v);
  }

  int64_t product(const Term &labels) {
    int64_t p = 1;
    for (const std::string &l : labels)
      p *= sizes.lookup(l);
    return p;
  }

private:
  PatternRewriter &rewriter;
  Location loc;
  const llvm::StringMap<int64_t> &sizes;
};

/// The labels of `of` that satisfy `pred`, in the order of `of`.
template <typename Pred>
Term select(const Term &of, Pred pred) {
  Term r;
  for (const std::string &l : of)
    if (pred(l))
      r.push_back(l);
  return r;
}

struct LowerContract : OpRewritePattern<ContractOp> {
  LowerContract(MLIRContext *ctx, int64_t minGemmFlops)
      : OpRewritePattern(ctx), minGemmFlops(minGemmFlops) {}

  LogicalResult matchAndRewrite(ContractOp op,
                                PatternRewriter &rewriter) const override {
    std::string error;
    std::optional<EinsumSpec> spec = EinsumSpec::parse(op.getSpec(), error);
    if (!spec || op.getInputs().size() > 2 ||
        llvm::any_of(spec->inputs, hasRepeats))
      return failure();
    llvm::StringMap<int64_t> sizes;
    for (auto [term, v] : llvm::zip(spec->inputs, op.getInputs()))
      for (auto [label, size] : llvm::zip(term, typeOf(v).getShape()))
        sizes[label] = size;
    Lowering l(rewriter, op.getLoc(), sizes);
    const Term &out = spec->output;
    auto inOut = [&](const std::string &x) { return llvm::is_contained(out, x); };

    if (op.getInputs().size() == 1) {
      // A sum over some dimensions and/or a transpose.
      Labeled x = l.sumOut({op.getInputs()[0], spec->inputs[0]}, out);
      x = l.permute(x, out);
      rewriter.replaceOp(op, x.value);
      return success();
    }

    const Term &lt = spec->inputs[0], &rt = spec->inputs[1];
    auto inL = [&](const std::string &x) { return llvm::is_contained(lt, x); };
    auto inR = [&](const std::string &x) { return llvm::is_contained(rt, x); };
    Term batch = select(lt, [&](auto &x) { return inR(x) && inOut(x); });
    Term contracted = select(lt, [&](auto &x) { return inR(x) && !inOut(x); });
    Term lfree = select(lt, [&](auto &x) { return !inR(x) && inOut(x); });
    Term rfree = select(rt, [&](auto &x) { return !inL(x) && inOut(x); });
    int64_t b = l.product(batch), m = l.product(lfree), n = l.product(rfree),
            k = l.product(contracted);
    // Outer products, dot products and tiny contractions are one loop nest.
    if (contracted.empty() || (m == 1 && n == 1) ||
        2 * b * m * n * k < minGemmFlops)
      return failure();

    // Indices of one operand only that the result drops: sum them first.
    Labeled lhs = l.sumOut({op.getInputs()[0], lt},
                           select(lt, [&](auto &x) { return inR(x) || inOut(x); }));
    Labeled rhs = l.sumOut({op.getInputs()[1], rt},
                           select(rt, [&](auto &x) { return inL(x) || inOut(x); }));

    // Order the contracted indices like the operand that is not constant (a
    // constant's transpose folds away), else like the larger one.
    bool lhsConst = matchPattern(lhs.value, m_Constant());
    bool rhsConst = matchPattern(rhs.value, m_Constant());
    bool followRhs = lhsConst && !rhsConst;
    if (lhsConst == rhsConst)
      followRhs = typeOf(rhs.value).getNumElements() >
                  typeOf(lhs.value).getNumElements();
    if (followRhs) {
      contracted = select(rhs.labels, [&](auto &x) {
        return llvm::is_contained(contracted, x);
      });
      batch = select(rhs.labels,
                     [&](auto &x) { return llvm::is_contained(batch, x); });
    }

    Term lhsOrder = batch, rhsOrder = batch;
    llvm::append_range(lhsOrder, lfree);
    llvm::append_range(lhsOrder, contracted);
    llvm::append_range(rhsOrder, contracted);
    llvm::append_range(rhsOrder, rfree);
    lhs = l.permute(lhs, lhsOrder);
    rhs = l.permute(rhs, rhsOrder);
    SmallVector<int64_t> lshape = {m, k}, rshape = {k, n};
    if (b != 1) {
      lshape.insert(lshape.begin(), b);
      rshape.insert(rshape.begin(), b);
    }
    Value product = MatmulOp::create(rewriter, op.getLoc(),
                                     l.reshape(lhs.value, lshape),
                                     l.reshape(rhs.value, rshape));
    Term resultOrder = batch;
    llvm::append_range(resultOrder, lfree);
    llvm::append_range(resultOrder, rfree);
    SmallVector<int64_t> resultShape;
    for (const std::string &label : resultOrder)
      resultShape.push_back(sizes.lookup(label));
    Labeled result{l.reshape(product, resultShape), resultOrder};
    rewriter.replaceOp(op, l.permute(result, out).value);
    return success();
  }

  int64_t minGemmFlops;
};

struct LoomContractLoweringPass
    : public loom::impl::LoomContractLoweringBase<LoomContractLoweringPass> {
  using LoomContractLoweringBase::LoomContractLoweringBase;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<LowerContract>(&getContext(), minGemmFlops);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
