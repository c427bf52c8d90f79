#!/usr/bin/env python3
"""The competitor of `reid-bench --only models` (developer tool, needs PyTorch): the same
training step in PyTorch 2.13 CPU, channels_last, 2 threads.

    python3 scripts/bench_pytorch.py [--shapes 256x128x8,748x246x13] [--steps 2]
    python3 scripts/bench_pytorch.py --compare OURS.txt [--compare OURS2.txt]
                                        # also prints ours ÷ PyTorch, per file

A step is: zero grads, torchvision densenet121 features + ReLU (or inception_v3 up to
Mixed_7c) in training mode, global average pool, batch-hard triplet loss (margin 0.1,
Euclidean, labels 0,0,1,1,...), backward, SGD (momentum 0.9, weight decay 5e-4). Prints
`RESULT <model> <H>x<W>x<N> <img/s>` lines as reid-bench does; --compare reads reid-bench's
output (one file per OpenBLAS kernel family it ran under) and prints the ratio for each
shape and family, and the most that ratio could be if everything but sgemm took no time
(PyTorch's step divided by the seconds our step spends inside sgemm, reid-bench's `SGEMM`
line): a ratio goal above that bound needs faster GEMMs, not faster everything else.
"""

import argparse
import time

import torch
import torch.nn.functional as F

from torchvision_models import import_torchvision_models

INCEPTION_STAGES = ["Conv2d_1a_3x3", "Conv2d_2a_3x3", "Conv2d_2b_3x3", "maxpool1",
                    "Conv2d_3b_1x1", "Conv2d_4a_3x3", "maxpool2", "Mixed_5b", "Mixed_5c",
                    "Mixed_5d", "Mixed_6a", "Mixed_6b", "Mixed_6c", "Mixed_6d", "Mixed_6e",
                    "Mixed_7a", "Mixed_7b", "Mixed_7c"]


def features(name, models):
    if name == "densenet121":
        net = models.densenet121()
        return torch.nn.Sequential(net.features, torch.nn.ReLU())
    net = models.inception_v3(init_weights=True, aux_logits=False)
    return torch.nn.Sequential(*[getattr(net, stage) for stage in INCEPTION_STAGES])


def batch_hard_triplet(embeddings, labels, margin=0.1):
    d = torch.cdist(embeddings, embeddings)
    same = labels[:, None] == labels[None, :]
    hardest_positive = (d * same).max(1).values
    hardest_negative = d.masked_fill(same, float("inf")).min(1).values
    return F.relu(hardest_positive - hardest_negative + margin).mean()


def step_time(name, h, w, n, steps, models):
    torch.manual_seed(0)
    model = features(name, models).to(memory_format=torch.channels_last).train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    x = torch.randn(n, 3, h, w).to(memory_format=torch.channels_last)
    labels = torch.arange(n) // 2

    def step():
        optimizer.zero_grad()
        f = model(x)
        loss = batch_hard_triplet(f.mean((2, 3)), labels)
        loss.backward()
        optimizer.step()

    step()
    samples = []
    for _ in range(steps):
        t = time.perf_counter()
        step()
        samples.append(time.perf_counter() - t)
    return sorted(samples)[len(samples) // 2]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", default="densenet121,inception_v3")
    parser.add_argument("--shapes", default="256x128x8,748x246x13")
    parser.add_argument("--steps", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--compare", action="append", default=[],
                        help="reid-bench output to divide by these results (repeatable)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    models = import_torchvision_models()
    ours = {}  # (model, shape) -> [(kernel family, img/s, sgemm s/step or None)]
    for path in args.compare:
        family = "?"
        for line in open(path):
            if line.startswith("BLAS core "):
                family = line.split()[2].rstrip(",")
            if line.startswith("RESULT "):
                _, model, shape, rate = line.split()
                ours.setdefault((model, shape), []).append([family, float(rate), None])
            if line.startswith("SGEMM "):
                _, model, shape, seconds = line.split()
                ours[(model, shape)][-1][2] = float(seconds)
    print(f"# PyTorch {torch.__version__}, {torch.get_num_threads()} threads, channels_last")
    for name in args.models.split(","):
        for shape in args.shapes.split(","):
            h, w, n = (int(v) for v in shape.split("x"))
            rate = n / step_time(name, h, w, n, args.steps, models)
            print(f"RESULT {name} {shape} {rate}")
            for family, our_rate, gemm_seconds in ours.get((name, shape), []):
                bound = ""
                if gemm_seconds:
                    bound = (f" (sgemm alone {gemm_seconds:.2f} s/step: at most "
                             f"{n / rate / gemm_seconds:.2f})")
                print(f"  {name} {shape}: ours ({family}) {our_rate:.2f} img/s, PyTorch "
                      f"{rate:.2f} img/s, ours / PyTorch = {our_rate / rate:.2f}{bound}")


if __name__ == "__main__":
    main()
