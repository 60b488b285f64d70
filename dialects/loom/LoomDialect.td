//===- LoomDialect.td - the loom dialect -------------------*- tablegen -*-===//
//
// The loom dialect: a model as a function over ranked tensors (static
// shapes, and dynamic dimensions on the ops marked Loom_DynamicShapes). Ops carry numpy semantics (broadcasting, einsum) and are lowered to
// linalg on tensors by --loom-to-linalg.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_DIALECT_TD
#define LOOM_DIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

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
  // #loom.kernel (LoomKernelAttrs.td), verified where it is attached.
  let useDefaultAttributePrinterParser = 1;
  let hasOperationAttrVerify = 1;
}

// Every loom op takes statically shaped tensors only, unless it has
// Loom_DynamicShapes: those ops accept dynamic dimensions (`tensor<?x784xf32>`)
// and lower them (issue 22 grows this set op by op). The check names the op
// and the operand, so a model that needs an op not yet dynamic gets one
// clear error at parse or import time.
def Loom_DynamicShapes : NativeOpTrait<"DynamicShapes"> {
  let cppNamespace = "::loom::OpTrait";
}
def Loom_StaticShapesUnlessDynamic
    : NativeOpTrait<"StaticShapesUnlessDynamic"> {
  let cppNamespace = "::loom::OpTrait";
}

class Loom_Op<string mnemonic, list<Trait> traits = []>
    : Op<Loom_Dialect, mnemonic,
         !listconcat(traits, [Loom_StaticShapesUnlessDynamic])>;

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

// f64 (numpy's default dtype: loom.einsum, hand-written models) compiles
// for the CPU target only; the GPU targets refuse it by name (TargetBackend::
// supportsF64). ONNX DOUBLE tensors are imported as f32.
def Loom_Float : AnyTypeOf<[F32, F16, BF16, F64]>;
def Loom_Int : AnyTypeOf<[I32, I64]>;
def Loom_Element : AnyTypeOf<[F32, F16, BF16, F64, I32, I64, I1]>;

def Loom_Tensor : RankedTensorOf<[F32, F16, BF16, F64, I32, I64, I1]>;
def Loom_FloatTensor : RankedTensorOf<[F32, F16, BF16, F64]>;
def Loom_NumericTensor : RankedTensorOf<[F32, F16, BF16, F64, I32, I64]>;
def Loom_IndexTensor : RankedTensorOf<[I32, I64]>;
def Loom_BoolTensor : RankedTensorOf<[I1]>;

#endif // LOOM_DIALECT_TD
