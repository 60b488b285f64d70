//===- LoomKernelAttrs.td - the kernel contract ------------*- tablegen -*-===//
//
// What code generation records on an outlined kernel for the schedule
// builder (lib/module) and the targets (lib/target): one typed, verified
// attribute, `loom.kernel = #loom.kernel<...>`, on each kernel function of
// the nested `module @kernels`. Passes write it, the module writer and the
// targets read it; include/loom/dialect/KernelContract.h has the accessors.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_KERNEL_ATTRS_TD
#define LOOM_KERNEL_ATTRS_TD

include "LoomDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/BuiltinAttributes.td"

def Loom_StrategyNone : I32EnumAttrCase<"None", 0, "none">;
def Loom_StrategySerial : I32EnumAttrCase<"Serial", 1, "serial">;
def Loom_StrategySimt : I32EnumAttrCase<"Simt", 2, "simt">;
def Loom_StrategySharedMemoryContraction
    : I32EnumAttrCase<"SharedMemoryContraction", 3,
                      "shared_memory_contraction">;
def Loom_StrategyTreeReduction : I32EnumAttrCase<"TreeReduction", 4, "tree_reduction">;
def Loom_StrategyRowReduction : I32EnumAttrCase<"RowReduction", 5, "row_reduction">;
def Loom_StrategyLoopInvocations : I32EnumAttrCase<"LoopInvocations", 6, "loop_invocations">;
def Loom_StrategyTensorCore : I32EnumAttrCase<"TensorCore", 7, "tensor_core">;
def Loom_KernelStrategy : I32EnumAttr<"KernelStrategy",
    "how a GPU kernel's work is spread over a workgroup's invocations",
    [Loom_StrategyNone, Loom_StrategySerial, Loom_StrategySimt,
     Loom_StrategySharedMemoryContraction, Loom_StrategyTreeReduction,
     Loom_StrategyRowReduction, Loom_StrategyLoopInvocations,
     Loom_StrategyTensorCore]> {
  let cppNamespace = "::loom";
  let genSpecializedAttr = 0;
}

def Loom_KernelAttr : AttrDef<Loom_Dialect, "Kernel"> {
  let mnemonic = "kernel";
  let summary = "what code generation decided for one kernel";
  let description = [{
    Set on every outlined kernel as the discardable attribute `loom.kernel`.
    Every field is optional and filled in by the pass that decides it:

    - `workgroup_count`: the grid [x, y, z] the schedule dispatches
      (`--loom-map-workgroups`, `--loom-gpu-map-forall`); [1, 1, 1] when
      absent.
    - `workgroup_size`: invocations per workgroup [x, y, z] on GPUs
      (`--loom-gpu-distribute`); [1, 1, 1] when absent (CPU kernels).
    - `strategy`: how a GPU kernel spreads its work over invocations
      (`--loom-gpu-distribute`); `none` on the CPU.
    - `scalar_ops`: ops of the kernel left as scalar loops by the CPU
      vectorizer (`--loom-cpu-vectorize`), reported by
      `--print-dispatch-stats`.

    ```mlir
    func.func @main_dispatch_0(...) attributes {loom.kernel = #loom.kernel<
        workgroup_count = [8, 1, 1],
        workgroup_size = [128, 1, 1], strategy = simt>}
    ```
  }];
  let parameters = (ins
    OptionalParameter<"::mlir::DenseI64ArrayAttr">:$workgroup_count,
    OptionalParameter<"::mlir::DenseI64ArrayAttr">:$workgroup_size,
    DefaultValuedParameter<"::loom::KernelStrategy",
                           "::loom::KernelStrategy::None">:$strategy,
    OptionalParameter<"::mlir::ArrayAttr">:$scalar_ops
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

#endif // LOOM_KERNEL_ATTRS_TD
