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

def Loom_YieldOp : Loom_Op<"yield", [Pure, Terminator, Loom_DynamicShapes,
    ParentOneOf<["DispatchOp", "ScanOp"]>]> {
  let summary = "returns the results of a dispatch region or a scan step";
  let arguments = (ins Variadic<AnyRankedTensor>:$values);
  let assemblyFormat = "($values^ `:` type($values))? attr-dict";
}

//===----------------------------------------------------------------------===//
// Execution: dispatch regions (--loom-fuse) and kernel launches
// (--loom-outline-dispatches)
//===----------------------------------------------------------------------===//

def Loom_DispatchOp : Loom_Op<"dispatch", [IsolatedFromAbove, Loom_DynamicShapes,
    RecursiveMemoryEffects, SingleBlock, AttrSizedOperandSegments]> {
  let summary = "a group of ops compiled to one kernel";
  let description = [{
    The region's block arguments are the dispatch operands; `loom.yield`
    returns its results. The region is isolated from above: every tensor it
    reads is an operand, so it can be outlined as a kernel whose bindings are
    the tensor operands followed by the results. `index` operands are sizes
    (dynamic dimensions) the region reads; they become the kernel's push
    constants. `result_dims` are the host's values of the results' dynamic
    dimensions, in order (one per `?` of each result).
  }];
  let arguments = (ins Variadic<AnyTypeOf<[AnyRankedTensor, Index]>>:$inputs,
                       Variadic<Index>:$result_dims);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    `(` $inputs `)` (`result_dims` `(` $result_dims^ `)`)? attr-dict `:`
    functional-type($inputs, results) $body
  }];
  let hasVerifier = 1;
}

def Loom_LaunchOp : Loom_Op<"launch", [Pure, Loom_DynamicShapes,
    AttrSizedOperandSegments,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "runs an outlined kernel over its workgroups (host side)";
  let description = [{
    Produced by --loom-outline-dispatches. `kernel` names a func.func in the
    nested kernel module whose arguments are one memref per tensor input,
    one per result, one `index` per `index` input (the kernel's push
    constants, in order), then the workgroup id (x, y, z) as `index` values.
    `result_dims` are the results' dynamic dimensions, as on loom.dispatch.
  }];
  let arguments = (ins SymbolRefAttr:$kernel,
                       Variadic<AnyTypeOf<[AnyRankedTensor, Index]>>:$inputs,
                       Variadic<Index>:$result_dims);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let assemblyFormat = [{
    $kernel `(` $inputs `)` (`result_dims` `(` $result_dims^ `)`)? attr-dict
    `:` functional-type($inputs, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Sliced contractions (--loom-contract-order with slice-loops)
//===----------------------------------------------------------------------===//

def Loom_SliceLoopOp : Loom_Op<"slice_loop", [Pure,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "a sliced tensor-network contraction run as a loop (host side)";
  let description = [{
    Runs the private function `body` once per slice. The sliced indices have
    sizes `extents`; a slice fixes each to one value c_k, and slice s of
    input t is the contiguous block of input t that starts
    sum_k c_k * input_strides[t * K + k] elements in (K = number of sliced
    indices): every input holds its sliced dimensions outermost, so a slice
    of it is one block, which `body` takes as its argument t. `body` returns
    the slice's partial result; `accumulate(acc_block, partial)` adds it to
    the block of the result that starts sum_k c_k * output_strides[k]
    elements in (stride 0 for a summed index: every slice adds into the same
    block; a sliced output index puts its slices side by side). The result
    starts as zeros. The runtime may run slices on several threads or ranks,
    each with an accumulator of its own, and then adds the accumulators in a
    fixed order with `reduce(acc, other)`.
    ```mlir
    %r = loom.slice_loop @main_slice0(%a, %b) accumulate @main_slice0_acc
         reduce @main_slice0_acc extents = [16]
         input_strides = [64, 0] output_strides = [0]
         : (tensor<16x4xf32>, tensor<4x4xf32>) -> tensor<4xf32>
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$body,
                       FlatSymbolRefAttr:$accumulate,
                       FlatSymbolRefAttr:$reduce,
                       DenseI64ArrayAttr:$extents,
                       DenseI64ArrayAttr:$input_strides,
                       DenseI64ArrayAttr:$output_strides,
                       Variadic<AnyRankedTensor>:$inputs);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $body `(` $inputs `)` `accumulate` $accumulate `reduce` $reduce
    `extents` `=` $extents `input_strides` `=` $input_strides
    `output_strides` `=` $output_strides attr-dict `:`
    functional-type($inputs, $result)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Number of slices (the product of the extents).
    int64_t getSliceCount();
  }];
}

#endif // LOOM_CONTROL_OPS_TD
