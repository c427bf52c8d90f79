#!/usr/bin/env bash
# Scale figures (`make bench-scale`; a benchmark, not a test): short trainings of each run of
# BENCH_SCALE_RUNS at the same train.shards, as 1 process x 2 BLAS threads and as
# `mpirun -np 2` x 1 thread, each run's parsing dependency included. Prints, per trained run
# and layout, the step time and img/s measured by the trainer (after its first step), and the
# time and bytes per step its exchanges took on rank 0, beside the bytes the exchange volume
# predicts for 2 processes (`CommunicationTally.networkBytes`, what `reid plan --nodes` uses).
#
#   scripts/bench-scale.sh            (BENCH_SCALE_RUNS, _STEPS, _SHARDS, _PROFILE to change)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
REID="$ROOT/.build/release/reid"
export DATA_ROOT="${DATA_ROOT:-$ROOT/data}"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
RUNS=${BENCH_SCALE_RUNS:-can-inception can-densenet}
STEPS=${BENCH_SCALE_STEPS:-40}
SHARDS=${BENCH_SCALE_SHARDS:-4}
PROFILE=${BENCH_SCALE_PROFILE:-ci}
WORK=$(mktemp -d /tmp/reid-bench-scale.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

common=(--seeds 1 --profile "$PROFILE" --set "train.iterations=$STEPS" --set "train.shards=$SHARDS"
  --set "train.log_every=$STEPS" --set "train.checkpoint_every=$STEPS")

echo "# bench-scale: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs;" \
  "$(mpirun --version | head -1); profile $PROFILE, $STEPS steps, train.shards $SHARDS"
echo
echo "| run | layout | s/step | img/s | exchanges s/step | share of step | MB received/step | predicted MB | collectives/step |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"

# row LAYOUT LOG: one table row per "timing of" line of LOG.
row() {
  local layout=$1 log=$2
  sed -n 's/^\([a-z0-9-]*\): timing of [0-9]* steps: \([0-9.]*\) s\/step (\([0-9.]*\) img\/s), [0-9.]* s\/step waiting for batches; exchanges \([0-9.]*\) s\/step (\([0-9.]*\)%), \([0-9.]*\) MB received per step, \([0-9]*\) collectives per step (volume \([0-9.]*\) MB gathered, \([0-9.]*\) MB of gradients summed)$/\1 \2 \3 \4 \5 \6 \7 \8 \9/p' \
    "$log" | while read -r run step ips comm share received collectives gathered reduced; do
    # Each of 2 processes receives half of every gathered result, and for each gradient sum
    # the other's S/2 banks of its half plus the other half of the sum.
    predicted=$(awk -v g="$gathered" -v r="$reduced" -v s="$SHARDS" \
      'BEGIN { printf "%.3f", g * 0.5 + r * (s / 2 + 1) * 0.5 }')
    echo "| $run | $layout | $step | $ips | $comm | $share % | $received | $predicted | $collectives |"
  done
}

for run in $RUNS; do
  "$REID" run "$run" "${common[@]}" --set blas.threads=2 --results "$WORK/threads" \
    >/dev/null 2>"$WORK/$run-threads.log" || { cat "$WORK/$run-threads.log" >&2; exit 1; }
  row "1 process x 2 threads" "$WORK/$run-threads.log"
  mpirun --oversubscribe --bind-to none -np 2 "$REID" run "$run" "${common[@]}" \
    --set blas.threads=1 --results "$WORK/processes" \
    >/dev/null 2>"$WORK/$run-processes.log" || { cat "$WORK/$run-processes.log" >&2; exit 1; }
  row "2 processes x 1 thread" "$WORK/$run-processes.log"
done
