//===- MathApproximations.cpp - Loom's own math function expansions -------===//
#include "MathApproximations.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"

#include <cmath>

using namespace mlir;

namespace {

/// exp(x) = 2^n * e^r with n = round(x / ln 2) and |r| <= ln(2) / 2.
///
/// n comes from adding a rounding constant (1.5 * 2^23 + 126): the sum is
/// an integer-valued float whose low mantissa bits hold n + 126, so
/// shifting its bits left by 23 gives the float 2^(n-1) directly (no
/// float-to-int conversion, no separate bias add). The polynomial
/// approximates 2 e^r (a minimax fit of relative error 1.9e-9 on
/// [-ln 2 / 2, ln 2 / 2]) to make up for the halved scale, which lets
/// n = 128 be represented: every finite result up to FLT_MAX is reached,
/// and larger ones overflow to +inf in the final multiply.
///
/// The input is clamped to [-87.5, 89] first, with compare-and-select in
/// the order that keeps a NaN (a NaN input gives a NaN result). At the low
/// end n + 126 = 0, a scale of +0: exp of anything below about -87 is +0
/// (results under 1.7e-38 are flushed, as with flush-to-zero), exp(-inf)
/// included.
struct FastExpF32 : OpRewritePattern<math::ExpOp> {
  FastExpF32(MLIRContext *ctx) : OpRewritePattern(ctx, /*benefit=*/2) {}

  LogicalResult matchAndRewrite(math::ExpOp op,
                                PatternRewriter &rewriter) const override {
    Type type = op.getType();
    auto vectorType = dyn_cast<VectorType>(type);
    if (!getElementTypeOrSelf(type).isF32() ||
        (vectorType && vectorType.isScalable()))
      return failure();
    Location loc = op.getLoc();
    Type intType = rewriter.getI32Type();
    if (vectorType)
      intType = vectorType.clone(intType);
    // A scalar constant, or its splat when the op is on vectors.
    auto constant = [&](Type t, TypedAttr scalar) -> Value {
      TypedAttr value = scalar;
      if (auto shaped = dyn_cast<ShapedType>(t))
        value = DenseElementsAttr::get(shaped, scalar);
      return arith::ConstantOp::create(rewriter, loc, t, value);
    };
    auto f = [&](double v) { return constant(type, rewriter.getF32FloatAttr(v)); };
    auto fma = [&](Value a, Value b, Value c) -> Value {
      return math::FmaOp::create(rewriter, loc, a, b, c);
    };
    auto clamp = [&](Value x, arith::CmpFPredicate pred, double bound) {
      Value c = f(bound);
      // A NaN x fails the compare and is kept.
      Value beyond = arith::CmpFOp::create(rewriter, loc, pred, x, c);
      return arith::SelectOp::create(rewriter, loc, beyond, c, x).getResult();
    };

    Value x = clamp(op.getOperand(), arith::CmpFPredicate::OLT, -87.5);
    x = clamp(x, arith::CmpFPredicate::OGT, 89.0);

    const double rounding = 1.5 * 8388608.0 + 126.0;
    Value t = fma(x, f(1.0 / std::log(2.0)), f(rounding));
    Value n = arith::SubFOp::create(rewriter, loc, t, f(rounding));
    // ln 2 split into a float and the float of the remainder: the first
    // fma is exact up to one rounding of a result of magnitude < 0.35.
    const float ln2Hi = static_cast<float>(std::log(2.0));
    const double ln2Lo = std::log(2.0) - static_cast<double>(ln2Hi);
    Value r = fma(n, f(-ln2Hi), x);
    r = fma(n, f(-ln2Lo), r);

    // 2 e^r, highest degree first.
    static constexpr double kCoefficients[] = {
        0.002767358673736453, 0.016749713569879532, 0.08333645761013031,
        0.33332839608192444,  0.9999998211860657,   2.0,
        2.0};
    Value p = f(kCoefficients[0]);
    for (double c : ArrayRef<double>(kCoefficients).drop_front())
      p = fma(p, r, f(c));

    Value bits = arith::BitcastOp::create(rewriter, loc, intType, t);
    Value shift = constant(intType, rewriter.getI32IntegerAttr(23));
    Value scale = arith::BitcastOp::create(
        rewriter, loc, type, arith::ShLIOp::create(rewriter, loc, bits, shift));
    rewriter.replaceOpWithNewOp<arith::MulFOp>(op, p, scale);
    return success();
  }
};

} // namespace

void loom::populateFastExpPatterns(RewritePatternSet &patterns) {
  patterns.add<FastExpF32>(patterns.getContext());
}
