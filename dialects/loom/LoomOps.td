//===- LoomOps.td - loom dialect operations ----------------*- tablegen -*-===//

#ifndef LOOM_OPS_TD
#define LOOM_OPS_TD

include "LoomDialect.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/IR/OpAsmInterface.td"
include "mlir/IR/RegionKindInterface.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/IR/EnumAttr.td"

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def Loom_CmpEQ : I32EnumAttrCase<"eq", 0>;
def Loom_CmpNE : I32EnumAttrCase<"ne", 1>;
def Loom_CmpLT : I32EnumAttrCase<"lt", 2>;
def Loom_CmpLE : I32EnumAttrCase<"le", 3>;
def Loom_CmpGT : I32EnumAttrCase<"gt", 4>;
def Loom_CmpGE : I32EnumAttrCase<"ge", 5>;
def Loom_ComparePredicate : I32EnumAttr<"ComparePredicate",
    "comparison predicate",
    [Loom_CmpEQ, Loom_CmpNE, Loom_CmpLT, Loom_CmpLE, Loom_CmpGT, Loom_CmpGE]> {
  let cppNamespace = "::loom";
}

def Loom_GeluNone : I32EnumAttrCase<"none", 0>;
def Loom_GeluTanh : I32EnumAttrCase<"tanh", 1>;
def Loom_GeluApproximation : I32EnumAttr<"GeluApproximation",
    "GELU approximation", [Loom_GeluNone, Loom_GeluTanh]> {
  let cppNamespace = "::loom";
}

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
// Elementwise ops (numpy broadcasting)
//===----------------------------------------------------------------------===//

class Loom_BinaryOp<string mnemonic, Type operandType, list<Trait> traits = []>
    : Loom_Op<mnemonic, !listconcat([Pure], traits)> {
  let description = [{
    Elementwise, with numpy broadcasting of the two operands. Both operands
    have the same element type as the result.
  }];
  let arguments = (ins operandType:$lhs, operandType:$rhs);
  let results = (outs operandType:$result);
  let assemblyFormat =
      "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let builders = [
    OpBuilder<(ins "::mlir::Value":$lhs, "::mlir::Value":$rhs), [{
      build($_builder, $_state,
            ::loom::inferBroadcastType(lhs.getType(), {lhs, rhs}), lhs, rhs);
    }]>
  ];
}

def Loom_AddOp : Loom_BinaryOp<"add", Loom_NumericTensor, [Commutative]> {
  let summary = "elementwise addition";
  let hasFolder = 1;
}
def Loom_SubOp : Loom_BinaryOp<"sub", Loom_NumericTensor> {
  let summary = "elementwise subtraction";
  let hasFolder = 1;
}
def Loom_MulOp : Loom_BinaryOp<"mul", Loom_NumericTensor, [Commutative]> {
  let summary = "elementwise multiplication";
  let hasFolder = 1;
}
def Loom_DivOp : Loom_BinaryOp<"div", Loom_NumericTensor> {
  let summary = "elementwise division (integers: truncating, like C)";
  let hasFolder = 1;
}
def Loom_MaxOp : Loom_BinaryOp<"max", Loom_NumericTensor, [Commutative]> {
  let summary = "elementwise maximum (NaN-propagating for floats)";
}
def Loom_MinOp : Loom_BinaryOp<"min", Loom_NumericTensor, [Commutative]> {
  let summary = "elementwise minimum (NaN-propagating for floats)";
}
def Loom_PowOp : Loom_BinaryOp<"pow", Loom_FloatTensor> {
  let summary = "elementwise power lhs ** rhs";
}

def Loom_CompareOp : Loom_Op<"compare", [Pure]> {
  let summary = "elementwise comparison with broadcasting; result is i1";
  let description = [{
    ```mlir
    %m = loom.compare lt, %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
    ```
    Floats compare ordered (a comparison with NaN is false), except `ne`,
    which is true when either side is NaN, as in numpy.
  }];
  let arguments = (ins Loom_ComparePredicate:$predicate, Loom_Tensor:$lhs,
                       Loom_Tensor:$rhs);
  let results = (outs Loom_BoolTensor:$result);
  let assemblyFormat = [{
    $predicate `,` $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Loom_SelectOp : Loom_Op<"select", [Pure]> {
  let summary = "elementwise cond ? a : b, broadcasting all three operands";
  let arguments = (ins Loom_BoolTensor:$condition, Loom_Tensor:$true_value,
                       Loom_Tensor:$false_value);
  let results = (outs Loom_Tensor:$result);
  let assemblyFormat = [{
    $condition `,` $true_value `,` $false_value attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Loom_CastOp : Loom_Op<"cast", [Pure]> {
  let summary = "elementwise conversion of the element type";
  let description = [{
    Float to int rounds toward zero; int/float to i1 is `x != 0`; i1 to a
    number gives 0 or 1.
  }];
  let arguments = (ins Loom_Tensor:$input);
  let results = (outs Loom_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

class Loom_UnaryOp<string mnemonic, Type tensorType, list<Trait> traits = []>
    : Loom_Op<mnemonic, !listconcat([Pure, SameOperandsAndResultType], traits)> {
  let arguments = (ins tensorType:$input);
  let results = (outs tensorType:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Loom_NegOp : Loom_UnaryOp<"neg", Loom_NumericTensor> {
  let summary = "elementwise negation";
  let hasFolder = 1;
}
def Loom_AbsOp : Loom_UnaryOp<"abs", Loom_NumericTensor> {
  let summary = "elementwise absolute value";
}
def Loom_ReluOp : Loom_UnaryOp<"relu", Loom_NumericTensor> {
  let summary = "max(x, 0)";
}
def Loom_ExpOp : Loom_UnaryOp<"exp", Loom_FloatTensor> { let summary = "e**x"; }
def Loom_LogOp : Loom_UnaryOp<"log", Loom_FloatTensor> {
  let summary = "natural logarithm";
}
def Loom_SqrtOp : Loom_UnaryOp<"sqrt", Loom_FloatTensor> {
  let summary = "square root";
}
def Loom_RsqrtOp : Loom_UnaryOp<"rsqrt", Loom_FloatTensor> {
  let summary = "1 / sqrt(x)";
}
def Loom_TanhOp : Loom_UnaryOp<"tanh", Loom_FloatTensor> {
  let summary = "hyperbolic tangent";
}
def Loom_SigmoidOp : Loom_UnaryOp<"sigmoid", Loom_FloatTensor> {
  let summary = "1 / (1 + exp(-x))";
}
def Loom_SiluOp : Loom_UnaryOp<"silu", Loom_FloatTensor> {
  let summary = "x * sigmoid(x)";
}
def Loom_ErfOp : Loom_UnaryOp<"erf", Loom_FloatTensor> {
  let summary = "the error function";
}
def Loom_SinOp : Loom_UnaryOp<"sin", Loom_FloatTensor> { let summary = "sine"; }
def Loom_CosOp : Loom_UnaryOp<"cos", Loom_FloatTensor> { let summary = "cosine"; }
def Loom_SoftplusOp : Loom_UnaryOp<"softplus", Loom_FloatTensor> {
  let summary = "log(1 + exp(x)), computed without overflow";
}

def Loom_GeluOp : Loom_Op<"gelu", [Pure, SameOperandsAndResultType]> {
  let summary = "Gaussian error linear unit";
  let description = [{
    `approximate = none` (default): 0.5 x (1 + erf(x / sqrt 2)).
    `approximate = tanh`: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
  }];
  let arguments = (ins Loom_FloatTensor:$input,
      DefaultValuedAttr<Loom_GeluApproximation,
                        "::loom::GeluApproximation::none">:$approximate);
  let results = (outs Loom_FloatTensor:$result);
  let assemblyFormat =
      "$input (`approximate` `=` $approximate^)? attr-dict `:` type($input)";
}

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

def Loom_MatmulOp : Loom_Op<"matmul", [Pure]> {
  let summary = "matrix product with numpy.matmul semantics";
  let description = [{
    Operands of rank >= 2 are stacks of matrices whose batch dimensions
    broadcast; a rank-1 lhs is a row vector and a rank-1 rhs a column vector
    (the unit dimension is dropped from the result), as in numpy.
  }];
  let arguments = (ins Loom_NumericTensor:$lhs, Loom_NumericTensor:$rhs);
  let results = (outs Loom_NumericTensor:$result);
  let assemblyFormat =
      "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let builders = [
    OpBuilder<(ins "::mlir::Value":$lhs, "::mlir::Value":$rhs)>
  ];
}

def Loom_LinearOp : Loom_Op<"linear", [Pure]> {
  let summary = "x @ weight^T + bias (weight is out_features x in_features)";
  let arguments = (ins Loom_FloatTensor:$input, Loom_FloatTensor:$weight,
                       Optional<Loom_FloatTensor>:$bias);
  let results = (outs Loom_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Loom_ContractOp : Loom_Op<"contract", [Pure]> {
  let summary = "N-ary einsum: a tensor network";
  let description = [{
    ```mlir
    %r = loom.contract "ab,bcd,de->ace" %x, %y, %z
        : (tensor<2x3xf32>, tensor<3x4x5xf32>, tensor<5x6xf32>) -> tensor<2x4x6xf32>
    ```
    One term per operand, one letter per dimension; the output after `->` is
    explicit. Labels missing from the output are summed over. A label may
    repeat within a term (a diagonal/trace) and appear in any number of
    operands (a hyper-index).
  }];
  let arguments = (ins StrAttr:$spec, Variadic<Loom_NumericTensor>:$inputs);
  let results = (outs Loom_NumericTensor:$result);
  let assemblyFormat =
      "$spec $inputs attr-dict `:` functional-type($inputs, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Reductions and normalizations
//===----------------------------------------------------------------------===//

class Loom_ReduceOp<string mnemonic, Type tensorType>
    : Loom_Op<mnemonic, [Pure]> {
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

def Loom_SoftmaxOp : Loom_Op<"softmax", [Pure, SameOperandsAndResultType]> {
  let summary = "exp(x - max) / sum(exp(x - max)) along `axis`";
  let arguments = (ins Loom_FloatTensor:$input, I64Attr:$axis);
  let results = (outs Loom_FloatTensor:$result);
  let assemblyFormat = "$input `axis` `=` $axis attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def Loom_LogSoftmaxOp : Loom_Op<"log_softmax",
    [Pure, SameOperandsAndResultType]> {
  let summary = "x - max - log(sum(exp(x - max))) along `axis`";
  let arguments = (ins Loom_FloatTensor:$input, I64Attr:$axis);
  let results = (outs Loom_FloatTensor:$result);
  let assemblyFormat = "$input `axis` `=` $axis attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def Loom_LayerNormOp : Loom_Op<"layer_norm", [Pure, AttrSizedOperandSegments]> {
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

//===----------------------------------------------------------------------===//
// Shape ops
//===----------------------------------------------------------------------===//

def Loom_ReshapeOp : Loom_Op<"reshape", [Pure]> {
  let summary = "row-major reshape to the result type (same element count)";
  let arguments = (ins Loom_Tensor:$input);
  let results = (outs Loom_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Loom_TransposeOp : Loom_Op<"transpose", [Pure]> {
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

def Loom_BroadcastToOp : Loom_Op<"broadcast_to", [Pure]> {
  let summary = "numpy.broadcast_to the result shape";
  let arguments = (ins Loom_Tensor:$input);
  let results = (outs Loom_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Loom_ConcatOp : Loom_Op<"concat", [Pure]> {
  let summary = "joins tensors along `axis`";
  let arguments = (ins Variadic<Loom_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Loom_Tensor:$result);
  let assemblyFormat = [{
    $inputs `axis` `=` $axis attr-dict `:` functional-type($inputs, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Loom_SliceOp : Loom_Op<"slice", [Pure]> {
  let summary = "strided slice input[start:limit:stride] per dimension";
  let description = [{
    `limits` are exclusive; strides are positive. Result dim i has
    ceil((limit - start) / stride) elements.
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

def Loom_PadOp : Loom_Op<"pad", [Pure]> {
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

def Loom_GatherOp : Loom_Op<"gather", [Pure]> {
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

//===----------------------------------------------------------------------===//
// Convolution and pooling (NCHW)
//===----------------------------------------------------------------------===//

def Loom_Conv2DOp : Loom_Op<"conv2d", [Pure]> {
  let summary = "2-D convolution, NCHW input, FCHW weight";
  let description = [{
    input N x C x H x W, weight F x (C/groups) x KH x KW, optional bias F.
    `padding` is [top, left, bottom, right].
    ```mlir
    %y = loom.conv2d %x, %w, %b strides = [1, 1] padding = [1, 1, 1, 1]
        dilations = [1, 1] groups = 1
        : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
    ```
  }];
  let arguments = (ins Loom_FloatTensor:$input, Loom_FloatTensor:$weight,
                       Optional<Loom_FloatTensor>:$bias,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$padding,
                       DenseI64ArrayAttr:$dilations, I64Attr:$groups);
  let results = (outs Loom_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? `strides` `=` $strides `padding` `=`
    $padding `dilations` `=` $dilations `groups` `=` $groups attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

class Loom_Pool2DOp<string mnemonic> : Loom_Op<mnemonic, [Pure]> {
  let arguments = (ins Loom_FloatTensor:$input, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$padding);
  let results = (outs Loom_FloatTensor:$result);
  let hasVerifier = 1;
}

def Loom_MaxPool2DOp : Loom_Pool2DOp<"max_pool2d"> {
  let summary = "2-D max pooling over NCHW (padding never wins the max)";
  let assemblyFormat = [{
    $input `kernel` `=` $kernel `strides` `=` $strides `padding` `=` $padding
    attr-dict `:` type($input) `->` type($result)
  }];
}

def Loom_AvgPool2DOp : Loom_Pool2DOp<"avg_pool2d"> {
  let summary = "2-D average pooling over NCHW";
  let description = [{
    With `count_include_pad` the divisor is always KH*KW; without it, only the
    elements inside the input are counted (ONNX's default).
  }];
  let arguments = (ins Loom_FloatTensor:$input, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$padding,
                       UnitAttr:$count_include_pad);
  let assemblyFormat = [{
    $input `kernel` `=` $kernel `strides` `=` $strides `padding` `=` $padding
    (`count_include_pad` $count_include_pad^)? attr-dict `:` type($input)
    `->` type($result)
  }];
}

def Loom_GlobalAvgPool2DOp : Loom_Op<"global_avg_pool2d", [Pure]> {
  let summary = "mean over H and W: N x C x H x W -> N x C x 1 x 1";
  let arguments = (ins Loom_FloatTensor:$input);
  let results = (outs Loom_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Dispatch regions (formed by --loom-fuse; one kernel each)
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
// More neural-network ops (ONNX coverage): LoomNNOps.td
//===----------------------------------------------------------------------===//

include "LoomNNOps.td"

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

#endif // LOOM_OPS_TD
