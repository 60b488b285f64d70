//===- HostEntry.h - host schedules compiled to code ------------*- C++ -*-===//
//
// For --emit=obj/llvm-ir/mlir: each entry function's host schedule becomes
// an exported C function that runs the whole model on the calling thread,
//
//   void loom_<function>(void *const *inputs, void *const *outputs);
//
// inputs[i] / outputs[j] point to dense row-major tensors of the function's
// signature (outputs allocated by the caller). Constants become read-only
// globals; the intermediate arena is allocated per call (aligned_alloc) and
// freed before returning, so calls are reentrant.
//
//===----------------------------------------------------------------------===//
#ifndef LOOM_TARGET_HOSTENTRY_H
#define LOOM_TARGET_HOSTENTRY_H

#include "loom/module/Schedule.h"

#include "mlir/IR/BuiltinOps.h"

namespace loom {

/// Adds the host entry functions of `schedule` to `kernels` (already in the
/// LLVM dialect, with the CPU kernel ABI wrappers). With
/// `fenceStreamingStores` (x86) each entry ends with an sfence, ordering the
/// kernels' streaming stores before the results go back to the caller.
mlir::LogicalResult addHostEntries(mlir::ModuleOp kernels,
                                   const ModuleSchedule &schedule,
                                   bool fenceStreamingStores);

} // namespace loom

#endif // LOOM_TARGET_HOSTENTRY_H
