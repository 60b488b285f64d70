//===- LoomNNOps.td - more neural-network ops --------------*- tablegen -*-===//
//
// Ops beyond the core set, added for the models people export (ONNX
// coverage). Included from LoomOps.td; verifiers in LoomNNOps.cpp, lowering
// in passes/lowering/NNOpsToLinalg.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_NN_OPS_TD
#define LOOM_NN_OPS_TD

#endif // LOOM_NN_OPS_TD
