// libloom_runtime_mpi: a loom_collective_t over an MPI communicator.
#include "loom/runtime_mpi.h"

#include <cstdint>

namespace {

struct MpiCollective {
  MPI_Comm comm = MPI_COMM_NULL;
};

// MPI counts are ints: large messages go in chunks.
constexpr uint64_t kChunk = uint64_t(1) << 30;
constexpr int kTag = 0x4c4d; // "LM"

// Calls `fn(offset, count)` for consecutive chunks of `bytes` (at least
// once, so that a 0-byte message still pairs a send with its receive);
// 1 when a call fails.
template <typename Fn> int inChunks(uint64_t bytes, Fn fn) {
  uint64_t done = 0;
  do {
    int n = static_cast<int>(bytes - done < kChunk ? bytes - done : kChunk);
    if (fn(done, n) != MPI_SUCCESS)
      return 1;
    done += uint64_t(n);
  } while (done < bytes);
  return 0;
}

int sendBytes(void *user, int32_t dest, const void *data, uint64_t bytes) {
  auto *c = static_cast<MpiCollective *>(user);
  auto *p = static_cast<const char *>(data);
  return inChunks(bytes, [&](uint64_t at, int n) {
    return MPI_Send(p + at, n, MPI_BYTE, dest, kTag, c->comm);
  });
}

int recvBytes(void *user, int32_t source, void *data, uint64_t bytes) {
  auto *c = static_cast<MpiCollective *>(user);
  auto *p = static_cast<char *>(data);
  return inChunks(bytes, [&](uint64_t at, int n) {
    return MPI_Recv(p + at, n, MPI_BYTE, source, kTag, c->comm,
                    MPI_STATUS_IGNORE);
  });
}

int broadcastBytes(void *user, int32_t root, void *data, uint64_t bytes) {
  auto *c = static_cast<MpiCollective *>(user);
  auto *p = static_cast<char *>(data);
  return inChunks(bytes, [&](uint64_t at, int n) {
    return MPI_Bcast(p + at, n, MPI_BYTE, root, c->comm);
  });
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
