/* Loom kernel ABI (CPU target).
 *
 * Every compiled kernel on the CPU is an exported C-ABI function of this type
 * in the module's kernel library (an ELF shared object). The runtime calls it
 * once per workgroup of a dispatch, possibly from several threads at once for
 * different workgroup ids; kernels keep no state between calls.
 *
 *   bindings        - one pointer per buffer binding, in the order the
 *                     dispatch lists them (inputs first, then results)
 *   push_constants  - the dispatch's 32-bit push constants (may be NULL when
 *                     the kernel takes none)
 *   workgroup_id    - 3 entries: this workgroup's id in x, y, z
 *   workgroup_count - 3 entries: the grid size in x, y, z
 *
 * A kernel may return with non-temporal (streaming) stores still unordered
 * with respect to other threads. The caller orders them: after the last
 * workgroup of each range of workgroups one thread runs, and before it
 * reports them complete, it issues a store fence (x86: sfence). One fence per
 * range instead of one per workgroup keeps a kernel of many small
 * workgroups (a layer norm's rows) streaming.
 *
 * The library also exports `uint32_t loom_kernel_abi_version`, which must lie
 * between LOOM_KERNEL_ABI_OLDEST_VERSION and LOOM_KERNEL_ABI_VERSION.
 * Version 1 kernels fenced their own streaming stores; version 2 leaves that
 * to the caller as above.
 */
#ifndef LOOM_KERNEL_ABI_H
#define LOOM_KERNEL_ABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LOOM_KERNEL_ABI_VERSION 2u
#define LOOM_KERNEL_ABI_OLDEST_VERSION 1u
#define LOOM_KERNEL_ABI_VERSION_SYMBOL "loom_kernel_abi_version"

typedef void (*loom_cpu_kernel_fn_t)(void *const *bindings,
                                     const uint32_t *push_constants,
                                     const uint32_t *workgroup_id,
                                     const uint32_t *workgroup_count);

#ifdef __cplusplus
}
#endif

#endif /* LOOM_KERNEL_ABI_H */
