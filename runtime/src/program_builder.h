// Semantic verification of a structurally valid module, producing its
// Program: dtypes and shapes, kernel indices and binding/push-constant
// counts, nonzero workgroup grids, every BufferRef inside its storage,
// read-only storages never written by copies/fills, and constants 64-byte
// aligned. Every message names the function, the command and the operand.
#ifndef LOOM_RUNTIME_SRC_PROGRAM_BUILDER_H
#define LOOM_RUNTIME_SRC_PROGRAM_BUILDER_H

#include "program.h"
#include "status.h"

namespace loom::fb {
struct Module;
}

namespace loom::rt {

// `module` must have passed checkModuleFormat.
Status buildProgram(const loom::fb::Module &module, Program *program);

} // namespace loom::rt

#endif // LOOM_RUNTIME_SRC_PROGRAM_BUILDER_H
