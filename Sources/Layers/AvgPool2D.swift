import Kernels
import TensorCore

/// 2-D average pooling with PyTorch's `AvgPool2d` semantics (`ceil_mode`,
/// `count_include_pad`).
///
/// x: (N, H, W, C) -> y: (N, Ho, Wo, C). With `countIncludePad` the divisor counts padded
/// positions inside the padded border, never those `ceil_mode` adds beyond it. torchvision
/// uses 3x3 stride 1 padding 1 with count_include_pad (Inception) and 2x2 stride 2 (DenseNet).
public struct AvgPool2D: Sendable, Hashable {
  /// The window, step and padding per spatial axis, the output rounding and the divisor rule.
  public let kernelHeight: Int
  public let kernelWidth: Int
  public let strideH: Int
  public let strideW: Int
  public let padH: Int
  public let padW: Int
  public let ceilMode: Bool
  public let countIncludePad: Bool

  /// A square pool; `stride` defaults to the kernel size, as in PyTorch.
  public init(
    kernelSize: Int, stride: Int? = nil, padding: Int = 0, ceilMode: Bool = false,
    countIncludePad: Bool = true
  ) {
    let s = stride ?? kernelSize
    self.init(
      kernel: (kernelSize, kernelSize), stride: (s, s), padding: (padding, padding),
      ceilMode: ceilMode, countIncludePad: countIncludePad)
  }

  /// A pool with separate (height, width) kernel, stride and padding.
  public init(
    kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int), ceilMode: Bool,
    countIncludePad: Bool
  ) {
    (kernelHeight, kernelWidth) = kernel
    (strideH, strideW) = stride
    (padH, padW) = padding
    self.ceilMode = ceilMode
    self.countIncludePad = countIncludePad
  }

  /// The geometry for an input of `shape` (N, H, W, C).
  public func geometry(for shape: Shape) -> Pool2DGeometry {
    checkPrecondition(shape.rank == 4, "AvgPool2D: input \(shape) is not (N, H, W, C)")
    return Pool2DGeometry(
      inputShape: shape.dims, kernel: (kernelHeight, kernelWidth), stride: (strideH, strideW),
      padding: (padH, padW), ceilMode: ceilMode)
  }

  /// x: (N, H, W, C) -> y: (N, Ho, Wo, C).
  public func forward(_ x: Tensor) -> Tensor {
    let g = geometry(for: x.shape)
    var y = Tensor(shape: Shape(g.outputShape))
    x.withUnsafePointer { px in
      y.withUnsafeMutablePointer { py in
        PoolingKernels.averageForward(g, countIncludePad: countIncludePad, x: px, y: py)
      }
    }
    return y
  }

  /// dx += each window's dy / divisor. dy: (N, Ho, Wo, C); dx: (N, H, W, C), the input's shape.
  public func backward(_ dy: Tensor, into dx: inout Tensor) {
    let g = geometry(for: dx.shape)
    checkSameShape(dy, Shape(g.outputShape), "AvgPool2D.backward dy")
    dy.withUnsafePointer { pdy in
      dx.withUnsafeMutablePointer { pdx in
        PoolingKernels.averageBackwardAccumulate(
          g, countIncludePad: countIncludePad, dy: pdy, dx: pdx)
      }
    }
  }
}
