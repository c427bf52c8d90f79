#!/usr/bin/env bash
# Tests against the real engines: OpenMPI's mpirun and (with --slurm) a local Slurm started by
# scripts/slurm-local.sh. Run by `make test-cluster` (and .ci/run) after `make build`.
#
#   scripts/test-cluster.sh [--mpi] [--slurm]      (no flag: both)
#
# Each check prints "ok - ..." or "not ok - ..."; the last line is "N passed, M failed" and
# the exit status is non-zero when any check failed.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
REID="$ROOT/.build/release/reid"
export DATA_ROOT="${DATA_ROOT:-$ROOT/data}"
# mpirun refuses root unless told; CI runs as root.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# Four processes on two cores: allow it, and do not pin them to one core each.
MPIRUN=(mpirun --oversubscribe --bind-to none)
WORK=$(mktemp -d /tmp/reid-cluster-test.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

passed=0
failed=0
ok() { echo "ok - $*"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $*"; failed=$((failed + 1)); }
check() { # check DESCRIPTION COMMAND...
  local description=$1
  shift
  if "$@"; then ok "$description"; else not_ok "$description"; fi
}

# The sharded smoke configuration every MPI check uses: 4 shards of the 2 x 2 batch (one image
# each), one BLAS thread per process, one of the profile's seeds.
SHARDED=(--profile smoke --seeds 1 --set train.shards=4 --set blas.threads=1)

# fingerprint RESULTS: one line per run: id, parameter digest of the last checkpoint, eval.json
# without its timestamps, metrics.jsonl without throughput.
fingerprint() {
  local results=$1 run last
  for run in "$results"/runs/*/; do
    last=$(ls "$run/checkpoints" | tail -1)
    printf '%s %s %s %s\n' "$(basename "$run")" \
      "$("$REID" inspect --digest "$run/checkpoints/$last")" \
      "$(grep -v '"finished"' "$run/eval.json" | sha256sum | cut -c1-16)" \
      "$(sed 's/"img_per_s":[0-9.e+-]*,//' "$run/metrics.jsonl" | sha256sum | cut -c1-16)"
  done
}

mpi_tests() {
  echo "# MPI: $(mpirun --version | head -1)"
  local run r status
  for run in can-inception can-densenet; do
    for r in 1 2 4; do
      if [ "$r" = 1 ]; then
        "$REID" run "$run" "${SHARDED[@]}" --results "$WORK/$run-np$r" >"$WORK/$run-np$r.log" 2>&1
      else
        "${MPIRUN[@]}" -np "$r" "$REID" run "$run" "${SHARDED[@]}" --results "$WORK/$run-np$r" \
          >"$WORK/$run-np$r.log" 2>&1
      fi || { not_ok "$run with $r processes ran (log: $(tail -3 "$WORK/$run-np$r.log"))"; continue; }
      fingerprint "$WORK/$run-np$r" >"$WORK/$run-np$r.fp"
    done
    check "$run, 4 shards: 1, 2 and 4 processes give the same parameters, eval.json and losses" \
      bash -c "[ -s '$WORK/$run-np1.fp' ] && cmp -s '$WORK/$run-np1.fp' '$WORK/$run-np2.fp' \
        && cmp -s '$WORK/$run-np1.fp' '$WORK/$run-np4.fp'"
  done

  # One shard of the same run differs (it is another computation), but only by rounding.
  "$REID" run can-densenet --profile smoke --seeds 1 --set blas.threads=1 \
    --results "$WORK/unsharded" \
    >"$WORK/unsharded.log" 2>&1
  fingerprint "$WORK/unsharded" >"$WORK/unsharded.fp"
  check "1 shard and 4 shards train different bits (and different run ids)" \
    bash -c "[ -s '$WORK/unsharded.fp' ] && [ -s '$WORK/can-densenet-np1.fp' ] \
      && ! grep -qFf <(cut -d' ' -f2 '$WORK/unsharded.fp') '$WORK/can-densenet-np1.fp' \
      && ! grep -qFf <(cut -d' ' -f1 '$WORK/unsharded.fp') '$WORK/can-densenet-np1.fp'"

  # kill -9 of one rank mid-run: the others end within a bound, nothing half-written, and a
  # rerun (here with another process count) resumes to the bits of an uninterrupted run.
  local long=(--set train.iterations=60 --set train.checkpoint_every=10)
  "$REID" run can-densenet "${SHARDED[@]}" "${long[@]}" --results "$WORK/long-ref" \
    >"$WORK/long-ref.log" 2>&1
  "${MPIRUN[@]}" -np 2 "$REID" run can-densenet "${SHARDED[@]}" "${long[@]}" \
    --results "$WORK/long-killed" >"$WORK/long-killed.log" 2>&1 &
  local launcher=$! waited=0 victim=""
  while [ $waited -lt 600 ]; do
    if ls "$WORK"/long-killed/runs/*/checkpoints/step-000020.h5 >/dev/null 2>&1; then
      # The rank-1 process: a reid child of the launcher's daemon, not rank 0.
      victim=$(pgrep -f "reid run can-densenet.*long-killed" | while read -r pid; do
        tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx 'OMPI_COMM_WORLD_RANK=1' \
          && echo "$pid"; done | head -1)
      [ -n "$victim" ] && break
    fi
    sleep 0.2
    waited=$((waited + 1))
  done
  if [ -z "$victim" ]; then
    not_ok "found rank 1 of a running 2-process job to kill"
    kill "$launcher" 2>/dev/null
  else
    kill -9 "$victim"
    local start=$SECONDS
    wait "$launcher"
    local status=$? took=$((SECONDS - start))
    check "kill -9 of rank 1: the job exits non-zero ($status) within 60 s (${took} s)" \
      bash -c "[ $status -ne 0 ] && [ $took -le 60 ]"
    check "no process of the killed job is left" \
      bash -c "! pgrep -f '[r]eid run can-densenet.*long-killed' >/dev/null"
    check "no half-written checkpoint is left (only step-*.h5 files)" \
      bash -c "! ls -A '$WORK'/long-killed/runs/*/checkpoints | grep -v '^step-[0-9]*\.h5$' \
        | grep -v ':$' | grep -q ."
    "$REID" run can-densenet "${SHARDED[@]}" "${long[@]}" --results "$WORK/long-killed" \
      >"$WORK/long-resumed.log" 2>&1
    check "the rerun (1 process) resumed from a checkpoint" \
      grep -q "resuming from step-" "$WORK/long-resumed.log"
    fingerprint "$WORK/long-ref" >"$WORK/long-ref.fp"
    fingerprint "$WORK/long-killed" >"$WORK/long-killed.fp"
    check "the resumed run ends with the bits of the uninterrupted one" \
      bash -c "[ -s '$WORK/long-ref.fp' ] && cmp -s '$WORK/long-ref.fp' '$WORK/long-killed.fp'"
  fi

  # Bad input: each a clear error, non-zero.
  "${MPIRUN[@]}" -np 3 "$REID" run can-densenet "${SHARDED[@]}" --results "$WORK/np3" \
    >"$WORK/np3.log" 2>&1
  status=$?
  check "3 processes for 4 shards: an error naming train.shards" \
    bash -c "[ $status -ne 0 ] && grep -q 'train.shards.*3 processes cannot share 4 shards' '$WORK/np3.log'"
  "$REID" run can-densenet --profile smoke --seeds 1 --set train.shards=8 --results "$WORK/s8" \
    >"$WORK/s8.log" 2>&1
  status=$?
  check "8 shards of a 4-image batch: an error naming train.shards and the batch" \
    bash -c "[ $status -ne 0 ] && grep -q 'train.shards.*divisor of the batch' '$WORK/s8.log'"
}

run_mpi=1
run_slurm=1
case "${1:-}" in
  --mpi) run_slurm=0 ;;
  --slurm) run_mpi=0 ;;
esac
[ $run_mpi = 1 ] && mpi_tests
[ $run_slurm = 1 ] && [ -f scripts/test-slurm.sh ] && source scripts/test-slurm.sh && slurm_tests
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
