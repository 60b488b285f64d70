//===- NNOpsToLinalg.cpp - lowering of the ops in LoomNNOps.td ------------===//
#include "LinalgBuilders.h"

#include "loom/dialect/LoomOps.h"
#include "loom/passes/Passes.h"

#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;

void loom::populateNNOpsToLinalgPatterns(RewritePatternSet &patterns) {}
