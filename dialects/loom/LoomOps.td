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

// One file per concept; each op once, whatever its rank (convolution and
// pooling are N-D, 2-D the common case).
include "LoomElementwiseOps.td"
include "LoomLinearAlgebraOps.td"
include "LoomReductionOps.td"
include "LoomTensorOps.td"
include "LoomConvolutionOps.td"
include "LoomControlOps.td"

#endif // LOOM_OPS_TD
