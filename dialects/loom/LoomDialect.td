//===- LoomDialect.td - the loom dialect -------------------*- tablegen -*-===//
//
// The loom dialect: a model as a function over ranked, statically shaped
// tensors. Ops carry numpy semantics (broadcasting, einsum) and are lowered to
// linalg on tensors by --loom-to-linalg.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_DIALECT_TD
#define LOOM_DIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def Loom_Dialect : Dialect {
  let name = "loom";
  let cppNamespace = "::loom";
  let summary = "Loom: tensor programs with numpy semantics and tensor networks";
  let description = [{
    Ops on ranked tensors of f32/f16/bf16/i32/i64/i1 with static shapes.
    Elementwise ops broadcast like numpy; `loom.contract` is an N-ary einsum,
    the tensor-network op that the contraction passes order and lower.
  }];
  let hasConstantMaterializer = 1;
  let useDefaultAttributePrinterParser = 0;
}

class Loom_Op<string mnemonic, list<Trait> traits = []>
    : Op<Loom_Dialect, mnemonic, traits>;

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

def Loom_Float : AnyTypeOf<[F32, F16, BF16]>;
def Loom_Int : AnyTypeOf<[I32, I64]>;
def Loom_Element : AnyTypeOf<[F32, F16, BF16, I32, I64, I1]>;

def Loom_Tensor : StaticShapeTensorOf<[F32, F16, BF16, I32, I64, I1]>;
def Loom_FloatTensor : StaticShapeTensorOf<[F32, F16, BF16]>;
def Loom_NumericTensor : StaticShapeTensorOf<[F32, F16, BF16, I32, I64]>;
def Loom_IndexTensor : StaticShapeTensorOf<[I32, I64]>;
def Loom_BoolTensor : StaticShapeTensorOf<[I1]>;

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

#endif // LOOM_DIALECT_TD
