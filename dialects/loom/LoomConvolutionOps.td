//===- LoomConvolutionOps.td - convolution and pooling ---*- tablegen -*-===//
//
// Included from LoomOps.td. One op per concept over 1 to 3 spatial
// dimensions, channels first (N x C x spatial...): the spatial rank is the
// input's rank minus 2, and every window attribute has one value per
// spatial dimension (`padding`: every low padding, then every high one).
// Verifiers in LoomConvolutionOps.cpp, lowering in
// passes/lowering/ConvolutionToLinalg.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_CONVOLUTION_OPS_TD
#define LOOM_CONVOLUTION_OPS_TD

def Loom_ConvOp : Loom_Op<"conv", [Pure, Loom_DynamicShapes]> {
  let summary = "convolution over 1 to 3 spatial dimensions, channels first";
  let description = [{
    input N x C x S1..Sn, weight F x (C/groups) x K1..Kn, optional bias F;
    the result is N x F x O1..On with
    Oi = floor((Si + low_i + high_i - dilation_i * (Ki - 1) - 1) / stride_i) + 1.
    `padding` is [low_1..low_n, high_1..high_n] (for 2-D: top, left,
    bottom, right). `groups` splits the channels: each group of F/groups
    filters sees C/groups input channels (groups = C = F: depthwise).
    ```mlir
    %y = loom.conv %x, %w, %b strides = [1, 1] padding = [1, 1, 1, 1]
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
  let extraClassDeclaration = [{
    /// The number of spatial dimensions (1 to 3).
    int64_t getSpatialRank() {
      return ::llvm::cast<::mlir::RankedTensorType>(getInput().getType())
                 .getRank() - 2;
    }
  }];
  let hasVerifier = 1;
}

def Loom_MaxPoolOp : Loom_Op<"max_pool", [Pure, Loom_DynamicShapes]> {
  let summary = "max pooling over 1 to 3 spatial dimensions, channels first";
  let description = [{
    The window has `kernel[i]` taps `dilations[i]` apart (1 when
    `dilations` is left out) along spatial dimension i, and moves by
    `strides[i]`. `padding` holds the low padding of every spatial
    dimension, then the high padding; padding never wins the max. Result
    dimension i is
    floor((in + low + high - dilation * (kernel - 1) - 1) / stride) + 1.
    ```mlir
    %y = loom.max_pool %x kernel = [2, 2] strides = [2, 2]
        padding = [0, 0, 0, 0] : tensor<1x8x16x16xf32> -> tensor<1x8x8x8xf32>
    %z = loom.max_pool %x kernel = [3] strides = [2] dilations = [2]
        padding = [1, 1] : tensor<1x2x16xf32> -> tensor<1x2x7xf32>
    ```
  }];
  let arguments = (ins Loom_FloatTensor:$input, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$strides,
                       OptionalAttr<DenseI64ArrayAttr>:$dilations,
                       DenseI64ArrayAttr:$padding);
  let results = (outs Loom_FloatTensor:$result);
  let assemblyFormat = [{
    $input `kernel` `=` $kernel `strides` `=` $strides
    (`dilations` `=` $dilations^)? `padding` `=` $padding attr-dict `:`
    type($input) `->` type($result)
  }];
  let extraClassDeclaration = [{
    /// `dilations`, or all ones where it is left out.
    ::llvm::SmallVector<int64_t> getDilationsOrOnes() {
      if (auto d = getDilations())
        return ::llvm::SmallVector<int64_t>(*d);
      return ::llvm::SmallVector<int64_t>(getKernel().size(), 1);
    }
  }];
  let hasVerifier = 1;
}

def Loom_AvgPoolOp : Loom_Op<"avg_pool", [Pure, Loom_DynamicShapes]> {
  let summary = "average pooling over 1 to 3 spatial dimensions, channels first";
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
  let results = (outs Loom_FloatTensor:$result);
  let assemblyFormat = [{
    $input `kernel` `=` $kernel `strides` `=` $strides `padding` `=` $padding
    (`count_include_pad` $count_include_pad^)? attr-dict `:` type($input)
    `->` type($result)
  }];
  let hasVerifier = 1;
}

def Loom_GlobalAvgPoolOp : Loom_Op<"global_avg_pool", [Pure, Loom_DynamicShapes]> {
  let summary = "mean over every spatial dimension: N x C x S... -> N x C x 1...";
  let description = [{
    A composite op (--loom-decompose makes it a `loom.reduce_mean` over the
    spatial dimensions, kept as size 1).
    ```mlir
    %p = loom.global_avg_pool %x : tensor<2x32x16x16xf32> -> tensor<2x32x1x1xf32>
    ```
  }];
  let arguments = (ins Loom_FloatTensor:$input);
  let results = (outs Loom_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

#endif // LOOM_CONVOLUTION_OPS_TD
