/* Version of the .loom module file format (runtime/schema/module.fbs).
 * Shared by the compiler (writer) and the runtime (reader); bump it on any
 * incompatible change to the schema or to the meaning of its fields. */
#ifndef LOOM_MODULE_FORMAT_H
#define LOOM_MODULE_FORMAT_H

#define LOOM_MODULE_FORMAT_VERSION 3u
/* The oldest version this runtime still loads. Version 2 added slice loops
 * (the SliceLoop command and Module.bodies), version 3 dynamic shapes
 * (symbols, size expressions and per-call arena buffers). The compiler
 * writes the oldest version a module needs (1 for a static module without
 * slice loops), so older runtimes keep loading what they can run. */
#define LOOM_MODULE_FORMAT_OLDEST_VERSION 1u
#define LOOM_MODULE_FORMAT_SLICE_LOOP_VERSION 2u
#define LOOM_MODULE_FORMAT_DYNAMIC_SHAPE_VERSION 3u
#define LOOM_MODULE_FILE_IDENTIFIER "LOOM"

#endif /* LOOM_MODULE_FORMAT_H */
