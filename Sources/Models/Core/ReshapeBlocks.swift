import Layers
import TensorCore

/// Global average pooling kept 4-D: x (N, H, W, C) -> y (N, 1, 1, C), for 1x1 convolutions
/// that follow it (ASPP's image pooling, HA-CNN's channel attention).
public struct GlobalAveragePoolBlock: Block {
  /// Nothing: backward needs only the input's shape.
  public struct Cache: Sendable {}

  /// A global average pool.
  public init() {}

  /// x: (N, H, W, C) -> y: (N, 1, 1, C).
  public func forward(_ x: Tensor, mode: LayerMode, _ slabs: ModelSlabs) -> (
    output: Tensor, cache: Cache
  ) {
    let y = GlobalAvgPool2D().forward(x)
    return (y.reshaped(Shape(x.shape[0], 1, 1, x.shape[3])), Cache())
  }

  /// dx += dy / (H * W) at every pixel.
  public func backward(
    _ dy: Tensor, input x: Tensor, cache: Cache, into dx: inout Tensor?, _ slabs: ModelSlabs
  ) {
    withGradient(&dx) {
      GlobalAvgPool2D().backward(dy.reshaped(Shape(x.shape[0], x.shape[3])), into: &$0)
    }
  }

  /// (N, 1, 1, C).
  public func outputShape(for shape: Shape) -> Shape { Shape(shape[0], 1, 1, shape[3]) }
}

/// Bilinear resizing to a size fixed at construction. x: (N, h, w, C) -> y: (N, H, W, C).
public struct ResizeBlock: Block {
  /// The resize.
  public let resize: BilinearResize

  /// Nothing: backward needs only the shapes.
  public struct Cache: Sendable {}

  /// A resize to (height, width) with PyTorch's `align_corners`.
  public init(height: Int, width: Int, alignCorners: Bool) {
    resize = BilinearResize(height: height, width: width, alignCorners: alignCorners)
  }

  /// x: (N, h, w, C) -> y: (N, H, W, C).
  public func forward(_ x: Tensor, mode: LayerMode, _ slabs: ModelSlabs) -> (
    output: Tensor, cache: Cache
  ) {
    (resize.profiledForward(x), Cache())
  }

  /// dx += the bilinear weights times dy.
  public func backward(
    _ dy: Tensor, input x: Tensor, cache: Cache, into dx: inout Tensor?, _ slabs: ModelSlabs
  ) {
    withGradient(&dx) { resize.profiledBackward(dy, into: &$0) }
  }

  /// (N, H, W, C).
  public func outputShape(for shape: Shape) -> Shape {
    let (h, w) = resize.outputSize(height: shape[1], width: shape[2])
    return Shape(shape[0], h, w, shape[3])
  }
}
