#!/usr/bin/env python3
"""Issue 13's per-shape goal from `reid-bench` output (developer tool): for each backbone, the
ten convolution shapes that cost a training step the most, each pass as training runs it, its
fraction of the FMA peak against the goal (forward >= 80 %, backward >= 70 %) and its rate
against oneDNN's on the same shape (goal >= 1).

    .build/release/reid-bench --only direct,pointwise > bench.txt
    python3 scripts/bench_goals.py bench.txt

Reads the rows of the direct and pointwise sections (one or more files; a shape measured
twice keeps its last row): the pointwise section holds both backbones' 1x1 convolutions, the
direct section the others. A shape's cost is the sum of its passes' "ms per step" (the passes
training runs); "ours" is the route training takes (the section's last columns), direct or
the im2col + sgemm / sgemm baseline.
"""

import sys

PASSES = ("forward", "backward-data", "backward-weights")
GOAL = {"forward": 80.0, "backward-data": 70.0, "backward-weights": 70.0}


def rows(paths):
    """(shape, pass) -> (ours GFLOPS, ours % peak, oneDNN GFLOPS, ms per step), in training."""
    found = {}
    for path in paths:
        with open(path) as lines:
            for line in lines:
                cells = [cell.strip() for cell in line.split("|")[1:-1]]
                if len(cells) != 13 or cells[2] not in PASSES:
                    continue
                route, ms = cells[11], cells[12]
                if ms == "-":
                    continue  # a pass that training does not run (the stems' input gradients)
                direct = route == "direct"
                ours, peak = (cells[3], cells[4]) if direct else (cells[5], cells[6])
                found[(cells[0], cells[2])] = (float(ours), float(peak), float(cells[8]), float(ms))
    return found


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: bench_goals.py REID_BENCH_OUTPUT...")
    found = rows(sys.argv[1:])
    if not found:
        sys.exit(f"{', '.join(sys.argv[1:])}: no rows of the direct or pointwise sections")
    met = total = 0
    for backbone in sorted({shape.split(".")[0] for shape, _ in found}):
        cost = {}
        for (shape, _), (_, _, _, ms) in found.items():
            if shape.startswith(backbone + "."):
                cost[shape] = cost.get(shape, 0.0) + ms
        ten = sorted(cost, key=cost.get, reverse=True)[:10]
        print(f"\n{backbone}: the ten costliest shapes ({sum(cost[s] for s in ten):.1f} of "
              f"{sum(cost.values()):.1f} ms per step measured)\n")
        print("| shape | ms per step | pass | ours GFLOPS | % peak (goal) | ours / oneDNN | met |")
        print("|---|---:|---|---:|---:|---:|---|")
        for shape in ten:
            for name in PASSES:
                if (shape, name) not in found:
                    continue
                ours, peak, onednn, _ = found[(shape, name)]
                ok = peak >= GOAL[name] and ours >= onednn
                met, total = met + ok, total + 1
                print(f"| {shape} | {cost[shape]:.1f} | {name} | {ours:.1f} | "
                      f"{peak:.1f} ({GOAL[name]:.0f}) | {ours / onednn:.2f} | "
                      f"{'yes' if ok else 'no'} |")
    print(f"\n{met} of {total} passes meet both goals.")


if __name__ == "__main__":
    main()
