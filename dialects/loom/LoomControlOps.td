//===- LoomControlOps.td - recurrence and execution ------*- tablegen -*-===//
//
// Included from LoomOps.td.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_CONTROL_OPS_TD
#define LOOM_CONTROL_OPS_TD


//===----------------------------------------------------------------------===//
// Recurrence
//===----------------------------------------------------------------------===//

def Loom_ScanOp : Loom_Op<"scan", [RecursiveMemoryEffects,
    AttrSizedOperandSegments]> {
  let summary = "a loop over a sequence axis carrying state (RNN, GRU, LSTM)";
  let description = [{
    Runs its body once per step t = 0 .. T-1 of the `sequences` (each
    scanned along its dimension 0, of size T). The body's block arguments
    are the carried state (initially `inits`), then the step's slice of
    each sequence (dimension 0 dropped). It yields the next state, then
    any per-step outputs. The results are the final state, then each
    per-step output stacked along a new dimension 0 of size T.
    ```mlir
    %hT, %hs = loom.scan init(%h0 : tensor<4x8xf32>)
                         over(%xs : tensor<16x4x3xf32>) {
    ^bb0(%h: tensor<4x8xf32>, %x: tensor<4x3xf32>):
      ...
      loom.yield %hn, %hn : tensor<4x8xf32>, tensor<4x8xf32>
    } -> tensor<4x8xf32>, tensor<16x4x8xf32>
    ```
    It lowers to an `scf.for` whose body is the step's fused kernels.
  }];
  let arguments = (ins Variadic<AnyRankedTensor>:$inits,
                       Variadic<AnyRankedTensor>:$sequences);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    `init` `(` ($inits^ `:` type($inits))? `)`
    `over` `(` $sequences `:` type($sequences) `)` $body attr-dict
    `->` type($results)
  }];
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
}

def Loom_YieldOp : Loom_Op<"yield", [Pure, Terminator,
    ParentOneOf<["DispatchOp", "ScanOp"]>]> {
  let summary = "returns the results of a dispatch region or a scan step";
  let arguments = (ins Variadic<AnyRankedTensor>:$values);
  let assemblyFormat = "($values^ `:` type($values))? attr-dict";
}

//===----------------------------------------------------------------------===//
// Execution: dispatch regions (--loom-fuse) and kernel launches
// (--loom-outline-dispatches)
//===----------------------------------------------------------------------===//

def Loom_DispatchOp : Loom_Op<"dispatch", [IsolatedFromAbove,
    RecursiveMemoryEffects, SingleBlock]> {
  let summary = "a group of ops compiled to one kernel";
  let description = [{
    The region's block arguments are the dispatch operands; `loom.yield`
    returns its results. The region is isolated from above: every tensor it
    reads is an operand, so it can be outlined as a kernel whose bindings are
    the operands followed by the results.
  }];
  let arguments = (ins Variadic<AnyRankedTensor>:$inputs);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    `(` $inputs `)` attr-dict `:` functional-type($inputs, results) $body
  }];
  let hasVerifier = 1;
}

def Loom_LaunchOp : Loom_Op<"launch", [Pure,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "runs an outlined kernel over its workgroups (host side)";
  let description = [{
    Produced by --loom-outline-dispatches. `kernel` names a func.func in the
    nested kernel module whose arguments are one memref per input, one per
    result, then the workgroup id (x, y, z) as `index` values.
  }];
  let arguments = (ins SymbolRefAttr:$kernel, Variadic<AnyRankedTensor>:$inputs);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let assemblyFormat = [{
    $kernel `(` $inputs `)` attr-dict `:` functional-type($inputs, results)
  }];
}

#endif // LOOM_CONTROL_OPS_TD
