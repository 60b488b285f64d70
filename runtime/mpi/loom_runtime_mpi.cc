// libloom_runtime_mpi: a loom_collective_t over an MPI communicator.
#include "loom/runtime_mpi.h"

#include <climits>
#include <cstdint>
#include <string>

namespace {

struct MpiCollective {
  MPI_Comm comm = MPI_COMM_NULL;
};

// MPI counts are ints: large messages go in chunks.
constexpr uint64_t kChunk = uint64_t(1) << 30;
constexpr int kTag = 0x4c4d; // "LM"

int chunkCount(uint64_t remaining) {
  return static_cast<int>(remaining < kChunk ? remaining : kChunk);
}

int sendBytes(void *user, int32_t dest, const void *data, uint64_t bytes) {
  auto *c = static_cast<MpiCollective *>(user);
  auto *p = static_cast<const char *>(data);
  for (uint64_t done = 0; done < bytes || bytes == 0;) {
    int n = chunkCount(bytes - done);
    if (MPI_Send(p + done, n, MPI_BYTE, dest, kTag, c->comm) != MPI_SUCCESS)
      return 1;
    done += n;
    if (bytes == 0)
      break;
  }
  return 0;
}

int recvBytes(void *user, int32_t source, void *data, uint64_t bytes) {
  auto *c = static_cast<MpiCollective *>(user);
  auto *p = static_cast<char *>(data);
  for (uint64_t done = 0; done < bytes || bytes == 0;) {
    int n = chunkCount(bytes - done);
    if (MPI_Recv(p + done, n, MPI_BYTE, source, kTag, c->comm,
                 MPI_STATUS_IGNORE) != MPI_SUCCESS)
      return 1;
    done += n;
    if (bytes == 0)
      break;
  }
  return 0;
}

int broadcastBytes(void *user, int32_t root, void *data, uint64_t bytes) {
  auto *c = static_cast<MpiCollective *>(user);
  auto *p = static_cast<char *>(data);
  for (uint64_t done = 0; done < bytes;) {
    int n = chunkCount(bytes - done);
    if (MPI_Bcast(p + done, n, MPI_BYTE, root, c->comm) != MPI_SUCCESS)
      return 1;
    done += n;
  }
  return 0;
}

void destroy(void *user) {
  auto *c = static_cast<MpiCollective *>(user);
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized && c->comm != MPI_COMM_NULL)
    MPI_Comm_free(&c->comm);
  delete c;
}

} // namespace

extern "C" loom_status_t loom_runtime_use_mpi(loom_runtime_t *runtime,
                                              MPI_Comm comm) {
  if (!runtime)
    return loom_status_create(LOOM_STATUS_INVALID_ARGUMENT,
                              "loom_runtime_use_mpi: argument 'runtime' is "
                              "NULL");
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized)
    return loom_status_create(LOOM_STATUS_INVALID_ARGUMENT,
                              "loom_runtime_use_mpi: MPI is not initialized "
                              "(call MPI_Init first)");
  auto *c = new MpiCollective;
  if (MPI_Comm_dup(comm, &c->comm) != MPI_SUCCESS) {
    delete c;
    return loom_status_create(LOOM_STATUS_UNAVAILABLE,
                              "loom_runtime_use_mpi: MPI_Comm_dup failed");
  }
  int rank = 0, size = 1;
  MPI_Comm_rank(c->comm, &rank);
  MPI_Comm_size(c->comm, &size);
  loom_collective_t collective{};
  collective.struct_size = sizeof collective;
  collective.rank = rank;
  collective.size = size;
  collective.user_data = c;
  collective.send = sendBytes;
  collective.recv = recvBytes;
  collective.broadcast = broadcastBytes;
  collective.destroy = destroy;
  loom_status_t status = loom_runtime_set_collective(runtime, &collective);
  if (status)
    destroy(c);
  return status;
}
