# The Slurm half of scripts/test-cluster.sh (sourced by it): `reid submit` against a real
# single-host Slurm brought up by scripts/slurm-local.sh.

# wait_for_queue: waits (at most 600 s) until this cluster has no job left.
wait_for_queue() {
  local waited=0
  while [ -n "$(squeue -h 2>/dev/null)" ] && [ $waited -lt 600 ]; do
    sleep 1
    waited=$((waited + 1))
  done
  [ -z "$(squeue -h 2>/dev/null)" ]
}

slurm_tests() {
  # A cluster of this test's own, so that one a user has started is left alone.
  # (munged wants every folder above its socket searchable by all; mktemp -d makes 0700.)
  chmod a+x "$WORK"
  export SLURM_LOCAL_DIR="$WORK/slurm-local"
  if ! scripts/slurm-local.sh start >"$WORK/slurm-start.log" 2>&1; then
    not_ok "scripts/slurm-local.sh start ($(tail -5 "$WORK/slurm-start.log"))"
    return
  fi
  eval "$(scripts/slurm-local.sh env)"
  echo "# Slurm: $(sinfo --version)"
  trap 'scripts/slurm-local.sh stop >/dev/null 2>&1; rm -rf "$WORK"' EXIT

  # The whole of Table 1 (smoke: two seeds of each re-ID run) through the dependency chain,
  # submitted twice: the second submission must reuse the pending jobs.
  "$REID" submit table1 --profile smoke --results "$WORK/submitted" >"$WORK/submit1.log" 2>&1
  "$REID" submit table1 --profile smoke --results "$WORK/submitted" >"$WORK/submit2.log" 2>&1
  check "reid submit table1: one job per run and one for the table, with afterok dependencies" \
    bash -c "[ \$(grep -c 'submitted job' '$WORK/submit1.log') = 6 ] \
      && grep -q 'can-inception/seed2: submitted job [0-9]* after [0-9]*' '$WORK/submit1.log'"
  check "submitting again while the jobs are queued starts no second copy" \
    bash -c "! grep -q 'submitted job' '$WORK/submit2.log' \
      && grep -q 'not submitting a second copy' '$WORK/submit2.log'"
  check "every job of the chain finished" wait_for_queue
  "$REID" table table1 --profile smoke --results "$WORK/local" >"$WORK/local.log" 2>&1
  check "the submitted table equals reid table's byte for byte" \
    bash -c "[ -s '$WORK/local/table1.md' ] && cmp -s '$WORK/submitted/table1.md' '$WORK/local/table1.md'"
  "$REID" runs --profile smoke --results "$WORK/submitted" >"$WORK/runs.log" 2>&1
  check "reid runs lists the submitted runs as done" \
    bash -c "[ \$(grep -c ' done' '$WORK/runs.log') -ge 5 ]"
  "$REID" submit table1 --profile smoke --results "$WORK/submitted" >"$WORK/submit-done.log" 2>&1
  check "submitting a finished table submits no run, only the table's rendering" \
    bash -c "[ \$(grep -c 'done (cached)' '$WORK/submit-done.log') = 5 ] \
      && [ \$(grep -c 'submitted job' '$WORK/submit-done.log') = 1 ] \
      && grep -q '^table:table1: submitted job' '$WORK/submit-done.log'"
  wait_for_queue >/dev/null

  # The pre-timeout signal mid-run (what --signal=B:USR1@lead sends): the job checkpoints,
  # requeues itself, resumes, and ends with the bits of an uninterrupted run. (A run without
  # a parsing dependency, so that its job runs at once.)
  local long=(--profile smoke --seeds 1 --set train.iterations=400 --set train.checkpoint_every=20)
  "$REID" run baseline-densenet "${long[@]}" --results "$WORK/uninterrupted" \
    >"$WORK/uninterrupted.log" 2>&1
  "$REID" submit baseline-densenet "${long[@]}" --results "$WORK/requeued" \
    >"$WORK/submit3.log" 2>&1
  local job
  job=$(sed -n 's|^baseline-densenet/seed1: submitted job \([0-9]*\).*|\1|p' "$WORK/submit3.log")
  local waited=0
  until ls "$WORK"/requeued/runs/*/checkpoints/step-000040.h5 >/dev/null 2>&1 \
    || [ $waited -ge 600 ]; do
    sleep 0.2
    waited=$((waited + 1))
  done
  if [ -z "$job" ] || [ $waited -ge 600 ]; then
    not_ok "the long run's job $job started and wrote a checkpoint"
  else
    scancel --signal=USR1 --batch "$job"
    check "the signalled job finished after its requeue" wait_for_queue
    local run_log
    run_log=$(ls "$WORK"/requeued/slurm/baseline-densenet-*.log)
    check "the job checkpointed, requeued itself and resumed" \
      bash -c "grep -q 'requeueing $job' '$run_log' && grep -q 'restart 1' '$run_log' \
        && grep -q 'resuming from step-' '$run_log'"
    fingerprint "$WORK/uninterrupted" >"$WORK/uninterrupted.fp"
    fingerprint "$WORK/requeued" >"$WORK/requeued.fp"
    check "the requeued run ends with the bits of the uninterrupted one" \
      bash -c "[ -s '$WORK/uninterrupted.fp' ] && cmp -s '$WORK/uninterrupted.fp' '$WORK/requeued.fp'"
  fi

  # A record of a job Slurm no longer runs is named as stale and replaced.
  mkdir -p "$WORK/stale/runs"
  "$REID" submit can-inception --profile smoke --seeds 1 --results "$WORK/stale" --dry-run \
    >"$WORK/stale-dry.log" 2>&1
  local stale_run
  stale_run=$(sed -n 's|^# .*/slurm/can-inception-\([0-9a-f]*\)\.sbatch$|\1|p' "$WORK/stale-dry.log")
  mkdir -p "$WORK/stale/runs/$stale_run"
  printf '{"job_id": "999999", "script": "x", "log": "/nowhere.log", "submitted": "x"}\n' \
    >"$WORK/stale/runs/$stale_run/slurm-job.json"
  "$REID" submit can-inception --profile smoke --seeds 1 --results "$WORK/stale" \
    >"$WORK/stale.log" 2>&1
  check "a stale job record is named and replaced" \
    bash -c "grep -q 'recorded job 999999 is stale (unknown to Slurm' '$WORK/stale.log' \
      && grep -q 'can-inception/seed1: submitted job' '$WORK/stale.log'"
  wait_for_queue >/dev/null

  # Bad input.
  local reid_path status
  reid_path=$(readlink -f "$REID")
  PATH=/nonexistent "$reid_path" submit table1 --profile smoke --results "$WORK/nosbatch" \
    >"$WORK/nosbatch.log" 2>&1
  status=$?
  check "no sbatch on PATH: an error naming sbatch and what provides it" \
    bash -c "[ $status -ne 0 ] && grep -q 'sbatch not found on PATH' '$WORK/nosbatch.log'"
  "$REID" submit table1 --profile smoke --results "$WORK/badpart" --partition nosuch \
    >"$WORK/badpart.log" 2>&1
  status=$?
  check "an unknown partition: an error naming it and the cluster's partitions" \
    bash -c "[ $status -ne 0 ] && grep -q \"unknown partition 'nosuch': this cluster has debug\" \
      '$WORK/badpart.log'"

  scripts/slurm-local.sh stop >"$WORK/slurm-stop.log" 2>&1
  check "scripts/slurm-local.sh stop ends the daemons it started" daemons_stopped "$SLURM_CONF"
}

# daemons_stopped CONF: no slurmctld or slurmd started with -f CONF is left, and CONF is gone.
# (A function, not `bash -c`: the pattern on a shell's own command line would match itself.)
daemons_stopped() {
  ! pgrep -f -- "slurm(ctld|d) -D -f $1" >/dev/null && [ ! -e "$1" ]
}
