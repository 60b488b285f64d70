//===- MathApproximations.h - Loom's own math function expansions -*- C++ -*-===//
//
// Vectorizable expansions of math ops that replace upstream MLIR's
// polynomial approximations where Loom's are cheaper on the CPU.
//
//===----------------------------------------------------------------------===//
#ifndef LOOM_PASSES_CODEGEN_MATHAPPROXIMATIONS_H
#define LOOM_PASSES_CODEGEN_MATHAPPROXIMATIONS_H

namespace mlir {
class RewritePatternSet;
} // namespace mlir

namespace loom {

/// math.exp on f32 (scalars and vectors) as a range reduction by ln 2, a
/// degree-6 polynomial and an exponent built from the rounding constant's
/// bits: 13 vector instructions on AVX-512 against upstream's 22, within
/// about one ulp. Overflow gives +inf, results below about 1.7e-38 (and
/// exp(-inf)) give +0, NaN gives NaN. Added with a higher benefit than
/// upstream's approximation, so both can be in one pattern set.
void populateFastExpPatterns(mlir::RewritePatternSet &patterns);

} // namespace loom

#endif // LOOM_PASSES_CODEGEN_MATHAPPROXIMATIONS_H
