#!/usr/bin/env python3
"""Converts a torchvision densenet121 or inception_v3 state_dict into the project's weights
format (developer tool; needs PyTorch and h5py, not needed at run time).

    python3 scripts/convert_torchvision.py IN.pth OUT.h5 [--keep-classifier]

IN.pth is a state_dict (or a checkpoint holding one under `state_dict`, or a pickled model).
OUT.h5 gets `/params/<name>` and `/buffers/<name>` (float32, PyTorch layouts, torchvision
names; `num_batches_tracked` as a float32 (1,) tensor) and the root attributes `format`,
`version`, `layout` and `architecture`, as `WeightsFile` in Sources/Models writes them. The
ImageNet classifier (`classifier.*`, `fc.*`) and Inception's `AuxLogits.*` are dropped
unless --keep-classifier, since the re-ID models drop them. DenseNet keys of old torchvision
releases (`norm.1`) are renamed as torchvision's own loader does.
"""

import argparse
import re

import h5py
import numpy as np
import torch

BUFFER_SUFFIXES = ("running_mean", "running_var", "num_batches_tracked")


def load_state_dict(path):
    obj = torch.load(path, map_location="cpu", weights_only=False)
    if isinstance(obj, torch.nn.Module):
        obj = obj.state_dict()
    if isinstance(obj, dict) and "state_dict" in obj:
        obj = obj["state_dict"]
    state = {}
    old_densenet = re.compile(
        r"^(.*denselayer\d+\.(?:norm|relu|conv))\.((?:[12])\.(?:weight|bias|running_mean|running_var))$")
    for key, value in obj.items():
        key = key[len("module."):] if key.startswith("module.") else key
        match = old_densenet.match(key)
        if match:
            key = match.group(1) + match.group(2)
        state[key] = value
    return state


def architecture(state):
    if any(k.startswith("features.denseblock") for k in state):
        return "densenet121"
    if any(k.startswith("Mixed_5b.") for k in state):
        return "inception_v3"
    raise SystemExit("neither a torchvision densenet121 nor an inception_v3 state_dict")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--keep-classifier", action="store_true")
    args = parser.parse_args()
    state = load_state_dict(args.input)
    arch = architecture(state)
    dropped = ("classifier.", "fc.", "AuxLogits.")
    with h5py.File(args.output, "w") as f:
        f.attrs["format"] = "can-reid-weights"
        f.attrs["version"] = np.int64(1)
        f.attrs["layout"] = "pytorch: conv (Cout, Cin, kh, kw), linear (out, in), float32"
        f.attrs["architecture"] = arch
        params = f.create_group("params")
        buffers = f.create_group("buffers")
        counts = [0, 0]
        for name, value in state.items():
            if not args.keep_classifier and name.startswith(dropped):
                continue
            array = value.detach().cpu().numpy().astype(np.float32)
            if name.endswith("num_batches_tracked"):
                array = array.reshape(1)
            is_buffer = name.endswith(BUFFER_SUFFIXES)
            (buffers if is_buffer else params)[name] = array
            counts[is_buffer] += array.size
    print(f"{args.output}: {arch}, {counts[0]:,} parameters, {counts[1]:,} buffer scalars")


if __name__ == "__main__":
    main()
