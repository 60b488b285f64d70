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
    elementwise ops; global_avg_pool -> reduce_mean.
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
    "mlir::arith::ArithDialect", "mlir::math::MathDialect",
    "mlir::scf::SCFDialect"
  ];
}

//===----------------------------------------------------------------------===//
// contraction/
//===----------------------------------------------------------------------===//

def LoomContractOrder : Pass<"loom-contract-order", "mlir::ModuleOp"> {
  let summary = "Splits each N-ary loom.contract into a tree of pairwise ones";
  let description = [{
    Every `loom.contract` with more than two operands is a tensor network.
    The path finder (lib/contraction) chooses the pairwise order; each step
    becomes a binary `loom.contract` whose result keeps its indices in the
    order a batched GEMM produces them (batch, lhs-free, rhs-free), and the
    last step produces the original output order. Indices that occur in one
    operand only are summed out of it first. With `memory-limit`, indices
    are sliced so that no intermediate exceeds the limit; a limit that
    cannot be met is an error. With `slice-loops` (the CPU target) a sliced
    contraction becomes one `loom.slice_loop`: its inputs transposed so the
    sliced dimensions are outermost, a private function (the slice body: the
    pairwise tree for one slice), and functions that add a slice's partial
    result into the accumulator and add two accumulators; the runtime runs
    the loop over threads and MPI ranks. Without it, the contraction of
    each slice is emitted in turn (an unrolled loop, at most `max-slices`)
    and the partial results are summed or concatenated.

    A contraction may bring its own tree: `loom.path` (a numpy/opt_einsum
    linear path, its pairs flattened: `array<i64: 0, 1, 0, 1>`) and
    `loom.sliced` (the labels to slice, `["a", "b"]`), e.g. a tree found by
    cotengra; the path finder is then not run and the memory limit not
    applied.
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
           "Most slices a memory limit may ask for (unrolled slices only)">,
    Option<"sliceLoops", "slice-loops", "bool", /*default=*/"false",
           "Emit sliced contractions as loom.slice_loop (a runtime loop)">
  ];
  let dependentDialects = ["loom::LoomDialect"];
}

def LoomTtCompress : Pass<"loom-tt-compress", "mlir::func::FuncOp"> {
  let summary = "Compresses dense layers with constant weights into tensor trains";
  let description = [{
    A `loom.linear` (or a `loom.matmul` by a 2-D constant) whose weight is an
    f32 constant of at least `min-elements` elements becomes a `loom.contract`
    of the input with the cores of the weight's tensor-train (MPO)
    decomposition: the weight O x I is viewed as [o1..od, i1..id] (O and I
    split into `cores` factors as evenly as possible; automatic: 4, else 3,
    else 2), paired as [(o1 i1), ..., (od id)] and decomposed by TT-SVD with
    ranks at most `rank` and/or a relative Frobenius error at most
    `tolerance` (the bound of TT-SVD: each of the d-1 truncations discards
    at most tolerance/sqrt(d-1) of the norm). Every layer gets a remark with
    its modes, ranks, parameter counts and error; one the train would not
    make smaller stays dense. --loom-contract-order then orders the network.
  }];
  let options = [
    Option<"rank", "rank", "int64_t", /*default=*/"0",
           "Largest TT rank (0: no cap)">,
    Option<"tolerance", "tol", "double", /*default=*/"0",
           "Largest relative Frobenius error of each weight (0: none)">,
    Option<"cores", "cores", "int64_t", /*default=*/"0",
           "Number of cores (0: automatic)">,
    Option<"minElements", "min-elements", "int64_t", /*default=*/"4096",
           "Smallest weight (elements) worth compressing">,
    ListOption<"outModes", "out-modes", "int64_t",
               "Modes of the output features (their product must be O); "
               "with in-modes, instead of the automatic factorization">,
    ListOption<"inModes", "in-modes", "int64_t",
               "Modes of the input features (their product must be I)">
  ];
  let dependentDialects = ["loom::LoomDialect"];
}

def LoomContractLowering : Pass<"loom-contract-lowering", "mlir::func::FuncOp"> {
  let summary = "Lowers pairwise loom.contract to transposes, reshapes and matmul";
  let description = [{
    Each binary contraction becomes one `loom.matmul`. Where it can, the
    larger operand is left as it is: its contracted indices (contiguous)
    are replaced by the smaller operand's free indices, the indices before
    them are batch dimensions the smaller operand is broadcast over (one
    matrix applied to every slice: Tucker and tensor-train layers) and those
    after them the matmul's columns. Otherwise indices are classified as
    batch, lhs-free, rhs-free and contracted and the operands permuted to
    [batch, free, contracted] / [batch, contracted, free] (transposes of
    constants fold away). An intermediate read only by other contractions
    keeps the layout its matmul produces and its readers' specs are
    relabeled, so no intermediate is transposed; a result the function
    returns is transposed to the spec's order if it must be. Indices of one
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
    recomputation), then groups ops into `loom.dispatch` regions, one kernel
    each: a row reduction joins the elementwise ops around it (softmax,
    log-softmax, layer and RMS norms become one kernel), a matmul joins its
    elementwise epilogue (bias, activation, residual add); every other
    compute op is a region of its own. Cheap producers (tensor.empty,
    splat constants, linalg.fill of them) are cloned into every region that
    uses them; dense constants, function arguments and results of other
    regions become region operands. Reshapes stay outside: they are views.
  }];
  let options = [
    Option<"fuseElementwise", "fuse-elementwise", "bool", /*default=*/"true",
           "Fuse elementwise producers into consumers before forming regions">,
    Option<"fuseReductions", "fuse-groups", "bool", /*default=*/"true",
           "Group row reductions with their elementwise prologue/epilogue "
           "(softmax, norms) and matmuls with their elementwise epilogue">
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

def LoomCpuPackWeights : Pass<"loom-cpu-pack-weights", "mlir::ModuleOp"> {
  let summary = "Reads matmul right-hand sides from contiguous column panels";
  let description = [{
    Runs on dispatch regions (after --loom-fuse, before outlining; CPU
    only). A `linalg.matmul` of f32 whose right-hand side is a constant
    K x N matrix (a layer's weights) with N a multiple of 128 (at least 256)
    reads a copy packed at compile time: N/128 panels of K x 128, each
    contiguous, so that a workgroup streams its columns from memory in one
    run instead of 512 bytes from each 4 KiB row. The matmul becomes a
    `linalg.generic` over (m, panel, column, k) into M x N/128 x 128; the
    region's elementwise epilogue is expanded to that shape and its result
    collapsed back to M x N. A constant read by several regions is packed
    once; the unpacked copy goes when nothing else reads it. A right-hand
    side computed at run time is packed the same way by a kernel of its own
    (a copy) when every product reading it has at least 512 rows and K is
    at least 256: below that, the copy costs more than the panels save.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect",
                           "mlir::arith::ArithDialect"];
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
           "Most workgroups of a matmul-like dispatch (other ops: 8x more)">
  ];
  let dependentDialects = ["mlir::scf::SCFDialect",
                           "mlir::affine::AffineDialect"];
}

def LoomCpuDistributeScans : Pass<"loom-cpu-distribute-scans", "mlir::ModuleOp"> {
  let summary = "Splits each scan kernel's loop into workgroups of batch rows";
  let description = [{
    A scan kernel (`loom.scan` lowered to an `scf.for` over its steps) has
    no root op for `--loom-cpu-distribute` to tile. When every op of a step
    keeps the rows of the state apart (RNN, GRU, LSTM: row r of the new
    state reads only row r of the old one and of the step's input), the
    loop is wrapped in an `scf.forall` over blocks of rows: each workgroup
    runs every step for its block, each op of the step tiled to the
    block's rows, the states kept in the rows of the kernel's results.
    Loops whose steps mix rows stay one workgroup.
  }];
  let options = [
    Option<"minRows", "min-rows", "int64_t", /*default=*/"2",
           "Fewest batch rows per workgroup (at least 2)">,
    Option<"maxWorkgroups", "max-workgroups", "int64_t", /*default=*/"4",
           "Most workgroups of one scan: the threads the module will run "
           "on (each block runs all the steps and reads all the recurrent "
           "weights, so blocks beyond the threads only add traffic)">
  ];
  let dependentDialects = ["mlir::scf::SCFDialect",
                           "mlir::affine::AffineDialect",
                           "mlir::tensor::TensorDialect"];
}

def LoomCpuVectorize : Pass<"loom-cpu-vectorize", "mlir::ModuleOp"> {
  let summary = "Tiles each op of a kernel for caches and registers, vectorizes";
  let description = [{
    Runs inside workgroups on tensors (after --loom-cpu-distribute). Each
    linalg op gets the plan of its family from the CPU strategy
    (passes/codegen/CpuStrategy.cpp): matmul-like contractions are tiled for
    the cache, then into register tiles that become vector.contract, whose
    accumulator is hoisted out of the k loop; other ops are vectorized
    along their innermost loop (masked where the loop does not divide).
    Ops without a vector strategy stay scalar and are listed in the kernel's
    `scalar_ops` field of its `#loom.kernel`. The register tiles follow the
    target's vector registers (`vector-bits`, `vector-registers`: 8x32 with
    AVX-512's 32 x 512 bits, 4x16 with AVX2's 16 x 256); the CPU target sets
    them from the CPU it compiles for. Loop nests deeper than 8 (ops on
    tensors of high rank, as tensor networks have) keep their 4 innermost
    loops and have the outer ones coalesced into one loop over the
    linearized index (affine.delinearize_index): one-shot bufferization's
    analysis takes time exponential in the depth of a nest that carries a
    tensor.
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "int64_t", /*default=*/"512",
           "Bits of a vector register">,
    Option<"vectorRegisters", "vector-registers", "int64_t", /*default=*/"32",
           "Vector registers the CPU has">,
  ];
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
    and the grid is recorded as the `workgroup_count` of the kernel's
    `#loom.kernel`. A
    kernel without one runs as a single workgroup.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect", "mlir::scf::SCFDialect"];
}

def LoomCpuPrepareLowering : Pass<"loom-cpu-prepare-lowering", "mlir::ModuleOp"> {
  let summary = "Rewrites the CPU kernels' vector code before LLVM lowering";
  let description = [{
    The Loom steps before the upstream conversions to the LLVM dialect
    (buildLoomCpuLoweringPipeline): fast polynomial approximations of the
    transcendental functions, row reductions as vector.reduction (a
    shuffle tree), float divisions allowed to use the reciprocal (`arcp`),
    passes over one row kept rolled (an `llvm.loop_annotation` that
    --loom-cpu-kernel-abi moves onto the loop's back edge), and output
    bindings at least `streaming-output-bytes` large written with aligned
    non-temporal vector stores (0, the default: none; the CPU target sets
    it to its last-level cache size on x86).
  }];
  let options = [
    Option<"streamingOutputBytes", "streaming-output-bytes", "int64_t",
           /*default=*/"0",
           "Outputs at least this large (bytes) are written with streaming "
           "stores; 0: never">,
  ];
  let dependentDialects = ["mlir::LLVM::LLVMDialect",
                           "mlir::vector::VectorDialect"];
}

def LoomCpuKernelAbi : Pass<"loom-cpu-kernel-abi", "mlir::ModuleOp"> {
  let summary = "Gives each LLVM-dialect kernel the Loom CPU kernel ABI";
  let description = [{
    After the conversion to the LLVM dialect: every kernel (an llvm.func
    still carrying `loom.kernel`) becomes an internal `NAME_impl`, and an
    exported `NAME` with the CPU kernel ABI (include/loom/kernel_abi.h)
    loads the bindings and the workgroup id and calls it;
    `loom_kernel_abi_version` is defined. Loop annotations that
    scf-to-cf left as discardable attributes move onto the branches.
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

//===----------------------------------------------------------------------===//
// codegen/gpu/ (the GPU strategy shared by the Vulkan and CUDA targets)
//===----------------------------------------------------------------------===//

def LoomGpuDistribute : Pass<"loom-gpu-distribute", "mlir::ModuleOp"> {
  let summary = "Tiles each kernel into workgroups and invocations (GPU)";
  let description = [{
    Runs on the outlined kernels on tensors (after --loom-outline-dispatches)
    and picks a strategy per kernel from the op that produces its result
    (passes/codegen/gpu/GpuStrategy.cpp):

    * `simt`: the root's parallel loops are tiled into workgroups
      (`scf.forall` mapped to `#gpu.block`) and each workgroup tile into one
      output element per invocation (`scf.forall` mapped to `#gpu.thread`),
      with the kernel's producers fused into each tile;
    * `shared-memory-contraction`: matmul, batch matmul, convolutions and
      other contractions get workgroup tiles of the output, a serial loop
      over tiles of the reduction, and the operand tiles of each step copied
      into workgroup (shared) memory by all invocations before they are used;
    * `tree-reduction`: reductions over many elements into few outputs get
      one output per workgroup; each invocation reduces a slice into a
      partial result in shared memory, and the partials are combined in
      log2(invocations) steps;
    * `tensor-core` (with `tensor-cores`, CUDA sm_70+): a matmul or batch
      matmul with f16 operands and sizes that are multiples of 16 gets
      workgroups of one warp, each computing a 16x16 or 32x32 output tile
      with warp-level matrix ops (--loom-gpu-tensor-cores); an f16 result is
      accumulated in f32 and rounded once;
    * `serial`: kernels whose root cannot be tiled run as one invocation.

    Every kernel records its `strategy` and its `workgroup_size` (one
    dimension) in its `#loom.kernel`.
  }];
  let options = [
    Option<"maxWorkgroupSize", "max-workgroup-size", "int64_t",
           /*default=*/"128",
           "Most invocations per workgroup the target allows">,
    Option<"maxSharedMemory", "max-shared-memory", "int64_t",
           /*default=*/"16384",
           "Bytes of workgroup (shared) memory a workgroup may use">,
    Option<"subgroupSize", "subgroup-size", "int64_t", /*default=*/"32",
           "Invocations per subgroup (warp)">,
    Option<"tensorCores", "tensor-cores", "bool", /*default=*/"false",
           "Use the `tensor-core` strategy for f16 matmuls (the target has "
           "warp-level matrix multiply-accumulate, CUDA sm_70+)">
  ];
  let dependentDialects = ["mlir::scf::SCFDialect", "mlir::gpu::GPUDialect",
                           "mlir::affine::AffineDialect",
                           "mlir::bufferization::BufferizationDialect"];
}

def LoomGpuBufferize : Pass<"loom-gpu-bufferize", "mlir::ModuleOp"> {
  let summary = "Bufferizes GPU kernels in place into their bindings";
  let description = [{
    One-shot bufferization of the kernel module (after --loom-gpu-distribute).
    Temporaries a single invocation owns (allocated inside an
    invocation-mapped `scf.forall`) get the private address space, the
    others the workgroup address space; they are static and never freed. A
    kernel whose workgroup memory exceeds `max-shared-memory` is an error.
  }];
  let options = [
    Option<"maxSharedMemory", "max-shared-memory", "int64_t",
           /*default=*/"16384",
           "Bytes of workgroup (shared) memory a workgroup may use">
  ];
  let dependentDialects = ["mlir::bufferization::BufferizationDialect",
                           "mlir::memref::MemRefDialect",
                           "mlir::linalg::LinalgDialect",
                           "mlir::gpu::GPUDialect"];
}

def LoomGpuTensorCores : Pass<"loom-gpu-tensor-cores", "mlir::ModuleOp"> {
  let summary = "Rewrites matmuls marked for tensor cores into warp MMA ops";
  let description = [{
    Runs after --loom-gpu-bufferize on the kernels --loom-gpu-distribute
    gave the `tensor-core` strategy (one warp per workgroup). Each marked
    `linalg.matmul` / `linalg.batch_matmul` on buffers (f16 operands, an f16
    or f32 accumulator, sizes multiples of 16) becomes warp-synchronous
    matrix ops: the accumulator's 16x16 fragments are loaded
    (`gpu.subgroup_mma_load_matrix`), a loop over the reduction in steps of
    16 loads the operand fragments and multiplies them
    (`gpu.subgroup_mma_compute`, WMMA m16n16k16 on NVVM), and the fragments
    are stored back, between barriers. A transposed right operand is loaded
    column-major. Operands whose innermost stride is not 1 are an error.
  }];
  let dependentDialects = ["mlir::gpu::GPUDialect", "mlir::scf::SCFDialect",
                           "mlir::arith::ArithDialect"];
}

def LoomGpuMapForall : Pass<"loom-gpu-map-forall", "mlir::ModuleOp"> {
  let summary = "Maps workgroup and invocation loops onto GPU ids";
  let description = [{
    The kernel's `#gpu.block`-mapped `scf.forall` becomes the workgroup grid
    (its innermost loop is x, the next y, the others are linearized into z),
    recorded as the kernel's `workgroup_count`. Every `#gpu.thread`-mapped
    `scf.forall` is linearized and run by the workgroup's invocations: under
    `if (id < count)` when it has at most as many iterations as the
    workgroup has invocations, else as a loop striding by the workgroup
    size; a `gpu.barrier` follows it. Linalg ops left at workgroup level are
    spread over the invocations the same way; other writes at workgroup
    level are done by invocation 0.
  }];
  let dependentDialects = ["mlir::gpu::GPUDialect", "mlir::scf::SCFDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::affine::AffineDialect"];
}

def LoomGpuCreateKernels : Pass<"loom-gpu-create-kernels", "mlir::ModuleOp"> {
  let summary = "Turns the kernels into gpu.func kernels of a gpu.module";
  let description = [{
    Moves every kernel of `module @kernels` into `gpu.module @kernels` as a
    `gpu.func` kernel with the same name and bindings (the workgroup id
    arguments become `gpu.block_id`) and `known_block_size` from
    the `workgroup_size` of its `#loom.kernel`. Its static temporaries are allocated once, at
    entry: workgroup memory with `memref.alloc`, private memory with
    `memref.alloca`.
  }];
  let dependentDialects = ["mlir::gpu::GPUDialect"];
}

def LoomGpuPrepareSpirv : Pass<"loom-gpu-prepare-spirv", "mlir::ModuleOp"> {
  let summary = "Readies gpu.module @kernels for the conversion to SPIR-V";
  let description = [{
    Checks every type and op of the kernels against the target environment
    (an op that needs a capability the environment lacks is an error naming
    both), emulates bf16 buffers with 16-bit integers, replaces tanh and erf
    by polynomials, maps the GPU address spaces onto Vulkan storage classes,
    and attaches `spirv.target_env` to the gpu.module and
    `spirv.entry_point_abi` (the workgroup size) to each kernel. Runs after
    the scalar lowering of buildLoomVulkanLoweringPipeline; the upstream
    convert-gpu-to-spirv follows: one GLCompute entry point per kernel,
    binding i of a kernel is descriptor set 0, binding i.
  }];
  let options = [
    Option<"targetEnv", "target-env", "std::string", /*default=*/"\"\"",
           "Target environment: vulkan1.0..1.3, then +Capability... and "
           "limits (include/loom/passes/VulkanTargetEnv.h); empty: defaults">
  ];
  let dependentDialects = ["mlir::spirv::SPIRVDialect"];
}

def LoomSpirvTargetVersion : Pass<"loom-spirv-target-version", "mlir::ModuleOp"> {
  let summary = "Raises each spirv.module's version to the target's";
  let description = [{
    spirv-update-vce picks the lowest SPIR-V version the ops need, but from
    SPIR-V 1.4 on the lowering lists every global an entry point uses, which
    is only valid in a module declaring 1.4 or later: each spirv.module
    declares at least the version of the `spirv.target_env` on the
    gpu.module it was converted from.
  }];
}

def LoomSpirvPushConstants : Pass<"loom-spirv-push-constants", "mlir::ModuleOp"> {
  let summary = "Reads the scalar arguments of SPIR-V kernels from push constants";
  let description = [{
    After convert-gpu-to-spirv and before spirv-lower-abi-attrs: the scalar
    (i32) arguments of each entry point, which follow its buffer bindings,
    are the kernel's push constants (the kernel ABI: 32-bit words in order,
    in one push-constant block). They are read from a PushConstant variable
    and removed from the signature, so the bindings keep descriptor set 0,
    bindings 0..n-1.
  }];
}

def LoomGpuPrepareNvvm : Pass<"loom-gpu-prepare-nvvm", "mlir::ModuleOp"> {
  let summary = "Readies gpu.module @kernels for the conversion to NVVM";
  let description = [{
    Expands the math ops NVPTX has no instruction for into polynomials (so
    the PTX needs no libdevice) and turns workgroup-memory allocations into
    the kernel's workgroup attributions (shared memory). The upstream
    nvvm-attach-target and convert-gpu-to-nvvm follow
    (buildLoomCudaLoweringPipeline).
  }];
  let dependentDialects = ["mlir::gpu::GPUDialect"];
}

def LoomNvvmNativeIntrinsics : Pass<"loom-nvvm-native-intrinsics", "mlir::ModuleOp"> {
  let summary = "Replaces libdevice calls by NVPTX intrinsics";
  let description = [{
    convert-gpu-to-nvvm sends the math ops it keeps (floor, sqrt, fabs,
    fma...) to libdevice's `__nv_*` functions; each becomes the LLVM
    intrinsic NVPTX has an instruction for, and the declarations are
    removed. A `__nv_*` call without one is an error naming it.
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

#endif // LOOM_PASSES_TD
