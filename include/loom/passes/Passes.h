//===- Passes.h - Loom passes -----------------------------------*- C++ -*-===//
#ifndef LOOM_PASSES_PASSES_H
#define LOOM_PASSES_PASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

#include "loom/dialect/LoomDialect.h"

namespace mlir {
class RewritePatternSet;
}

namespace loom {

#define GEN_PASS_DECL
#include "passes/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Passes.h.inc"

/// Patterns of --loom-decompose (composite loom ops -> primitive loom ops).
void populateLoomDecompositionPatterns(mlir::RewritePatternSet &patterns);

/// Conversion patterns of --loom-to-linalg for convolution and pooling.
void populateConvolutionToLinalgPatterns(mlir::RewritePatternSet &patterns);

} // namespace loom

#endif // LOOM_PASSES_PASSES_H
