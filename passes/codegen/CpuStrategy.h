//===- CpuStrategy.h - how each op family is tiled on the CPU ---*- C++ -*-===//
//
// One place for the CPU code-generation strategy: the workgroup tiles of a
// kernel's root op per op family.
//
//===----------------------------------------------------------------------===//
#ifndef LOOM_PASSES_CODEGEN_CPUSTRATEGY_H
#define LOOM_PASSES_CODEGEN_CPUSTRATEGY_H

#include "mlir/Interfaces/TilingInterface.h"

namespace loom {

struct DistributionLimits {
  int64_t minWorkPerWorkgroup = 65536;
  int64_t maxWorkgroups = 64;
};

/// Workgroup tile size per loop of `op` (0 = not tiled). At most three
/// parallel loops are tiled, so the tiles map onto a 3-D grid. Returns an
/// empty vector when the op should run as one workgroup.
llvm::SmallVector<int64_t> workgroupTileSizes(mlir::TilingInterface op,
                                              const DistributionLimits &limits);

} // namespace loom

#endif // LOOM_PASSES_CODEGEN_CPUSTRATEGY_H
