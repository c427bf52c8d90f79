import Kernels
import Layers
import TensorCore

/// A `MaxPool2D` as a block. x: (N, H, W, C) -> y: (N, Ho, Wo, C).
public struct MaxPoolBlock: Block {
  /// The pooling.
  public let pool: MaxPool2D

  /// A max pool (PyTorch's `MaxPool2d` semantics).
  public init(kernelSize: Int, stride: Int, padding: Int = 0, ceilMode: Bool = false) {
    pool = MaxPool2D(kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode)
  }

  /// x: (N, H, W, C) -> y: (N, Ho, Wo, C).
  public func forward(_ x: Tensor, mode: LayerMode, _ slabs: ModelSlabs) -> (
    output: Tensor, cache: MaxPoolCache
  ) {
    Profiler.shared.measure(.pooling) { pool.forward(x) }
  }

  /// dx[argmax] += dy.
  public func backward(
    _ dy: Tensor, input x: Tensor, cache: MaxPoolCache, into dx: inout Tensor?,
    _ slabs: ModelSlabs
  ) {
    Profiler.shared.measure(.pooling) {
      withGradient(&dx) { pool.backward(dy, cache: cache, into: &$0) }
    }
  }

  /// (N, Ho, Wo, C).
  public func outputShape(for shape: Shape) -> Shape {
    Shape(pool.geometry(for: shape).outputShape)
  }
}

/// An `AvgPool2D` as a block. x: (N, H, W, C) -> y: (N, Ho, Wo, C).
public struct AvgPoolBlock: Block {
  /// The pooling.
  public let pool: AvgPool2D

  /// Nothing: backward needs only the shapes.
  public struct Cache: Sendable {}

  /// An average pool (PyTorch's `AvgPool2d` semantics, `count_include_pad` by default).
  public init(
    kernelSize: Int, stride: Int, padding: Int = 0, ceilMode: Bool = false,
    countIncludePad: Bool = true
  ) {
    pool = AvgPool2D(
      kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode,
      countIncludePad: countIncludePad)
  }

  /// x: (N, H, W, C) -> y: (N, Ho, Wo, C).
  public func forward(_ x: Tensor, mode: LayerMode, _ slabs: ModelSlabs) -> (
    output: Tensor, cache: Cache
  ) {
    Profiler.shared.measure(.pooling) { (pool.forward(x), Cache()) }
  }

  /// dx += each window's dy / divisor.
  public func backward(
    _ dy: Tensor, input x: Tensor, cache: Cache, into dx: inout Tensor?, _ slabs: ModelSlabs
  ) {
    Profiler.shared.measure(.pooling) { withGradient(&dx) { pool.backward(dy, into: &$0) } }
  }

  /// (N, Ho, Wo, C).
  public func outputShape(for shape: Shape) -> Shape {
    Shape(pool.geometry(for: shape).outputShape)
  }
}

/// The identity, for a stage a variant removes (the dilated DenseNet's last transition pool).
public struct IdentityBlock: Block {
  /// Nothing to remember.
  public struct Cache: Sendable {}

  /// The identity block.
  public init() {}

  /// y = x.
  public func forward(_ x: Tensor, mode: LayerMode, _ slabs: ModelSlabs) -> (
    output: Tensor, cache: Cache
  ) {
    (x, Cache())
  }

  /// dx += dy.
  public func backward(
    _ dy: Tensor, input x: Tensor, cache: Cache, into dx: inout Tensor?, _ slabs: ModelSlabs
  ) {
    withGradient(&dx) { TensorOps.accumulate(into: &$0, from: dy) }
  }

  /// The input shape.
  public func outputShape(for shape: Shape) -> Shape { shape }
}
