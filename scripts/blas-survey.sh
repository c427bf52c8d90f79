#!/usr/bin/env bash
# Speed and bit-reproducibility of each OpenBLAS kernel family and thread count on this
# machine: runs `reid-bench --only blas` under each OPENBLAS_CORETYPE and thread count.
# Two runs whose "bits digest" match computed identical results. Used to pick the default
# in docs/blas.md.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product reid-bench >/dev/null
for core in ${CORES:-Haswell Zen SkylakeX Cooperlake}; do
  for threads in 1 2; do
    echo "### OPENBLAS_CORETYPE=$core, $threads threads"
    .build/release/reid-bench --core-type "$core" --only blas --threads "$threads" \
      --budget "${BUDGET:-0.5}" | sed -n '/^| /p;/digest:/p'
  done
done
