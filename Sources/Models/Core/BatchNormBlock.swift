import Kernels
import Layers
import TensorCore

/// Batch normalization, optionally followed by a ReLU applied in place.
///
/// x: (N, H, W, C) -> y: (N, H, W, C). Parameters `<name>.weight`, `<name>.bias`; buffers
/// `<name>.running_mean`, `<name>.running_var`, `<name>.num_batches_tracked`.
public struct BatchNormBlock: Block {
  /// The normalization.
  public let norm: BatchNorm2D
  /// Whether a ReLU follows.
  public let relu: Bool

  /// What backward needs: the batch statistics and, with a ReLU, the output.
  public struct Cache: Sendable {
    /// The batch norm's cache.
    public var norm: BatchNorm2D.Cache
    /// The output, whose sign masks the gradient when a ReLU follows.
    public var output: Tensor?
  }

  /// Registers the parameters and buffers of a `channels`-wide batch norm called `name`.
  public init(
    _ name: String, _ slabs: ModelSlabs, channels: Int, epsilon: Float = 1e-5, relu: Bool
  ) {
    norm = BatchNorm2D(
      name, parameters: slabs.parameters, buffers: slabs.buffers, channels: channels,
      epsilon: epsilon)
    self.relu = relu
  }

  /// x: (N, H, W, C) -> y = relu?(bn(x)): (N, H, W, C).
  public func forward(_ x: Tensor, mode: LayerMode, _ slabs: ModelSlabs) -> (
    output: Tensor, cache: Cache
  ) {
    var (y, cache) = Profiler.shared.measure(.batchNorm) {
      norm.forward(x, mode: mode, parameters: slabs.parameters, buffers: slabs.buffers)
    }
    guard relu else { return (y, Cache(norm: cache, output: nil)) }
    let count = y.count
    Profiler.shared.measure(.relu) {
      y.withUnsafeMutablePointer { ElementwiseKernels.reluForward($0, $0, count: count) }
    }
    return (y, Cache(norm: cache, output: y))
  }

  /// dgamma, dbeta += ...; dx += dL/dx when dx is non-nil.
  public func backward(
    _ dy: Tensor, input x: Tensor, cache: Cache, into dx: inout Tensor?, _ slabs: ModelSlabs
  ) {
    var gradient = dy
    if let y = cache.output {
      gradient = Profiler.shared.measure(.relu) {
        var g = Tensor(shape: dy.shape)
        ReLU().backward(dy, output: y, into: &g)
        return g
      }
    }
    Profiler.shared.measure(.batchNorm) {
      norm.backward(
        gradient, input: x, cache: cache.norm, into: &dx, parameters: slabs.parameters)
    }
  }

  /// The input shape.
  public func outputShape(for shape: Shape) -> Shape { shape }
}
