#!/bin/sh
# kill-rank.sh RANK COMMAND...: run COMMAND as this MPI rank; on rank RANK,
# kill it with SIGKILL as soon as it has started (a rank that dies mid-run).
victim="$1"
shift
rank="${OMPI_COMM_WORLD_RANK:-${PMIX_RANK:-0}}"
if [ "$rank" != "$victim" ]; then
  exec "$@"
fi
"$@" &
pid=$!
sleep 0.5
kill -9 "$pid"
wait "$pid"
exit $?
