import Kernels
import TensorCore

/// What max pooling's backward needs: the geometry and the argmax of every output.
public struct MaxPoolCache: Sendable {
  /// The pooling geometry of the forward call.
  public let geometry: Pool2DGeometry
  /// argmax: (N, Ho, Wo, C), the spatial index ih * W + iw of each output's maximum.
  public let argmax: [Int32]
}

/// 2-D max pooling with PyTorch's `MaxPool2d` semantics (padding acts as -inf, `ceil_mode`).
///
/// x: (N, H, W, C) -> y: (N, Ho, Wo, C). torchvision uses 3x3 stride 2 (Inception) and 3x3
/// stride 2 padding 1 (DenseNet).
public struct MaxPool2D: Sendable, Hashable {
  /// The window, step and padding per spatial axis, and the output rounding.
  public let kernelHeight: Int
  public let kernelWidth: Int
  public let strideH: Int
  public let strideW: Int
  public let padH: Int
  public let padW: Int
  public let ceilMode: Bool

  /// A square pool; `stride` defaults to the kernel size, as in PyTorch.
  public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0, ceilMode: Bool = false) {
    let s = stride ?? kernelSize
    self.init(
      kernel: (kernelSize, kernelSize), stride: (s, s), padding: (padding, padding),
      ceilMode: ceilMode)
  }

  /// A pool with separate (height, width) kernel, stride and padding.
  public init(kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int), ceilMode: Bool) {
    (kernelHeight, kernelWidth) = kernel
    (strideH, strideW) = stride
    (padH, padW) = padding
    self.ceilMode = ceilMode
  }

  /// The geometry for an input of `shape` (N, H, W, C).
  public func geometry(for shape: Shape) -> Pool2DGeometry {
    checkPrecondition(shape.rank == 4, "MaxPool2D: input \(shape) is not (N, H, W, C)")
    return Pool2DGeometry(
      inputShape: shape.dims, kernel: (kernelHeight, kernelWidth), stride: (strideH, strideW),
      padding: (padH, padW), ceilMode: ceilMode)
  }

  /// x: (N, H, W, C) -> y: (N, Ho, Wo, C), and the argmax cache for backward.
  public func forward(_ x: Tensor) -> (output: Tensor, cache: MaxPoolCache) {
    let g = geometry(for: x.shape)
    checkPrecondition(
      g.inputHeight * g.inputWidth <= Int(Int32.max),
      "MaxPool2D: \(x.shape) has too many pixels for Int32 indices")
    var y = Tensor(shape: Shape(g.outputShape))
    var argmax = [Int32](repeating: 0, count: y.count)
    x.withUnsafePointer { px in
      y.withUnsafeMutablePointer { py in
        argmax.withUnsafeMutableBufferPointer { pa in
          guard let a = pa.baseAddress else { return }
          PoolingKernels.maxForward(g, x: px, y: py, argmax: a)
        }
      }
    }
    return (y, MaxPoolCache(geometry: g, argmax: argmax))
  }

  /// dx[argmax] += dy. dy: (N, Ho, Wo, C); dx: (N, H, W, C) of the forward input.
  public func backward(_ dy: Tensor, cache: MaxPoolCache, into dx: inout Tensor) {
    let g = cache.geometry
    checkSameShape(dy, Shape(g.outputShape), "MaxPool2D.backward dy")
    checkSameShape(dx, Shape(g.inputShape), "MaxPool2D.backward dx")
    dy.withUnsafePointer { pdy in
      dx.withUnsafeMutablePointer { pdx in
        cache.argmax.withUnsafeBufferPointer { pa in
          guard let a = pa.baseAddress else { return }
          PoolingKernels.maxBackwardAccumulate(g, dy: pdy, argmax: a, dx: pdx)
        }
      }
    }
  }
}
