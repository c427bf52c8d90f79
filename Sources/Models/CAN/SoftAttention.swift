import Layers
import TensorCore

/// HA-CNN's spatial-channel soft attention (torchreid `SoftAttn`), one per part.
///
/// x: (N, h, w, C) -> a: (N, h, w, C) in (0, 1).
/// spatial: channel mean -> 3x3/2 conv -> bilinear back to (h, w) (align_corners true, as
/// torchreid; it upsamples x2, which is the same size for even h, w) -> 1x1 conv;
/// channel: GAP -> 1x1 conv C -> C/16 -> 1x1 conv C/16 -> C;
/// a = sigmoid(conv1x1(spatial ⊗ channel)). Every conv is followed by BN and ReLU (torchreid's
/// `ConvBlock`; the convs have no bias since BN follows), except that the final conv's
/// BN + ReLU is behind `preSigmoidNorm`: with it (torchreid's behaviour) the attention is
/// bounded to [0.5, 1); without it the final conv has a bias and the attention spans (0, 1).
/// Names follow torchreid: `<name>.spatial_attn.conv1`, `.conv2`, `<name>.channel_attn.conv1`,
/// `.conv2`, `<name>.conv`, each `.conv.weight` (+ `.conv.bias`) and `.bn.*`.
public struct SoftAttention: Block {
  let spatialDown: Sequential
  let spatialOut: Sequential
  let channel: Sequential
  let output: Sequential
  /// Whether BN + ReLU precede the sigmoid.
  public let preSigmoidNorm: Bool

  /// What backward needs: every intermediate.
  public struct Cache: Sendable {
    var mean: Tensor
    var down: Tensor
    var downCache: Sequential.Cache
    var upsampled: Tensor
    var spatial: Tensor
    var spatialCache: Sequential.Cache
    var pooled: Tensor
    var channel: Tensor
    var channelCache: Sequential.Cache
    var product: Tensor
    var outputCache: Sequential.Cache
    var attention: Tensor
  }

  /// Registers the attention block of a C-channel map; `reduction` is the channel stream's
  /// squeeze factor (16).
  public init(
    _ name: String, _ slabs: ModelSlabs, channels c: Int, reduction: Int = 16,
    preSigmoidNorm: Bool
  ) {
    func convBlock(
      _ n: String, _ cin: Int, _ cout: Int, kernel: Int = 1, stride: Int = 1, padding: Int = 0
    ) -> [AnyBlock] {
      [
        AnyBlock(
          ConvBlock(
            "\(n).conv", slabs, inputChannels: cin, outputChannels: cout,
            kernel: (kernel, kernel), stride: (stride, stride), padding: (padding, padding))),
        AnyBlock(BatchNormBlock("\(n).bn", slabs, channels: cout, relu: true)),
      ]
    }
    let squeezed = max(1, c / reduction)
    spatialDown = Sequential(
      convBlock("\(name).spatial_attn.conv1", 1, 1, kernel: 3, stride: 2, padding: 1))
    spatialOut = Sequential(convBlock("\(name).spatial_attn.conv2", 1, 1))
    channel = Sequential(
      convBlock("\(name).channel_attn.conv1", c, squeezed)
        + convBlock("\(name).channel_attn.conv2", squeezed, c))
    self.preSigmoidNorm = preSigmoidNorm
    if preSigmoidNorm {
      output = Sequential(convBlock("\(name).conv", c, c))
    } else {
      output = Sequential(
        ConvBlock(
          "\(name).conv.conv", slabs, inputChannels: c, outputChannels: c, kernel: (1, 1),
          bias: true))
    }
  }

  /// x: (N, h, w, C) -> attention (N, h, w, C).
  public func forward(_ x: Tensor, mode: LayerMode, _ slabs: ModelSlabs) -> (
    output: Tensor, cache: Cache
  ) {
    let (h, w) = (x.shape[1], x.shape[2])
    let mean = AttentionKernels.channelMean(x)
    let (down, downCache) = spatialDown.forward(mean, mode: mode, slabs)
    let upsampled = BilinearResize(height: h, width: w, alignCorners: true).profiledForward(down)
    let (spatial, spatialCache) = spatialOut.forward(upsampled, mode: mode, slabs)
    let (pooled, _) = GlobalAveragePoolBlock().forward(x, mode: mode, slabs)
    let (channelMap, channelCache) = channel.forward(pooled, mode: mode, slabs)
    let product = AttentionKernels.outer(spatial, channelMap)
    let (logits, outputCache) = output.forward(product, mode: mode, slabs)
    let attention = Sigmoid().forward(logits)
    return (
      attention,
      Cache(
        mean: mean, down: down, downCache: downCache, upsampled: upsampled, spatial: spatial,
        spatialCache: spatialCache, pooled: pooled, channel: channelMap,
        channelCache: channelCache, product: product, outputCache: outputCache,
        attention: attention)
    )
  }

  /// dx += dL/dx through both streams; parameter gradients accumulate.
  public func backward(
    _ dAttention: Tensor, input x: Tensor, cache: Cache, into dx: inout Tensor,
    _ slabs: ModelSlabs
  ) {
    let (h, w) = (x.shape[1], x.shape[2])
    var dLogits = Tensor(shape: dAttention.shape)
    Sigmoid().backward(dAttention, output: cache.attention, into: &dLogits)
    var dProduct: Tensor? = Tensor(shape: cache.product.shape)
    output.backward(dLogits, input: cache.product, cache: cache.outputCache, into: &dProduct, slabs)
    var dSpatial = Tensor(shape: cache.spatial.shape)
    var dChannel = Tensor(shape: cache.channel.shape)
    AttentionKernels.outerBackward(
      dProduct ?? dLogits, cache.spatial, cache.channel, intoS: &dSpatial, intoT: &dChannel)
    var dPooled: Tensor? = Tensor(shape: cache.pooled.shape)
    channel.backward(
      dChannel, input: cache.pooled, cache: cache.channelCache, into: &dPooled, slabs)
    let pooledGradient = (dPooled ?? dChannel).reshaped(Shape(x.shape[0], x.shape[3]))
    GlobalAvgPool2D().backward(pooledGradient, into: &dx)
    var dUpsampled: Tensor? = Tensor(shape: cache.upsampled.shape)
    spatialOut.backward(
      dSpatial, input: cache.upsampled, cache: cache.spatialCache, into: &dUpsampled, slabs)
    var dDown = Tensor(shape: cache.down.shape)
    BilinearResize(height: h, width: w, alignCorners: true)
      .profiledBackward(dUpsampled ?? dSpatial, into: &dDown)
    var dMean: Tensor? = Tensor(shape: cache.mean.shape)
    spatialDown.backward(dDown, input: cache.mean, cache: cache.downCache, into: &dMean, slabs)
    AttentionKernels.channelMeanBackward(dMean ?? dDown, into: &dx)
  }

  /// The `Block` form of backward: dx += dL/dx when dx is non-nil (parameter gradients
  /// always accumulate).
  public func backward(
    _ dy: Tensor, input x: Tensor, cache: Cache, into dx: inout Tensor?, _ slabs: ModelSlabs
  ) {
    var gradient = dx ?? Tensor(shape: x.shape)
    dx = nil
    backward(dy, input: x, cache: cache, into: &gradient, slabs)
    if dx == nil { dx = gradient }
  }

  /// The input shape.
  public func outputShape(for shape: Shape) -> Shape { shape }
}
