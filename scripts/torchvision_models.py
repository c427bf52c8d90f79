"""Imports torchvision's model definitions beside a CPU-only torch (developer scripts only).

torchvision 0.28's compiled ops expect a CUDA build of torch, so `import torchvision` fails on
`torchvision::nms`. The model definitions are pure Python: registering fake kernels is the
only thing that touches the compiled ops, so it is replaced by a no-op decorator while
torchvision is imported.
"""

import torch


def import_torchvision_models():
    """Returns the `torchvision.models` module."""
    original = torch.library.register_fake

    def no_op(*args, **kwargs):
        return lambda function: function

    torch.library.register_fake = no_op
    try:
        import torchvision.models as models
    finally:
        torch.library.register_fake = original
    return models
