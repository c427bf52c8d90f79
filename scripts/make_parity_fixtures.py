#!/usr/bin/env python3
"""Writes the PyTorch parity fixtures of the Models tests (developer tool, needs PyTorch).

    pip install torch==2.13.0+cpu h5py pillow && pip install --no-deps torchvision==0.28.0
    python3 scripts/make_parity_fixtures.py Tests/ModelsTests/Fixtures/parity.h5

Each case is a torchvision module (at reduced width, built through torchvision's own
`conv_block` hook or constructor arguments, so the topology is torchvision's code) run once on
a small random batch, in training mode (attribute `training` = 1) or eval mode (0). One HDF5 group per case holds, in PyTorch's NCHW
layout: `input`, `output`, `dy` (the upstream gradient; the loss is sum(output * dy)), `dx`,
`grads/<name>` and `buffers/<name>` (BN running statistics
after the forward pass). The parameters come from `fixture_values`, a formula the Swift
tests reproduce; batch-norm weights and biases are not 1 and 0, so their gradients are not
trivial. The Swift tests transpose to NHWC.
"""

import collections
import functools
import math
import sys

import h5py
import torch
import torch.nn as nn
import torch.nn.functional as F

from torchvision_models import import_torchvision_models

models = import_torchvision_models()
import torchvision.models.densenet as densenet  # noqa: E402 (after the import workaround)
import torchvision.models.inception as inception  # noqa: E402

WIDTH_DIVISOR = 16


def scaled_conv(in_channels, out_channels, **kwargs):
    """torchvision's BasicConv2d with both channel counts divided by WIDTH_DIVISOR (but the
    image's 3 input channels)."""
    if in_channels != 3:
        in_channels //= WIDTH_DIVISOR
    return inception.BasicConv2d(in_channels, out_channels // WIDTH_DIVISOR, **kwargs)


def dilate_inception_tail(mixed_7a, mixed_7b, mixed_7c):
    """The parsing stream's variant: Mixed_7a at stride 1 (padding 1), 7b and 7c dilated by 2."""
    for conv in (mixed_7a.branch3x3_2.conv, mixed_7a.branch7x7x3_4.conv):
        conv.stride, conv.padding = (1, 1), (1, 1)
    original = mixed_7a._forward

    def forward_stride1(x):
        outputs = original(x)
        outputs[2] = F.max_pool2d(x, kernel_size=3, stride=1, padding=1)
        return outputs

    mixed_7a._forward = forward_stride1
    for module in (mixed_7b, mixed_7c):
        for conv in module.modules():
            if isinstance(conv, nn.Conv2d):
                kh, kw = conv.kernel_size
                conv.dilation = (2 if kh > 1 else 1, 2 if kw > 1 else 1)
                conv.padding = (conv.padding[0] * conv.dilation[0],
                                conv.padding[1] * conv.dilation[1])


class FeaturesWithReLU(nn.Module):
    """DenseNet's features followed by the ReLU of DenseNet.forward."""

    def __init__(self, features):
        super().__init__()
        self.features = features

    def forward(self, x):
        return F.relu(self.features(x))


def densenet_features(dilated):
    """A narrow, shallow DenseNet (growth 4, blocks 1-2-4-3, stem 8), as
    densenet121 at width 1/8 and depth 1/6."""
    model = densenet.DenseNet(growth_rate=4, block_config=(1, 2, 4, 3), num_init_features=8)
    if dilated:
        model.features.transition3.pool = nn.Identity()
        for layer in model.features.denseblock4.children():
            layer.conv2.dilation, layer.conv2.padding = (2, 2), (2, 2)
    return FeaturesWithReLU(model.features)


class ConvBNReLU(nn.Module):
    """conv (no bias) -> BN -> ReLU with the names `.conv`, `.bn` of the Swift blocks
    (torchreid's ConvBlock, whose conv bias is redundant before BN)."""

    def __init__(self, cin, cout, k=1, s=1, p=0, d=1):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, s, p, dilation=d, bias=False)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


class BiasConv(nn.Module):
    """A 1x1 conv with bias named `.conv` (the attention's last conv without BN + ReLU)."""

    def __init__(self, channels):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 1, bias=True)

    def forward(self, x):
        return self.conv(x)


class ASPPHead(nn.Module):
    """DeepLab-v3's ASPP as the parsing head builds it: image pooling | 1x1 | 3x3 at each
    rate, concatenated, 1x1 (torchvision's deeplabv3.ASPP without the dropout, with the
    pooling branch first)."""

    def __init__(self, cin, channels, rates):
        super().__init__()
        self.rates = rates
        self.pool = ConvBNReLU(cin, channels)
        self.branch1x1 = ConvBNReLU(cin, channels)
        for r in rates:
            setattr(self, f"rate{r}", ConvBNReLU(cin, channels, 3, 1, r, r))
        self.project = ConvBNReLU(channels * (2 + len(rates)), channels)

    def forward(self, x):
        size = x.shape[2:]
        pooled = self.pool(F.adaptive_avg_pool2d(x, 1))
        ys = [F.interpolate(pooled, size=size, mode="bilinear", align_corners=False),
              self.branch1x1(x)] + [getattr(self, f"rate{r}")(x) for r in self.rates]
        return self.project(torch.cat(ys, 1))


class SpatialAttn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = ConvBNReLU(1, 1, 3, 2, 1)
        self.conv2 = ConvBNReLU(1, 1)

    def forward(self, x):
        size = x.shape[2:]
        y = self.conv1(x.mean(1, keepdim=True))
        return self.conv2(F.interpolate(y, size=size, mode="bilinear", align_corners=True))


class ChannelAttn(nn.Module):
    def __init__(self, channels, reduction):
        super().__init__()
        self.conv1 = ConvBNReLU(channels, channels // reduction)
        self.conv2 = ConvBNReLU(channels // reduction, channels)

    def forward(self, x):
        return self.conv2(self.conv1(F.adaptive_avg_pool2d(x, 1)))


class SoftAttn(nn.Module):
    """torchreid's HA-CNN SoftAttn (the upsampling written as a resize to the input size),
    with the last conv's BN + ReLU behind `pre_sigmoid_norm`."""

    def __init__(self, channels, reduction, pre_sigmoid_norm):
        super().__init__()
        self.spatial_attn = SpatialAttn()
        self.channel_attn = ChannelAttn(channels, reduction)
        self.conv = ConvBNReLU(channels, channels) if pre_sigmoid_norm else BiasConv(channels)

    def forward(self, x):
        return torch.sigmoid(self.conv(self.spatial_attn(x) * self.channel_attn(x)))


def cases():
    """(name, module, input shape NCHW, training). Whole feature extractors run in eval mode:
    through a dozen training-mode batch norms of 2 images at 2x2 pixels even PyTorch's
    float32 result is 1e-3 away from its float64 one, while the modules are checked in
    training mode, where the batch statistics are well conditioned."""
    block = nn.Sequential(collections.OrderedDict(
        denseblock=densenet._DenseBlock(
            num_layers=3, num_input_features=8, bn_size=4, growth_rate=4, drop_rate=0),
        transition=densenet._Transition(num_input_features=20, num_output_features=10)))
    yield "densenet_block", block, (2, 8, 6, 6), True
    yield "densenet_features", densenet_features(False), (2, 3, 64, 64), False
    yield "densenet_features_dilated", densenet_features(True), (2, 3, 48, 40), False

    net = inception.Inception3(
        aux_logits=False, init_weights=True,
        inception_blocks=[scaled_conv] + [
            functools.partial(block, conv_block=scaled_conv) for block in (
                inception.InceptionA, inception.InceptionB, inception.InceptionC,
                inception.InceptionD, inception.InceptionE, inception.InceptionAux)])
    stem = nn.Sequential(collections.OrderedDict(
        (name, getattr(net, name)) for name in (
            "Conv2d_1a_3x3", "Conv2d_2a_3x3", "Conv2d_2b_3x3", "maxpool1", "Conv2d_3b_1x1",
            "Conv2d_4a_3x3", "maxpool2")))
    yield "inception_stem", stem, (2, 3, 35, 35), True
    for name, channels, size in (("Mixed_5b", 192, 7), ("Mixed_6a", 288, 9),
                                 ("Mixed_6b", 768, 7), ("Mixed_7a", 768, 9),
                                 ("Mixed_7c", 2048, 4)):
        wrapper = nn.Sequential(collections.OrderedDict([(name, getattr(net, name))]))
        yield "inception_" + name, wrapper, (2, channels // WIDTH_DIVISOR, size, size), True

    dilated = inception.Inception3(
        aux_logits=False, init_weights=True,
        inception_blocks=[scaled_conv] + [
            functools.partial(block, conv_block=scaled_conv) for block in (
                inception.InceptionA, inception.InceptionB, inception.InceptionC,
                inception.InceptionD, inception.InceptionE, inception.InceptionAux)])
    dilate_inception_tail(dilated.Mixed_7a, dilated.Mixed_7b, dilated.Mixed_7c)
    tail = nn.Sequential(collections.OrderedDict(
        [("Mixed_7a", dilated.Mixed_7a), ("Mixed_7b", dilated.Mixed_7b)]))
    yield "inception_dilated_tail", tail, (2, 768 // WIDTH_DIVISOR, 7, 7), True

    yield "aspp", nn.Sequential(collections.OrderedDict(
        aspp=ASPPHead(5, 3, [2, 3]))), (4, 5, 7, 6), True
    for norm in (True, False):
        yield f"attention_norm{int(norm)}", nn.Sequential(collections.OrderedDict(
            a=SoftAttn(8, 4, norm))), (4, 8, 6, 4), True


def fixture_values(name, shape):
    """The parameter values of the fixtures, from a formula the Swift tests share (so the
    fixture file need not store them): s_i = sin(0.7548776662 i + 0.5698402910 (k + 1)) with
    k = FNV-1a(name) mod 1009; weights of rank >= 2 get s * sqrt(3 / fan_in), batch-norm
    weights 1 + s / 2, biases s / 10."""
    k = 2166136261
    for byte in name.encode():
        k = ((k ^ byte) * 16777619) & 0xFFFFFFFF
    k %= 1009
    count = math.prod(shape)
    s = [math.sin(0.7548776662 * i + 0.5698402910 * (k + 1)) for i in range(count)]
    if len(shape) >= 2:
        scale = math.sqrt(3 / math.prod(shape[1:]))
        values = [scale * v for v in s]
    elif name.endswith(".weight"):
        values = [1 + v / 2 for v in s]
    else:
        values = [v / 10 for v in s]
    return torch.tensor(values, dtype=torch.float32).reshape(shape)


def write_case(group, module, input_shape, training, generator):
    with torch.no_grad():
        for name, parameter in module.named_parameters():
            parameter.copy_(fixture_values(name, tuple(parameter.shape)))
    module.train(training)
    group.attrs["training"] = int(training)
    x = torch.randn(input_shape, generator=generator).requires_grad_(True)
    y = module(x)
    dy = torch.randn(y.shape, generator=generator)
    (y * dy).sum().backward()
    group["input"] = x.detach().numpy()
    group["output"] = y.detach().numpy()
    group["dy"] = dy.numpy()
    group["dx"] = x.grad.numpy()
    for name, parameter in module.named_parameters():
        group[f"grads/{name}"] = parameter.grad.numpy()
    for name, value in module.state_dict().items():
        if name.endswith(("running_mean", "running_var")):
            group[f"buffers/{name}"] = value.numpy()
    return sum(p.numel() for p in module.parameters())


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    torch.manual_seed(0)
    generator = torch.Generator().manual_seed(1234)
    with h5py.File(sys.argv[1], "w") as f:
        f.attrs["torch"] = str(torch.__version__)
        f.attrs["layout"] = "NCHW activations, PyTorch parameter layouts"
        for name, module, shape, training in cases():
            count = write_case(f.create_group(name), module, shape, training, generator)
            print(f"{name}: {count} parameters, input {shape}")


if __name__ == "__main__":
    main()
