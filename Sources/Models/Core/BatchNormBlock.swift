import Kernels
import Layers
import TensorCore

/// Batch normalization, optionally followed by a ReLU fused into its passes.
///
/// x: (N, H, W, C) -> y: (N, H, W, C). Parameters `<name>.weight`, `<name>.bias`; buffers
/// `<name>.running_mean`, `<name>.running_var`, `<name>.num_batches_tracked`.
public struct BatchNormBlock: Block {
  /// The normalization.
  public let norm: BatchNorm2D
  /// Whether a ReLU follows.
  public let relu: Bool

  /// What backward needs: the batch statistics (the ReLU's mask is recomputed from them).
  public struct Cache: Sendable {
    /// The batch norm's cache.
    public var norm: BatchNorm2D.Cache
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
    let (y, cache) = Profiler.shared.measure(.batchNorm) {
      norm.forward(
        x, mode: mode, parameters: slabs.parameters, buffers: slabs.buffers, relu: relu)
    }
    return (y, Cache(norm: cache))
  }

  /// dgamma, dbeta += ...; dx += dL/dx when dx is non-nil.
  public func backward(
    _ dy: Tensor, input x: Tensor, cache: Cache, into dx: inout Tensor?, _ slabs: ModelSlabs
  ) {
    Profiler.shared.measure(.batchNorm) {
      norm.backward(
        dy, input: x, cache: cache.norm, into: &dx, parameters: slabs.parameters, relu: relu)
    }
  }

  /// The input shape.
  public func outputShape(for shape: Shape) -> Shape { shape }
}
