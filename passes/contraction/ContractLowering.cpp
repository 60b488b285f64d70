//===- ContractLowering.cpp - pairwise loom.contract -> GEMM --------------===//
//
// --loom-contract-lowering. See Passes.td.
//
//===----------------------------------------------------------------------===//

#include "loom/dialect/EinsumSpec.h"
#include "loom/dialect/LoomOps.h"
#include "loom/dialect/TypeUtils.h"
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


/// A value with the label of each dimension.
struct Labeled {
  Value value;
  Term labels;
};

class Lowering {
public:
  Lowering(RewriterBase &rewriter, Location loc,
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
    auto type = RankedTensorType::get(shape, tensorTypeOf(x.value).getElementType());
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
    auto type = RankedTensorType::get(shape, tensorTypeOf(v).getElementType());
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
  RewriterBase &rewriter;
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

/// How a binary contraction becomes one matmul: the operand roles, the
/// label order of each operand as the matmul reads it, and the label order
/// of the result.
struct MatmulForm {
  Labeled left, right;
  Term leftOrder, rightOrder;
  /// Result labels: batch..., left free..., right free...
  Term result;
  /// Leading labels of the result that are matmul batch dimensions; a label
  /// one operand lacks is broadcast (size 1 in that operand's shape).
  Term batch;
  Term leftFree, contracted, rightFree;
};

/// The labels of `in` in the order they have in `order`.
Term ordered(const Term &in, const Term &order) {
  return select(order, [&](auto &x) { return llvm::is_contained(in, x); });
}

class ContractLowerer {
public:
  ContractLowerer(int64_t minGemmFlops) : minGemmFlops(minGemmFlops) {}

  LogicalResult lower(RewriterBase &rewriter, ContractOp op) {
    std::string error;
    std::optional<EinsumSpec> spec = EinsumSpec::parse(op.getSpec(), error);
    if (!spec || op.getInputs().size() > 2 ||
        llvm::any_of(spec->inputs, hasRepeats))
      return failure();
    llvm::StringMap<int64_t> sizes;
    for (auto [term, v] : llvm::zip(spec->inputs, op.getInputs()))
      for (auto [label, size] : llvm::zip(term, tensorTypeOf(v).getShape()))
        sizes[label] = size;
    rewriter.setInsertionPoint(op);
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
    Term contracted = select(lt, [&](auto &x) { return inR(x) && !inOut(x); });
    int64_t b = l.product(select(lt, [&](auto &x) { return inR(x) && inOut(x); }));
    int64_t m = l.product(select(lt, [&](auto &x) { return !inR(x) && inOut(x); }));
    int64_t n = l.product(select(rt, [&](auto &x) { return !inL(x) && inOut(x); }));
    int64_t k = l.product(contracted);
    // Outer products, dot products and tiny contractions are one loop nest.
    if (contracted.empty() || (m == 1 && n == 1) ||
        2 * b * m * n * k < minGemmFlops)
      return failure();

    // Indices of one operand only that the result drops: sum them first.
    Labeled lhs = l.sumOut({op.getInputs()[0], lt},
                           select(lt, [&](auto &x) { return inR(x) || inOut(x); }));
    Labeled rhs = l.sumOut({op.getInputs()[1], rt},
                           select(rt, [&](auto &x) { return inL(x) || inOut(x); }));

    // An intermediate read only by other contractions may have any layout:
    // theirs are relabeled to the one this matmul produces.
    bool freeLayout = !op->use_empty() &&
                      llvm::all_of(op->getUsers(), llvm::IsaPred<ContractOp>);
    std::optional<MatmulForm> slices = sliceForm(lhs, rhs, out, l);
    MatmulForm form = slices && (freeLayout || slices->result == out)
                          ? *slices
                          : gemmForm(lhs, rhs, out);
    Labeled result = multiply(rewriter, op.getLoc(), form, l);
    if (freeLayout && result.labels != out) {
      relabelUsers(rewriter, op, result);
      rewriter.eraseOp(op);
      return success();
    }
    rewriter.replaceOp(op, l.permute(result, out).value);
    return success();
  }

private:
  /// The general form: batch indices (in both operands and the result)
  /// lead, the left operand is [batch, free, contracted] and the right one
  /// [batch, contracted, free]; the contracted and batch indices follow the
  /// operand that is not constant (a constant's transpose folds away), else
  /// the larger one. The result usually needs a transpose.
  MatmulForm gemmForm(const Labeled &lhs, const Labeled &rhs, const Term &out) {
    auto inOut = [&](const std::string &x) { return llvm::is_contained(out, x); };
    auto inL = [&](const std::string &x) { return llvm::is_contained(lhs.labels, x); };
    auto inR = [&](const std::string &x) { return llvm::is_contained(rhs.labels, x); };
    MatmulForm f;
    f.left = lhs;
    f.right = rhs;
    f.batch = select(lhs.labels, [&](auto &x) { return inR(x) && inOut(x); });
    f.contracted = select(lhs.labels, [&](auto &x) { return inR(x) && !inOut(x); });
    f.leftFree = select(lhs.labels, [&](auto &x) { return !inR(x) && inOut(x); });
    f.rightFree = select(rhs.labels, [&](auto &x) { return !inL(x) && inOut(x); });
    bool lhsConst = matchPattern(lhs.value, m_Constant());
    bool rhsConst = matchPattern(rhs.value, m_Constant());
    bool followRhs = lhsConst && !rhsConst;
    if (lhsConst == rhsConst)
      followRhs = tensorTypeOf(rhs.value).getNumElements() >
                  tensorTypeOf(lhs.value).getNumElements();
    if (followRhs) {
      f.contracted = ordered(f.contracted, rhs.labels);
      f.batch = ordered(f.batch, rhs.labels);
    }
    finish(f);
    return f;
  }

  /// The form that leaves the larger operand as it is: its contracted
  /// indices (contiguous) are replaced by the other operand's free indices.
  /// Indices before them are batch dimensions (the smaller operand is
  /// broadcast over those it lacks: one matrix applied to every slice of a
  /// tensor, as in a Tucker or tensor-train layer), indices after them the
  /// larger operand's matmul columns. std::nullopt if the larger operand's
  /// contracted indices are not contiguous, a shared batch index is not
  /// before them, or the columns would be fewer than a vector.
  std::optional<MatmulForm> sliceForm(const Labeled &lhs, const Labeled &rhs,
                                      const Term &out, Lowering &l) {
    bool lhsBig =
        tensorTypeOf(lhs.value).getNumElements() >= tensorTypeOf(rhs.value).getNumElements();
    const Labeled &big = lhsBig ? lhs : rhs, &small = lhsBig ? rhs : lhs;
    auto inOut = [&](const std::string &x) { return llvm::is_contained(out, x); };
    auto inBig = [&](const std::string &x) { return llvm::is_contained(big.labels, x); };
    auto inSmall = [&](const std::string &x) {
      return llvm::is_contained(small.labels, x);
    };
    Term contracted = select(big.labels, [&](auto &x) { return inSmall(x) && !inOut(x); });
    Term shared = select(big.labels, [&](auto &x) { return inSmall(x) && inOut(x); });
    Term smallFree = select(small.labels, [&](auto &x) { return !inBig(x); });
    auto first = llvm::find(big.labels, contracted.front());
    size_t at = first - big.labels.begin();
    if (at + contracted.size() > big.labels.size() ||
        Term(first, first + contracted.size()) != contracted)
      return std::nullopt;
    Term pre(big.labels.begin(), first);
    Term post(first + contracted.size(), big.labels.end());
    if (!llvm::all_of(shared, [&](auto &x) { return llvm::is_contained(pre, x); }))
      return std::nullopt;
    MatmulForm f;
    f.contracted = contracted;
    if (!post.empty()) {
      // The larger operand is the right one: [pre, contracted, post].
      constexpr int64_t kMinColumns = 16;
      if (l.product(post) < kMinColumns)
        return std::nullopt;
      f.left = small;
      f.right = big;
      f.batch = pre;
      f.leftFree = smallFree;
      f.rightFree = post;
    } else {
      // Contracted last: the larger operand is the left one, its shared
      // batch indices must lead.
      if (Term(pre.begin(), pre.begin() + shared.size()) != shared)
        return std::nullopt;
      f.left = big;
      f.right = small;
      f.batch = shared;
      f.leftFree = Term(pre.begin() + shared.size(), pre.end());
      f.rightFree = smallFree;
    }
    finish(f);
    return f;
  }

  static void finish(MatmulForm &f) {
    f.leftOrder = ordered(f.batch, f.left.labels);
    llvm::append_range(f.leftOrder, f.leftFree);
    llvm::append_range(f.leftOrder, f.contracted);
    f.rightOrder = ordered(f.batch, f.right.labels);
    llvm::append_range(f.rightOrder, f.contracted);
    llvm::append_range(f.rightOrder, f.rightFree);
    f.result = f.batch;
    llvm::append_range(f.result, f.leftFree);
    llvm::append_range(f.result, f.rightFree);
  }

  /// The matmul of `form`: operands permuted and reshaped to [batch..., m,
  /// k] and [batch..., k, n] (a batch index an operand lacks is a unit
  /// dimension of it; batch indices both have are merged when they can
  /// be), the result reshaped to its labels.
  Labeled multiply(RewriterBase &rewriter, Location loc, const MatmulForm &f,
                   Lowering &l) {
    Labeled left = l.permute(f.left, f.leftOrder);
    Labeled right = l.permute(f.right, f.rightOrder);
    auto has = [](const Labeled &x, const std::string &label) {
      return llvm::is_contained(x.labels, label);
    };
    bool broadcast = llvm::any_of(f.batch, [&](auto &x) {
      return !has(left, x) || !has(right, x);
    });
    SmallVector<int64_t> lshape, rshape;
    if (!broadcast) {
      int64_t b = l.product(f.batch);
      if (b != 1) {
        lshape.push_back(b);
        rshape.push_back(b);
      }
    } else if (llvm::none_of(f.batch, [&](auto &x) { return has(left, x); })) {
      // One matrix on the left for every slice on the right.
      int64_t b = l.product(f.batch);
      rshape.push_back(b);
    } else if (llvm::none_of(f.batch, [&](auto &x) { return has(right, x); })) {
      lshape.push_back(l.product(f.batch));
    } else {
      for (const std::string &x : f.batch) {
        lshape.push_back(has(left, x) ? l.product({x}) : 1);
        rshape.push_back(has(right, x) ? l.product({x}) : 1);
      }
    }
    int64_t m = l.product(f.leftFree), k = l.product(f.contracted),
            n = l.product(f.rightFree);
    Value product;
    if (lshape.empty() && rshape.empty())
      product = splitK(rewriter, loc, left.value, right.value, m, k, n);
    if (!product) {
      lshape.append({m, k});
      rshape.append({k, n});
      product = MatmulOp::create(rewriter, loc, l.reshape(left.value, lshape),
                                 l.reshape(right.value, rshape));
    }
    SmallVector<int64_t> resultShape;
    for (const std::string &label : f.result)
      resultShape.push_back(l.product({label}));
    return {l.reshape(product, resultShape), f.result};
  }

  /// A long, thin product (a small m x n result over k >= 2^16: two large
  /// tensors contracted to a few numbers) as k1 products of k2 = k / k1
  /// terms each (a batched matmul over k1, its batches spread over the
  /// workgroups), then a sum over k1. One matmul would run on one
  /// workgroup and add k terms into each f32 accumulator one after the
  /// other, losing digits (1.6% off at k = 2^24 on positive data); split,
  /// no sum is longer than k2 or k1. Null when the product is not such.
  Value splitK(RewriterBase &rewriter, Location loc, Value left, Value right,
               int64_t m, int64_t k, int64_t n) {
    constexpr int64_t kMinK = int64_t(1) << 16, kMaxChunk = 4096,
                      kMinChunk = 256;
    if (k < kMinK || m * n * 16 > k)
      return {};
    int64_t k2 = kMaxChunk;
    while (k2 >= kMinChunk && k % k2 != 0)
      --k2;
    if (k2 < kMinChunk)
      return {};
    int64_t k1 = k / k2;
    Type elementType = cast<RankedTensorType>(left.getType()).getElementType();
    auto type = [&](ArrayRef<int64_t> shape) {
      return RankedTensorType::get(shape, elementType);
    };
    Value lhs = ReshapeOp::create(rewriter, loc, type({m, k1, k2}), left);
    lhs = m == 1 ? ReshapeOp::create(rewriter, loc, type({k1, 1, k2}), lhs)
                       .getResult()
                 : TransposeOp::create(rewriter, loc, lhs, {1, 0, 2})
                       .getResult();
    Value rhs = ReshapeOp::create(rewriter, loc, type({k1, k2, n}), right);
    Value partial = MatmulOp::create(rewriter, loc, lhs, rhs);
    return ReduceSumOp::create(rewriter, loc, type({m, n}), partial,
                               rewriter.getDenseI64ArrayAttr({0}),
                               /*keepdims=*/false)
        .getResult();
  }

  /// Every contraction reading `op`'s result reads `result` instead, whose
  /// labels are a permutation of the spec's output: the reader's term for
  /// that operand is permuted to match.
  void relabelUsers(RewriterBase &rewriter, ContractOp op,
                    const Labeled &result) {
    std::string error;
    Term old = EinsumSpec::parse(op.getSpec(), error)->output;
    SmallVector<unsigned> from;
    for (const std::string &label : result.labels)
      from.push_back(llvm::find(old, label) - old.begin());
    for (OpOperand &use : llvm::make_early_inc_range(op->getUses())) {
      auto user = cast<ContractOp>(use.getOwner());
      std::optional<EinsumSpec> spec =
          EinsumSpec::parse(user.getSpec(), error);
      Term &term = spec->inputs[use.getOperandNumber()];
      Term permuted;
      for (unsigned i : from)
        permuted.push_back(term[i]);
      term = permuted;
      rewriter.modifyOpInPlace(user, [&] {
        use.set(result.value);
        user.setSpec(spec->str());
      });
    }
  }

  int64_t minGemmFlops;
};

struct LoomContractLoweringPass
    : public loom::impl::LoomContractLoweringBase<LoomContractLoweringPass> {
  using LoomContractLoweringBase::LoomContractLoweringBase;

  void runOnOperation() override {
    // In program order: a producer picks its layout before its readers are
    // lowered.
    SmallVector<ContractOp> ops;
    getOperation().walk([&](ContractOp op) { ops.push_back(op); });
    IRRewriter rewriter(&getContext());
    ContractLowerer lowerer(minGemmFlops);
    for (ContractOp op : ops)
      (void)lowerer.lower(rewriter, op); // failure: stays one loop nest
    // Fold what was created: transposes and reshapes of constants.
    if (failed(applyPatternsGreedily(getOperation(),
                                     RewritePatternSet(&getContext()))))
      signalPassFailure();
  }
};

} // namespace
