#!/usr/bin/env python3
"""Runs the numpy reference evaluator (scripts/refeval.py) on a feature file, for reid-bench.

Usage:  python3 scripts/eval_reference.py FEATURES.h5 [--rerank] [--compare OURS.f32]
        (needs numpy and h5py; OPENBLAS_NUM_THREADS sets numpy's BLAS threads)

Distances are Euclidean, computed like `reid eval` does (float32 sgemm, squared-norm
expansion clamped at 0); re-ranking needs the query-query and gallery-gallery matrices too.
Prints one JSON object: seconds and peak RSS (bytes) of each phase, rank-1/5/10, mAP and, with
--compare (our re-ranked (Nq, Ng) float32 distances, raw little-endian), the largest absolute
difference and the fraction of bit-identical entries.
"""
import argparse
import json
import os
import re
import sys
import time

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import refeval  # noqa: E402


def peak_rss():
    """VmHWM of this process in bytes."""
    with open("/proc/self/status") as f:
        return int(re.search(r"VmHWM:\s+(\d+)", f.read()).group(1)) * 1024


def reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def euclidean(a, b):
    d = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2 * (a @ b.T)
    return np.sqrt(np.maximum(d, 0, out=d), out=d)


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("features")
    ap.add_argument("--rerank", action="store_true")
    ap.add_argument("--compare")
    a = ap.parse_args(argv)
    out, phases = {}, {}

    def phase(name, fn):
        reset_peak()
        t0 = time.perf_counter()
        result = fn()
        phases[name] = {"seconds": time.perf_counter() - t0, "peak_rss": peak_rss()}
        return result

    def read():
        with h5py.File(a.features, "r") as f:
            return {s: {k: f[s][k][()] for k in ("features", "pids", "camids")}
                    for s in ("query", "gallery")}

    data = phase("read", read)
    q, g = data["query"], data["gallery"]
    q_g = phase("distances", lambda: euclidean(q["features"], g["features"]))
    dist = q_g
    if a.rerank:
        q_q = phase("query-query and gallery-gallery distances",
                    lambda: euclidean(q["features"], q["features"]))
        g_g = phase("gallery-gallery distances", lambda: euclidean(g["features"], g["features"]))
        dist = phase("re-ranking", lambda: refeval.re_ranking(q_g, q_q, g_g))
        del q_q, g_g
    cmc, m = phase("CMC/mAP", lambda: refeval.evaluate(
        dist, q["pids"], g["pids"], q["camids"], g["camids"], 50))
    out.update({"rank1": float(cmc[0]), "rank5": float(cmc[4]), "rank10": float(cmc[9]),
                "mAP": m, "phases": phases})
    if a.compare:
        ours = np.fromfile(a.compare, dtype="<f4").reshape(dist.shape)
        out["max_abs_difference"] = float(np.abs(ours - dist).max())
        out["identical_fraction"] = float(np.mean(ours == dist))
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
