//===- LoomElementwiseOps.td - elementwise ops -----------*- tablegen -*-===//
//
// Included from LoomOps.td.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_ELEMENTWISE_OPS_TD
#define LOOM_ELEMENTWISE_OPS_TD


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
// Elementwise ops (numpy broadcasting)
//===----------------------------------------------------------------------===//

class Loom_BinaryOp<string mnemonic, Type operandType, list<Trait> traits = []>
    : Loom_Op<mnemonic, !listconcat([Pure, Loom_DynamicShapes], traits)> {
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

def Loom_CompareOp : Loom_Op<"compare", [Pure, Loom_DynamicShapes]> {
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

def Loom_SelectOp : Loom_Op<"select", [Pure, Loom_DynamicShapes]> {
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

def Loom_CastOp : Loom_Op<"cast", [Pure, Loom_DynamicShapes]> {
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
    : Loom_Op<mnemonic, !listconcat([Pure, SameOperandsAndResultType,
                                     Loom_DynamicShapes], traits)> {
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

def Loom_GeluOp : Loom_Op<"gelu", [Pure, SameOperandsAndResultType,
    Loom_DynamicShapes]> {
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
// Rounding, trigonometric and hyperbolic functions (floats; f16/bf16
// computed in f32)
//===----------------------------------------------------------------------===//

def Loom_FloorOp : Loom_UnaryOp<"floor", Loom_FloatTensor> {
  let summary = "largest integer <= x";
}
def Loom_CeilOp : Loom_UnaryOp<"ceil", Loom_FloatTensor> {
  let summary = "smallest integer >= x";
}
def Loom_RoundOp : Loom_UnaryOp<"round", Loom_FloatTensor> {
  let summary = "nearest integer, halfway cases to even (like numpy.round)";
}
def Loom_TanOp : Loom_UnaryOp<"tan", Loom_FloatTensor> {
  let summary = "tangent";
}
def Loom_AsinOp : Loom_UnaryOp<"asin", Loom_FloatTensor> {
  let summary = "arcsine";
}
def Loom_AcosOp : Loom_UnaryOp<"acos", Loom_FloatTensor> {
  let summary = "arccosine";
}
def Loom_AtanOp : Loom_UnaryOp<"atan", Loom_FloatTensor> {
  let summary = "arctangent";
}
def Loom_SinhOp : Loom_UnaryOp<"sinh", Loom_FloatTensor> {
  let summary = "hyperbolic sine";
}
def Loom_CoshOp : Loom_UnaryOp<"cosh", Loom_FloatTensor> {
  let summary = "hyperbolic cosine";
}
def Loom_AsinhOp : Loom_UnaryOp<"asinh", Loom_FloatTensor> {
  let summary = "inverse hyperbolic sine";
}
def Loom_AcoshOp : Loom_UnaryOp<"acosh", Loom_FloatTensor> {
  let summary = "inverse hyperbolic cosine";
}
def Loom_AtanhOp : Loom_UnaryOp<"atanh", Loom_FloatTensor> {
  let summary = "inverse hyperbolic tangent";
}

#endif // LOOM_ELEMENTWISE_OPS_TD
