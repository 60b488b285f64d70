/* Loom runtime over MPI: libloom_runtime_mpi.
 *
 * Runs the slice loops of sliced tensor-network contractions across the
 * ranks of an MPI communicator (see loom_collective_t in runtime.h). Every
 * rank loads the same module and makes the same calls; each contracts its
 * block of slices and all ranks get the summed result. The core runtime,
 * libloom_runtime, stays free of MPI: only this library links it.
 *
 *   MPI_Init(&argc, &argv);
 *   loom_runtime_t *rt; loom_runtime_create(NULL, &rt);
 *   loom_runtime_use_mpi(rt, MPI_COMM_WORLD);
 *   ... load the module, call it (every rank), write results on rank 0 ...
 *   loom_runtime_release(rt);
 *   MPI_Finalize();
 *
 * Release the runtime before MPI_Finalize. A rank that fails a call should
 * end the job with MPI_Abort: the other ranks would wait for it. */
#ifndef LOOM_RUNTIME_MPI_H
#define LOOM_RUNTIME_MPI_H

#include <mpi.h>

#include "loom/runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Distributes the runtime's slice loops over `comm` (duplicated: Loom's
 * messages never mix with the application's). MPI must be initialized. */
LOOM_API loom_status_t loom_runtime_use_mpi(loom_runtime_t *runtime,
                                            MPI_Comm comm);

#ifdef __cplusplus
}
#endif

#endif /* LOOM_RUNTIME_MPI_H */
