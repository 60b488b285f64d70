//===- LoomNNOps.td - more neural-network ops --------------*- tablegen -*-===//
//
// Ops beyond the core set, added for the models people export (ONNX
// coverage). Included from LoomOps.td; verifiers in LoomNNOps.cpp, lowering
// in passes/lowering/NNOpsToLinalg.cpp.
//
// Most ONNX operators are compositions of core ops (the importer builds
// them); these are the ones that cannot be composed exactly or cheaply:
// rounding and inverse/hyperbolic trigonometric functions, 3-D convolution,
// and N-D pooling with dilations.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_NN_OPS_TD
#define LOOM_NN_OPS_TD

//===----------------------------------------------------------------------===//
// Elementwise math
//===----------------------------------------------------------------------===//

class Loom_FloatUnaryOp<string mnemonic, string summaryText>
    : Loom_Op<mnemonic, [Pure, SameOperandsAndResultType]> {
  let summary = summaryText;
  let description = [{
    Elementwise on a float tensor (f16/bf16 are computed in f32).
  }];
  let arguments = (ins Loom_FloatTensor:$input);
  let results = (outs Loom_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Loom_FloorOp : Loom_FloatUnaryOp<"floor", "largest integer <= x">;
def Loom_CeilOp : Loom_FloatUnaryOp<"ceil", "smallest integer >= x">;
def Loom_RoundOp : Loom_FloatUnaryOp<"round",
    "nearest integer, halfway cases to even (like numpy.round)">;
def Loom_TanOp : Loom_FloatUnaryOp<"tan", "tangent">;
def Loom_AsinOp : Loom_FloatUnaryOp<"asin", "arcsine">;
def Loom_AcosOp : Loom_FloatUnaryOp<"acos", "arccosine">;
def Loom_AtanOp : Loom_FloatUnaryOp<"atan", "arctangent">;
def Loom_SinhOp : Loom_FloatUnaryOp<"sinh", "hyperbolic sine">;
def Loom_CoshOp : Loom_FloatUnaryOp<"cosh", "hyperbolic cosine">;
def Loom_AsinhOp : Loom_FloatUnaryOp<"asinh", "inverse hyperbolic sine">;
def Loom_AcoshOp : Loom_FloatUnaryOp<"acosh", "inverse hyperbolic cosine">;
def Loom_AtanhOp : Loom_FloatUnaryOp<"atanh", "inverse hyperbolic tangent">;

//===----------------------------------------------------------------------===//
// 3-D convolution
//===----------------------------------------------------------------------===//

def Loom_Conv3DOp : Loom_Op<"conv3d", [Pure]> {
  let summary = "3-D convolution, NCDHW input, FCDHW weight";
  let description = [{
    input N x C x D x H x W, weight F x (C/groups) x KD x KH x KW, optional
    bias F. `padding` is [front, top, left, back, bottom, right]; `strides`
    and `dilations` are [D, H, W].
    ```mlir
    %y = loom.conv3d %x, %w strides = [1, 1, 1] padding = [1, 1, 1, 1, 1, 1]
        dilations = [1, 1, 1] groups = 1
        : (tensor<1x2x4x4x4xf32>, tensor<3x2x3x3x3xf32>) -> tensor<1x3x4x4x4xf32>
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

//===----------------------------------------------------------------------===//
// N-D pooling
//===----------------------------------------------------------------------===//

class Loom_PoolNDOp<string mnemonic> : Loom_Op<mnemonic, [Pure]> {
  let results = (outs Loom_FloatTensor:$result);
  let hasVerifier = 1;
}

def Loom_MaxPoolOp : Loom_PoolNDOp<"max_pool"> {
  let summary = "max pooling over 1 to 3 spatial dimensions (N x C x ...)";
  let description = [{
    The window has `kernel[i]` taps `dilations[i]` apart along spatial
    dimension i, and moves by `strides[i]`. `padding` holds the low padding
    of every spatial dimension, then the high padding; padding never wins
    the max. Result dimension i is
    floor((in + low + high - dilation * (kernel - 1) - 1) / stride) + 1.
    ```mlir
    %y = loom.max_pool %x kernel = [3] strides = [2] dilations = [2]
        padding = [1, 1] : tensor<1x2x16xf32> -> tensor<1x2x7xf32>
    ```
  }];
  let arguments = (ins Loom_FloatTensor:$input, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$padding);
  let assemblyFormat = [{
    $input `kernel` `=` $kernel `strides` `=` $strides `dilations` `=`
    $dilations `padding` `=` $padding attr-dict `:` type($input) `->`
    type($result)
  }];
}

def Loom_AvgPoolOp : Loom_PoolNDOp<"avg_pool"> {
  let summary = "average pooling over 1 to 3 spatial dimensions (N x C x ...)";
  let description = [{
    Windows and padding as in `loom.max_pool` (no dilations). With
    `count_include_pad` the divisor is the window size clipped to the
    padded input; without it, only the elements inside the input are
    counted (ONNX's default).
    ```mlir
    %y = loom.avg_pool %x kernel = [2, 2, 2] strides = [1, 1, 1]
        padding = [0, 0, 0, 1, 1, 1] count_include_pad
        : tensor<1x1x4x4x4xf32> -> tensor<1x1x4x4x4xf32>
    ```
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

#endif // LOOM_NN_OPS_TD
