#!/usr/bin/env python3
"""Golden files for ReIDEvalTests, made with the numpy reference evaluator scripts/refeval.py.

Usage:  python3 scripts/make_eval_fixtures.py [OUTDIR]
        (default OUTDIR: Tests/ReIDEvalTests/Fixtures; needs numpy and h5py)

Each fixture is a feature file (groups /query and /gallery with features float32 (N, D),
pids int64, camids int64 and, in some, paths) that `reid eval` reads as is, plus /expected:

  distmat, q_q, g_g   float32 Euclidean distances the reference evaluates and re-ranks,
                      computed in float64 from the float32 features and rounded
  cmc                 refeval.evaluate(distmat, ...); attributes mAP, max_rank, and evaluated
                      and skipped (queries with / without a true match)
  rerank_<variant>    refeval.re_ranking(distmat, q_q, g_g, k1, k2, lambda): (Nq, Ng) float32,
                      or only the rows listed in rerank_<variant>_rows (then
                      rerank_<variant>_row_sums has every row's sum); attributes k1, k2,
                      lambda, and mAP of evaluate()
  rerank_<variant>_cmc
                      evaluate()'s CMC of the re-ranked distances

Features with small integer values make every distance exact in float32 (sgemm included), so
the Swift side must reproduce ties bit for bit. h5py bundles HDF5 2.0; files are written with
the default library version bounds so that HDF5 1.10 reads them.
"""
import os
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import refeval  # noqa: E402

VARIANTS = {  # name: (k1, k2, lambda)
    "default": (20, 6, 0.3),
    "k1_7_k2_1_l0.5": (7, 1, 0.5),   # k1/2 = 3.5 rounds to 4; no query expansion
    "k1_5_k2_3_l0": (5, 3, 0.0),     # k1/2 = 2.5 rounds to 2; pure Jaccard distance
}


def distances(a, b):
    """float32 Euclidean distances, computed in float64 from float32 features."""
    a, b = a.astype(np.float64), b.astype(np.float64)
    sq = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2 * a @ b.T
    return np.sqrt(np.maximum(sq, 0)).astype(np.float32)


def counts(q_pids, g_pids, q_camids, g_camids):
    """(evaluated, skipped): queries with and without a true match."""
    valid = [np.any((g_pids == p) & (g_camids != c)) for p, c in zip(q_pids, q_camids)]
    return int(np.sum(valid)), int(len(valid) - np.sum(valid))


def write_fixture(path, qf, q_pids, q_camids, gf, g_pids, g_camids, max_rank=50,
                  paths=False, variants=VARIANTS, rows=None, compress=False):
    """Writes one fixture; with `rows`, only those rows of each re-ranked matrix (and every
    row's sum) are stored, and not the distance matrices (the features are exact)."""
    qf, gf = np.asarray(qf, np.float32), np.asarray(gf, np.float32)
    q_pids, g_pids = np.asarray(q_pids, np.int64), np.asarray(g_pids, np.int64)
    q_camids, g_camids = np.asarray(q_camids, np.int64), np.asarray(g_camids, np.int64)
    distmat, q_q, g_g = distances(qf, gf), distances(qf, qf), distances(gf, gf)
    opts = {"compression": "gzip", "shuffle": True} if compress else {}
    with h5py.File(path, "w") as f:
        f.attrs["format"] = "reid-features"
        f.attrs["version"] = np.int64(1)
        for name, feats, pids, cams in (("query", qf, q_pids, q_camids),
                                        ("gallery", gf, g_pids, g_camids)):
            g = f.create_group(name)
            g.create_dataset("features", data=feats, **opts)
            g.create_dataset("pids", data=pids, **opts)
            g.create_dataset("camids", data=cams, **opts)
            if paths:
                names = ["%s/%04d_c%ds1_%06d_00.jpg" % (name, p, c, i)
                         for i, (p, c) in enumerate(zip(pids, cams))]
                g.create_dataset("paths", data=names, dtype=h5py.string_dtype())
        e = f.create_group("expected")
        if rows is None:
            for key, value in (("distmat", distmat), ("q_q", q_q), ("g_g", g_g)):
                e.create_dataset(key, data=value, **opts)
        cmc, m = refeval.evaluate(distmat, q_pids, g_pids, q_camids, g_camids, max_rank)
        evaluated, skipped = counts(q_pids, g_pids, q_camids, g_camids)
        c = e.create_dataset("cmc", data=cmc)
        c.attrs["mAP"], c.attrs["max_rank"] = np.float64(m), np.int64(max_rank)
        c.attrs["evaluated"], c.attrs["skipped"] = np.int64(evaluated), np.int64(skipped)
        for name, (k1, k2, lam) in variants.items():
            rr = refeval.re_ranking(distmat, q_q, g_g, k1=k1, k2=k2, lambda_value=lam)
            rcmc, rm = refeval.evaluate(rr, q_pids, g_pids, q_camids, g_camids, max_rank)
            v = e.create_dataset("rerank_" + name, data=rr if rows is None else rr[rows], **opts)
            v.attrs["k1"], v.attrs["k2"], v.attrs["lambda"] = np.int64(k1), np.int64(k2), lam
            v.attrs["mAP"] = np.float64(rm)
            e.create_dataset("rerank_%s_cmc" % name, data=rcmc)
            if rows is not None:
                e.create_dataset("rerank_%s_rows" % name, data=np.asarray(rows, np.int64))
                e.create_dataset("rerank_%s_row_sums" % name, data=rr.astype(np.float64).sum(1),
                                 **opts)
    print("%-28s q %4d  g %5d  D %3d  evaluated %d skipped %d  rank-1 %.4f mAP %.4f  %6d bytes"
          % (os.path.basename(path), len(qf), len(gf), qf.shape[1], evaluated, skipped,
             cmc[0], m, os.path.getsize(path)))


def hand(out):
    """refeval's hand example as 1-D features: the query at 0, gallery at 1..5; the query's
    same-camera match is dropped; a gallery (5) smaller than max rank (50)."""
    write_fixture(os.path.join(out, "hand.h5"), [[0]], [1], [0],
                  [[1], [2], [3], [4], [5]], [1, 2, 1, 3, 1], [0, 0, 1, 0, 2], paths=True)


def ties(out, rng):
    """Integer features in {0, 1, 2}^3: most distances tie. Distractors (pid 0), same-camera
    matches, a query whose pid is absent and one whose only match shares its camera."""
    ng, nq = 40, 12
    g_pids = rng.integers(0, 7, ng)                  # 0 = distractor
    g_camids = rng.integers(1, 4, ng)
    gf = rng.integers(0, 3, (ng, 3))
    q_pids = np.concatenate([rng.integers(1, 7, nq - 2), [9, 8]])
    q_camids = rng.integers(1, 4, nq)
    g_pids[-1], g_camids[-1], q_camids[-1] = 8, 2, 2  # pid 8: one item, same camera
    qf = rng.integers(0, 3, (nq, 3))
    write_fixture(os.path.join(out, "ties.h5"), qf, q_pids, q_camids, gf, g_pids, g_camids)


def gaussian(out, rng):
    """Continuous features around identity centres: no exact ties, realistic structure."""
    ids, d = 12, 16
    centres = rng.normal(size=(ids + 1, d))
    g_pids = np.concatenate([np.repeat(np.arange(1, ids + 1), 5), np.zeros(12, int)])
    q_pids = np.concatenate([np.arange(1, ids + 1), np.arange(1, ids + 1), [ids + 5]])
    rng.shuffle(g_pids)
    g_camids, q_camids = rng.integers(1, 7, len(g_pids)), rng.integers(1, 7, len(q_pids))
    def feats(pids):
        base = np.where(pids[:, None] > 0, centres[np.minimum(pids, ids)], 0)
        return base + 0.7 * rng.normal(size=(len(pids), d))
    write_fixture(os.path.join(out, "gaussian.h5"), feats(q_pids), q_pids, q_camids,
                  feats(g_pids), g_pids, g_camids, max_rank=20, paths=True)


def medium(out, rng):
    """300 queries x 1500 gallery, integer features in [-4, 4]^8: identity centres plus
    +-1 noise, so re-ranking meets many exact ties. Stores a few full re-ranked rows, every
    row's sum, CMC and mAP."""
    ids, d, nq, ng = 150, 8, 300, 1500
    centres = rng.integers(-3, 4, (ids + 1, d))
    g_pids = np.concatenate([rng.integers(1, ids + 1, ng - 200), np.zeros(200, int)])
    q_pids = rng.integers(1, ids + 5, nq)            # ids above 150 have no match
    def feats(pids):
        return np.clip(centres[np.minimum(pids, ids)] + rng.integers(-1, 2, (len(pids), d)),
                       -4, 4)
    write_fixture(os.path.join(out, "medium.h5"), feats(q_pids), q_pids,
                  rng.integers(1, 7, nq), feats(g_pids), g_pids, rng.integers(1, 7, ng),
                  variants={"default": VARIANTS["default"]}, rows=[0, 150, 299],
                  compress=True)


def main(argv):
    out = argv[0] if argv else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "ReIDEvalTests", "Fixtures")
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(20240601)
    hand(out)
    ties(out, rng)
    gaussian(out, rng)
    medium(out, rng)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
