#!/usr/bin/env python3
"""The ratios ours / PyTorch of a `make bench-compare` run, one row per model, shape and
OpenBLAS kernel family, every round's ratio and their median (developer tool).

    python3 scripts/bench_ratios.py .build/bench-compare.txt

Reads the `ours (<family>) ... ours / PyTorch = <ratio>` lines that bench_pytorch.py prints
with --compare, in the order they were measured. On a machine whose speed moves between
minutes (the 2-vCPU VMs this project is benchmarked on), one round's ratio can be off by
0.2-0.3; each round times ours and PyTorch back to back, so the median of the rounds'
ratios is the figure to quote.
"""

import re
import statistics
import sys

LINE = re.compile(
    r"^\s*(?P<model>\S+) (?P<shape>\S+): ours \((?P<family>[^)]+)\) (?P<ours>[\d.]+) img/s, "
    r"PyTorch (?P<pytorch>[\d.]+) img/s, ours / PyTorch = (?P<ratio>[\d.]+)")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: bench_ratios.py BENCH_COMPARE_OUTPUT")
    rows = {}  # (model, shape, family) -> [(ours, pytorch, ratio)] in measured order
    with open(sys.argv[1]) as lines:
        for line in lines:
            match = LINE.match(line)
            if match:
                key = (match["model"], match["shape"], match["family"])
                rows.setdefault(key, []).append(
                    (float(match["ours"]), float(match["pytorch"]), float(match["ratio"])))
    if not rows:
        sys.exit(f"{sys.argv[1]}: no 'ours / PyTorch' lines (did bench_pytorch.py run?)")
    print("| model | input x batch | OpenBLAS | ours img/s | PyTorch img/s | ours / PyTorch, "
          "each round | median |")
    print("|---|---|---|---|---|---|---:|")
    for (model, shape, family), rounds in rows.items():
        ours = " / ".join(f"{o:.2f}" for o, _, _ in rounds)
        pytorch = " / ".join(f"{p:.2f}" for _, p, _ in rounds)
        ratios = " / ".join(f"{r:.2f}" for _, _, r in rounds)
        median = statistics.median(r for _, _, r in rounds)
        print(f"| {model} | {shape} | {family} | {ours} | {pytorch} | {ratios} | "
              f"{median:.2f} |")


if __name__ == "__main__":
    main()
