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

//===----------------------------------------------------------------------===//
// contraction/
//===----------------------------------------------------------------------===//

def LoomContractOrder : Pass<"loom-contract-order", "mlir::func::FuncOp"> {
  let summary = "Splits each N-ary loom.contract into a tree of pairwise ones";
  let description = [{
    Every `loom.contract` with more than two operands is a tensor network.
    The path finder (lib/contraction) chooses the pairwise order; each step
    becomes a binary `loom.contract` whose result keeps its indices in the
    order a batched GEMM produces them (batch, lhs-free, rhs-free), and the
    last step produces the original output order. Indices that occur in one
    operand only are summed out of it first. With `memory-limit`, indices
    are sliced so that no intermediate exceeds the limit: the contraction
    of each slice is emitted in turn (an unrolled loop) and the partial
    results are accumulated; a limit that cannot be met is an error.
  }];
  let options = [
    Option<"optimizer", "optimizer", "std::string", /*default=*/"\"auto\"",
           "auto | optimal | greedy | random-greedy | partition">,
    Option<"minimize", "minimize", "std::string", /*default=*/"\"flops\"",
           "flops | size | write | combo">,
    Option<"memoryLimit", "memory-limit", "double", /*default=*/"0",
           "Largest intermediate, in elements (0: no limit)">,
    Option<"timeBudget", "time-budget", "double", /*default=*/"0.3",
           "Seconds the path finder may spend per contraction">,
    Option<"maxSlices", "max-slices", "int64_t", /*default=*/"256",
           "Most slices a memory limit may ask for">
  ];
  let dependentDialects = ["loom::LoomDialect"];
}

def LoomContractLowering : Pass<"loom-contract-lowering", "mlir::func::FuncOp"> {
  let summary = "Lowers pairwise loom.contract to transposes, reshapes and matmul";
  let description = [{
    Each binary contraction classifies its indices as batch, lhs-free,
    rhs-free and contracted, permutes the operands to [batch, free,
    contracted] / [batch, contracted, free] (choosing orders that avoid
    transposes where it can; transposes of constants fold away), reshapes
    them to 3-D and multiplies them with `loom.matmul`. Indices of one
    operand that are not in the result are summed first. Outer products,
    dot products, diagonals and contractions of fewer than `min-gemm-flops`
    FLOPs stay as `loom.contract`, which --loom-to-linalg lowers to one
    linalg.generic.
  }];
  let options = [
    Option<"minGemmFlops", "min-gemm-flops", "int64_t", /*default=*/"2048",
           "Smaller contractions stay a direct loop nest">
  ];
  let dependentDialects = ["loom::LoomDialect"];
}

//===----------------------------------------------------------------------===//
// fusion/
//===----------------------------------------------------------------------===//

def LoomFuse : Pass<"loom-fuse", "mlir::func::FuncOp"> {
  let summary = "Fuses linalg ops and groups them into loom.dispatch regions";
  let description = [{
    Runs on linalg on tensors (after --loom-to-linalg). Fuses elementwise
    producers into their consumers where the producer has no other user (no
    recomputation), then makes each remaining compute op the root of a
    `loom.dispatch` region, one kernel each. Cheap producers (tensor.empty,
    splat constants, linalg.fill of them) are cloned into every region that
    uses them; dense constants, function arguments and results of other
    regions become region operands. Reshapes stay outside: they are views.
  }];
  let options = [
    Option<"fuseElementwise", "fuse-elementwise", "bool", /*default=*/"true",
           "Fuse elementwise producers into consumers before forming regions">
  ];
  let dependentDialects = ["loom::LoomDialect", "mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect"];
}

//===----------------------------------------------------------------------===//
// codegen/ (kernels; target-independent steps, then the CPU strategy)
//===----------------------------------------------------------------------===//

def LoomOutlineDispatches : Pass<"loom-outline-dispatches", "mlir::ModuleOp"> {
  let summary = "Outlines each loom.dispatch into a kernel and launches it";
  let description = [{
    Each `loom.dispatch` in a host function `@f` becomes `func.func
    @f_dispatch_N` in the nested kernel module `@kernels`, taking one memref
    per operand, one per result (the destinations) and the workgroup id
    (x, y, z) as `index`. Its body reads the operands with
    `bufferization.to_tensor` and writes each result with
    `bufferization.materialize_in_destination`. The dispatch is replaced by
    `loom.launch @kernels::@f_dispatch_N`.
  }];
  let dependentDialects = ["loom::LoomDialect", "mlir::func::FuncDialect",
                           "mlir::bufferization::BufferizationDialect",
                           "mlir::memref::MemRefDialect"];
}

def LoomCpuDistribute : Pass<"loom-cpu-distribute", "mlir::ModuleOp"> {
  let summary = "Tiles each kernel's root op into workgroups (scf.forall)";
  let description = [{
    For every kernel, tiles the op that produces its result along parallel
    loops into an `scf.forall` whose iterations become workgroups, and fuses
    the producers inside the kernel into each tile. Tile sizes come from the
    CPU strategy (passes/codegen/CpuStrategy.cpp): enough workgroups to keep
    the thread pool busy, none smaller than a minimum amount of work.
  }];
  let options = [
    Option<"minWorkPerWorkgroup", "min-work-per-workgroup", "int64_t",
           /*default=*/"65536",
           "Smallest number of loop iterations given to one workgroup">,
    Option<"maxWorkgroups", "max-workgroups", "int64_t", /*default=*/"64",
           "Upper bound on the number of workgroups of one dispatch">
  ];
  let dependentDialects = ["mlir::scf::SCFDialect",
                           "mlir::affine::AffineDialect"];
}

def LoomCpuVectorize : Pass<"loom-cpu-vectorize", "mlir::ModuleOp"> {
  let summary = "Tiles each op of a kernel for caches and registers, vectorizes";
  let description = [{
    Runs inside workgroups on tensors (after --loom-cpu-distribute). Each
    linalg op gets the plan of its family from the CPU strategy
    (passes/codegen/CpuStrategy.cpp): matmul-like contractions are tiled for
    the cache, then into 8x32 register tiles that become vector.contract,
    whose accumulator is hoisted out of the k loop; other ops are vectorized
    along their innermost loop (masked where the loop does not divide).
    Ops without a vector strategy stay scalar and are listed in the kernel's
    `loom.scalar_ops` attribute.
  }];
  let dependentDialects = ["mlir::vector::VectorDialect",
                           "mlir::scf::SCFDialect",
                           "mlir::affine::AffineDialect"];
}

def LoomCpuBufferize : Pass<"loom-cpu-bufferize", "mlir::ModuleOp"> {
  let summary = "Bufferizes the kernels in place into their bindings";
  let description = [{
    Eliminates tensor.empty destinations, runs one-shot bufferization of the
    kernel module (copies become linalg.copy), and frees any temporary buffer
    a kernel still needs.
  }];
  let dependentDialects = ["mlir::bufferization::BufferizationDialect",
                           "mlir::memref::MemRefDialect",
                           "mlir::linalg::LinalgDialect"];
}

def LoomMapWorkgroups : Pass<"loom-map-workgroups", "mlir::ModuleOp"> {
  let summary = "Maps each kernel's outer scf.forall onto the workgroup id";
  let description = [{
    The iterations of a kernel's top-level scf.forall become the workgroups
    of its dispatch: the induction variables are computed from the workgroup
    id arguments (the innermost forall dimension is x), the loop is removed,
    and the grid is recorded as `loom.workgroup_count` on the kernel. A
    kernel without one runs as a single workgroup.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect", "mlir::scf::SCFDialect"];
}

def LoomCpuLowerToLLVM : Pass<"loom-cpu-lower-to-llvm", "mlir::ModuleOp"> {
  let summary = "Lowers the kernel module to the LLVM dialect with the CPU ABI";
  let description = [{
    Lowers loops, math (polynomial approximations where available), memrefs
    (bare pointers) and the rest to the LLVM dialect, then gives every kernel
    an exported wrapper with the Loom CPU kernel ABI
    (include/loom/kernel_abi.h) and defines `loom_kernel_abi_version`.
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

#endif // LOOM_PASSES_TD
