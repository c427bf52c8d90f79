import Kernels
import Layers
import TensorCore

/// A `Conv2D` as a block.
///
/// x: (N, H, W, Cin) -> y: (N, Ho, Wo, Cout); weight: (Cout, Cin, kh, kw) named `<name>.weight`.
public struct ConvBlock: Block {
  /// The convolution.
  public let conv: Conv2D

  /// Nothing: backward needs only the input.
  public struct Cache: Sendable {}

  /// Registers `<name>.weight` (and `<name>.bias`) in `slabs.parameters`.
  public init(
    _ name: String, _ slabs: ModelSlabs, inputChannels: Int, outputChannels: Int,
    kernel: (Int, Int), stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
    dilation: (Int, Int) = (1, 1), bias: Bool = false
  ) {
    conv = Conv2D(
      name, in: slabs.parameters, inputChannels: inputChannels, outputChannels: outputChannels,
      kernel: kernel, stride: stride, padding: padding, dilation: dilation, bias: bias)
  }

  /// x: (N, H, W, Cin) -> y: (N, Ho, Wo, Cout).
  public func forward(_ x: Tensor, mode: LayerMode, _ slabs: ModelSlabs) -> (
    output: Tensor, cache: Cache
  ) {
    (conv.profiledForward(x, slabs.parameters), Cache())
  }

  /// dW += dy^T · im2col(x); dx += conv^T(dy) when dx is non-nil.
  public func backward(
    _ dy: Tensor, input x: Tensor, cache: Cache, into dx: inout Tensor?, _ slabs: ModelSlabs
  ) {
    conv.profiledBackward(dy, input: x, into: &dx, slabs.parameters)
  }

  /// dW += dy^T · im2col(x); returns conv^T(dy), written without zeroing first.
  public func inputGradient(_ dy: Tensor, input x: Tensor, cache: Cache, _ slabs: ModelSlabs)
    -> Tensor
  {
    conv.profiledBackwardWeights(dy, input: x, slabs.parameters)
    return conv.profiledInputGradient(dy, inputShape: x.shape, slabs.parameters)
  }

  /// (N, Ho, Wo, Cout).
  public func outputShape(for shape: Shape) -> Shape {
    let g = conv.geometry(for: shape)
    return Shape(g.batch, g.outputHeight, g.outputWidth, conv.outputChannels)
  }
}
