//===- LoomTensorOps.td - constants and shape ops --------*- tablegen -*-===//
//
// Included from LoomOps.td.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_TENSOR_OPS_TD
#define LOOM_TENSOR_OPS_TD


//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

def Loom_ConstantOp : Loom_Op<"constant", [ConstantLike, Pure,
    AllTypesMatch<["value", "result"]>]> {
  let summary = "a constant tensor (weights inline, or as a dense resource)";
  let description = [{
    ```mlir
    %w = loom.constant dense<1.0> : tensor<4x8xf32>
    %b = loom.constant dense_resource<bias> : tensor<8xf32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Loom_Tensor:$result);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Shape ops
//===----------------------------------------------------------------------===//

def Loom_ReshapeOp : Loom_Op<"reshape", [Pure, Loom_DynamicShapes]> {
  let summary = "row-major reshape to the result type (same element count)";
  let description = [{
    Reinterprets the input's elements, in row-major order, with the result's
    shape. A dynamic result dimension takes its size from `dims`, one index
    operand per `?` of the result type, in order (`loom.reshape %x [%s, %b4]
    : tensor<?x?x64xf32> -> tensor<?x?x16xf32>`). Without `dims`, each
    dynamic dimension must stay in a group of static ones (a flatten of
    N x C x H x W into N x CHW), from which the lowering infers its size.
  }];
  let arguments = (ins Loom_Tensor:$input, Variadic<Index>:$dims);
  let results = (outs Loom_Tensor:$result);
  let assemblyFormat = [{
    $input (`[` $dims^ `]`)? attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
  let builders = [
    OpBuilder<(ins "::mlir::Type":$type, "::mlir::Value":$input), [{
      build($_builder, $_state, type, input, ::mlir::ValueRange{});
    }]>
  ];
}

def Loom_TransposeOp : Loom_Op<"transpose", [Pure, Loom_DynamicShapes]> {
  let summary = "permutes dimensions: result dim i is input dim perm[i]";
  let arguments = (ins Loom_Tensor:$input, DenseI64ArrayAttr:$permutation);
  let results = (outs Loom_Tensor:$result);
  let assemblyFormat =
      "$input $permutation attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
  let builders = [
    OpBuilder<(ins "::mlir::Value":$input, "::llvm::ArrayRef<int64_t>":$perm)>
  ];
}

def Loom_BroadcastToOp : Loom_Op<"broadcast_to", [Pure, Loom_DynamicShapes]> {
  let summary = "numpy.broadcast_to the result shape";
  let description = [{
    A dynamic result dimension takes its size from `dims`, one index
    operand per `?` of the result type, in order (an attention mask of
    shape [batch, 1, 1, seq] expanded to [batch, heads, 1, seq]); without
    `dims`, each dynamic result dimension must be a dynamic input
    dimension, whose size it keeps.
  }];
  let arguments = (ins Loom_Tensor:$input, Variadic<Index>:$dims);
  let results = (outs Loom_Tensor:$result);
  let assemblyFormat = [{
    $input (`[` $dims^ `]`)? attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
  let builders = [
    OpBuilder<(ins "::mlir::Type":$type, "::mlir::Value":$input), [{
      build($_builder, $_state, type, input, ::mlir::ValueRange{});
    }]>
  ];
}

def Loom_ConcatOp : Loom_Op<"concat", [Pure, Loom_DynamicShapes]> {
  let summary = "joins tensors along `axis`";
  let arguments = (ins Variadic<Loom_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Loom_Tensor:$result);
  let assemblyFormat = [{
    $inputs `axis` `=` $axis attr-dict `:` functional-type($inputs, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Loom_SliceOp : Loom_Op<"slice", [Pure, Loom_DynamicShapes]> {
  let summary = "strided slice input[start:limit:stride] per dimension";
  let description = [{
    `limits` are exclusive; strides are positive. Result dim i has
    ceil((limit - start) / stride) elements. A dynamic input dimension is
    taken whole: its start is 0, its stride 1, and its limit is the dynamic
    size (printed as -9223372036854775808, like a `?` in a shape).
  }];
  let arguments = (ins Loom_Tensor:$input, DenseI64ArrayAttr:$starts,
                       DenseI64ArrayAttr:$limits, DenseI64ArrayAttr:$strides);
  let results = (outs Loom_Tensor:$result);
  let assemblyFormat = [{
    $input `starts` `=` $starts `limits` `=` $limits `strides` `=` $strides
    attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Loom_IotaOp : Loom_Op<"iota", [Pure, Loom_DynamicShapes]> {
  let summary = "start + i * step for i in 0..n-1 (numpy.arange)";
  let description = [{
    A 1-D tensor of n elements; a dynamic n is the `size` operand
    (`loom.iota [%n] start = 0 step = 1 : tensor<?xi64>`: ONNX Range over
    a run-time size).
  }];
  let arguments = (ins Optional<Index>:$size, I64Attr:$start, I64Attr:$step);
  let results = (outs Loom_NumericTensor:$result);
  let assemblyFormat = [{
    (`[` $size^ `]`)? `start` `=` $start `step` `=` $step attr-dict `:`
    type($result)
  }];
  let hasVerifier = 1;
}

def Loom_PadOp : Loom_Op<"pad", [Pure, Loom_DynamicShapes]> {
  let summary = "pads with a constant: `low`/`high` elements per dimension";
  let arguments = (ins Loom_Tensor:$input, DenseI64ArrayAttr:$low,
                       DenseI64ArrayAttr:$high,
                       DefaultValuedAttr<F64Attr, "0.0">:$value);
  let results = (outs Loom_Tensor:$result);
  let assemblyFormat = [{
    $input `low` `=` $low `high` `=` $high (`value` `=` $value^)? attr-dict `:`
    type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Loom_GatherOp : Loom_Op<"gather", [Pure, Loom_DynamicShapes]> {
  let summary = "numpy.take(input, indices, axis)";
  let description = [{
    Result shape is input.shape[:axis] + indices.shape +
    input.shape[axis+1:]. A negative index counts from the end; indices out
    of range are clamped (they never read out of bounds).
  }];
  let arguments = (ins Loom_Tensor:$input, Loom_IndexTensor:$indices,
                       I64Attr:$axis);
  let results = (outs Loom_Tensor:$result);
  let assemblyFormat = [{
    $input `,` $indices `axis` `=` $axis attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Loom_SegmentSumOp : Loom_Op<"segment_sum", [Pure]> {
  let summary = "scatter-add of rows into segments: result[ids[i]] += data[i]";
  let description = [{
    Sums the rows of `data` (its slices along dimension 0) into
    `num_segments` segments: `result[s] = sum of data[i] for ids[i] == s`,
    zero for an empty segment (torch `index_add_` into zeros, TensorFlow's
    `unsorted_segment_sum`). The result shape is
    `[num_segments] + data.shape[1:]`. Rows are added in index order. A row
    whose id is outside `[0, num_segments)` is dropped; when `segment_ids`
    is a constant, every id must be in range (the verifier says which is
    not). Graph networks use it to sum messages into destination nodes.
    ```mlir
    %agg = loom.segment_sum %messages, %dst num_segments = 1000
        : (tensor<5000x64xf32>, tensor<5000xi64>) -> tensor<1000x64xf32>
    ```
  }];
  let arguments = (ins Loom_NumericTensor:$data,
                       Loom_IndexTensor:$segment_ids, I64Attr:$num_segments);
  let results = (outs Loom_NumericTensor:$result);
  let assemblyFormat = [{
    $data `,` $segment_ids `num_segments` `=` $num_segments attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // LOOM_TENSOR_OPS_TD
