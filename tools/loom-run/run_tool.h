// loom-run as a library function: parse the command line, load the module,
// check and build the inputs, call (or benchmark), print or write results.
// main() is a thin wrapper; tests call runLoomRun with their own streams.
#ifndef LOOM_TOOLS_LOOM_RUN_RUN_TOOL_H
#define LOOM_TOOLS_LOOM_RUN_RUN_TOOL_H

#include "module_source.h"

#include <cstdio>

namespace loom::run {

// Joins the runtime to the other processes of a distributed run (MPI);
// false with a message on failure. Null when loom-run runs alone.
using AttachRanksFn = bool (*)(loom_runtime_t *runtime, std::string *error);

// Returns the process exit status: 0 on success, 1 after printing one
// "error: ..." line to `err`. With several ranks, only rank 0 prints or
// writes results.
int runLoomRun(int argc, const char *const *argv, CompileModelFn compile,
               FILE *out, FILE *err, AttachRanksFn attach = nullptr);

} // namespace loom::run

#endif // LOOM_TOOLS_LOOM_RUN_RUN_TOOL_H
