// loom-run as a library function: parse the command line, load the module,
// check and build the inputs, call (or benchmark), print or write results.
// main() is a thin wrapper; tests call runLoomRun with their own streams.
#ifndef LOOM_TOOLS_LOOM_RUN_RUN_TOOL_H
#define LOOM_TOOLS_LOOM_RUN_RUN_TOOL_H

#include "module_source.h"

#include <cstdio>

namespace loom::run {

// Returns the process exit status: 0 on success, 1 after printing one
// "error: ..." line to `err`.
int runLoomRun(int argc, const char *const *argv, CompileModelFn compile,
               FILE *out, FILE *err);

} // namespace loom::run

#endif // LOOM_TOOLS_LOOM_RUN_RUN_TOOL_H
