//===- LoomLinearAlgebraOps.td - matmul, linear, contract *- tablegen -*-===//
//
// Included from LoomOps.td.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_LINEAR_ALGEBRA_OPS_TD
#define LOOM_LINEAR_ALGEBRA_OPS_TD


//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

def Loom_MatmulOp : Loom_Op<"matmul", [Pure, Loom_DynamicShapes]> {
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

def Loom_LinearOp : Loom_Op<"linear", [Pure, Loom_DynamicShapes]> {
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

#endif // LOOM_LINEAR_ALGEBRA_OPS_TD
