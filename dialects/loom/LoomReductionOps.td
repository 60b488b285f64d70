//===- LoomReductionOps.td - reductions, norms -----------*- tablegen -*-===//
//
// Included from LoomOps.td.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_REDUCTION_OPS_TD
#define LOOM_REDUCTION_OPS_TD


//===----------------------------------------------------------------------===//
// Reductions and normalizations
//===----------------------------------------------------------------------===//

class Loom_ReduceOp<string mnemonic, Type tensorType>
    : Loom_Op<mnemonic, [Pure, Loom_DynamicShapes]> {
  let description = [{
    Reduces over `dims` (negative values count from the end); with
    `keepdims` the reduced dimensions stay as size 1.
    ```mlir
    %s = loom.reduce_sum %x [1] : tensor<8x10xf32> -> tensor<8xf32>
    %m = loom.reduce_max %x [0, 1] keepdims : tensor<8x10xf32> -> tensor<1x1xf32>
    ```
  }];
  let arguments = (ins tensorType:$input, DenseI64ArrayAttr:$dims,
                       UnitAttr:$keepdims);
  let results = (outs tensorType:$result);
  let assemblyFormat = [{
    $input $dims (`keepdims` $keepdims^)? attr-dict `:` type($input) `->`
    type($result)
  }];
  let hasVerifier = 1;
}

def Loom_ReduceSumOp : Loom_ReduceOp<"reduce_sum", Loom_NumericTensor> {
  let summary = "sum over dimensions";
}
def Loom_ReduceMeanOp : Loom_ReduceOp<"reduce_mean", Loom_FloatTensor> {
  let summary = "arithmetic mean over dimensions";
}
class Loom_ReduceExtremumOp<string mnemonic>
    : Loom_ReduceOp<mnemonic, Loom_NumericTensor> {
  let description = [{
    Reduces over `dims` (negative values count from the end); with
    `keepdims` the reduced dimensions stay as size 1. A NaN among the
    reduced floats makes the result NaN; with `ignore_nan` NaNs are skipped
    (the result is the extremum of the other elements, or the identity,
    -inf for a max and +inf for a min, when all are NaN), which lets the
    CPU use one instruction per vector.
    ```mlir
    %m = loom.reduce_max %x [1] keepdims : tensor<8x10xf32> -> tensor<8x1xf32>
    %n = loom.reduce_min %x [0] ignore_nan : tensor<8x10xf32> -> tensor<10xf32>
    ```
  }];
  let arguments = (ins Loom_NumericTensor:$input, DenseI64ArrayAttr:$dims,
                       UnitAttr:$keepdims, UnitAttr:$ignore_nan);
  let assemblyFormat = [{
    $input $dims (`keepdims` $keepdims^)? (`ignore_nan` $ignore_nan^)?
    attr-dict `:` type($input) `->` type($result)
  }];
}

def Loom_ReduceMaxOp : Loom_ReduceExtremumOp<"reduce_max"> {
  let summary = "maximum over dimensions";
}
def Loom_ReduceMinOp : Loom_ReduceExtremumOp<"reduce_min"> {
  let summary = "minimum over dimensions";
}
def Loom_ReduceProdOp : Loom_ReduceOp<"reduce_prod", Loom_NumericTensor> {
  let summary = "product over dimensions";
}

def Loom_ArgmaxOp : Loom_Op<"argmax", [Pure]> {
  let summary = "index of the maximum along one dimension (first on ties)";
  let arguments = (ins Loom_NumericTensor:$input, I64Attr:$dim,
                       UnitAttr:$keepdims);
  let results = (outs Loom_IndexTensor:$result);
  let assemblyFormat = [{
    $input `dim` `=` $dim (`keepdims` $keepdims^)? attr-dict `:` type($input)
    `->` type($result)
  }];
  let hasVerifier = 1;
}

def Loom_SoftmaxOp : Loom_Op<"softmax", [Pure, SameOperandsAndResultType,
    Loom_DynamicShapes]> {
  let summary = "exp(x - max) / sum(exp(x - max)) along `axis`";
  let arguments = (ins Loom_FloatTensor:$input, I64Attr:$axis);
  let results = (outs Loom_FloatTensor:$result);
  let assemblyFormat = "$input `axis` `=` $axis attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def Loom_LogSoftmaxOp : Loom_Op<"log_softmax",
    [Pure, SameOperandsAndResultType, Loom_DynamicShapes]> {
  let summary = "x - max - log(sum(exp(x - max))) along `axis`";
  let arguments = (ins Loom_FloatTensor:$input, I64Attr:$axis);
  let results = (outs Loom_FloatTensor:$result);
  let assemblyFormat = "$input `axis` `=` $axis attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def Loom_LayerNormOp : Loom_Op<"layer_norm", [Pure, AttrSizedOperandSegments,
    Loom_DynamicShapes]> {
  let summary = "layer normalization over the dimensions from `axis` on";
  let description = [{
    y = (x - mean) / sqrt(var + epsilon) * scale + bias, where mean and the
    biased variance are taken over dimensions [axis, rank). `scale` and
    `bias` are optional and have the shape of those dimensions.
    ```mlir
    %y = loom.layer_norm %x scale %g bias %b axis = -1 epsilon = 1.0e-05
        : (tensor<8x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<8x16xf32>
    ```
  }];
  let arguments = (ins Loom_FloatTensor:$input,
                       Optional<Loom_FloatTensor>:$scale,
                       Optional<Loom_FloatTensor>:$bias,
                       I64Attr:$axis, F64Attr:$epsilon);
  let results = (outs Loom_FloatTensor:$result);
  let assemblyFormat = [{
    $input (`scale` $scale^)? (`bias` $bias^)? `axis` `=` $axis
    `epsilon` `=` $epsilon attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // LOOM_REDUCTION_OPS_TD
