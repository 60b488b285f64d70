/* Version of the .loom module file format (runtime/schema/module.fbs).
 * Shared by the compiler (writer) and the runtime (reader); bump it on any
 * incompatible change to the schema or to the meaning of its fields. */
#ifndef LOOM_MODULE_FORMAT_H
#define LOOM_MODULE_FORMAT_H

#define LOOM_MODULE_FORMAT_VERSION 2u
/* The oldest version this runtime still loads. Version 2 added slice loops
 * (the SliceLoop command and Module.bodies); the compiler writes version 1
 * for a module without them, so older runtimes keep loading it. */
#define LOOM_MODULE_FORMAT_OLDEST_VERSION 1u
#define LOOM_MODULE_FILE_IDENTIFIER "LOOM"

#endif /* LOOM_MODULE_FORMAT_H */
