//===- Passes.td - Loom passes -----------------------------*- tablegen -*-===//
//
// Every Loom pass, declared here; each lives in the folder of its family
// (passes/lowering, passes/fusion, passes/contraction, passes/pipelines).
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_PASSES_TD
#define LOOM_PASSES_TD

include "mlir/Pass/PassBase.td"

//===----------------------------------------------------------------------===//
// lowering/
//===----------------------------------------------------------------------===//

def LoomDecompose : Pass<"loom-decompose", "mlir::func::FuncOp"> {
  let summary = "Rewrites composite loom ops into primitive loom ops";
  let description = [{
    linear -> transpose + matmul + add (a constant weight is transposed at
    compile time); softmax, log_softmax and layer_norm -> reductions and
    elementwise ops; global_avg_pool2d -> reduce_mean.
  }];
  let dependentDialects = ["loom::LoomDialect"];
}

def LoomToLinalg : Pass<"loom-to-linalg", "mlir::func::FuncOp"> {
  let summary = "Lowers loom ops to linalg/tensor/arith/math on tensors";
  let description = [{
    Runs --loom-decompose, then converts every loom op: named linalg ops where
    they exist (matmul, batch_matmul, conv_2d_nchw_fchw, pooling), and
    linalg.generic otherwise. loom.dispatch regions are kept.
  }];
  let dependentDialects = [
    "mlir::linalg::LinalgDialect", "mlir::tensor::TensorDialect",
    "mlir::arith::ArithDialect", "mlir::math::MathDialect"
  ];
}

#endif // LOOM_PASSES_TD
