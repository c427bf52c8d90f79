import Kernels
import TensorCore

/// Bilinear resizing with the semantics of PyTorch's `F.interpolate(mode='bilinear')`.
///
/// x: (N, H, W, C) -> y: (N, Ho, Wo, C). Up- and downsampling, `align_corners` true or false
/// (see `BilinearAxis` for the source-index rule). An integer `scale` gives Ho = H * scale,
/// which matches `scale_factor=scale` exactly (1 / scale and H / Ho are the same float).
public struct BilinearResize: Sendable, Hashable {
  /// How the output size is chosen.
  public enum Size: Sendable, Hashable {
    /// A fixed output (height, width).
    case fixed(height: Int, width: Int)
    /// The input size times an integer factor (HA-CNN's x2 upsampling).
    case scale(Int)
  }

  /// The output size rule.
  public let size: Size
  /// PyTorch's `align_corners`.
  public let alignCorners: Bool

  /// A resize to a fixed output (height, width).
  public init(height: Int, width: Int, alignCorners: Bool) {
    checkPrecondition(height >= 1 && width >= 1, "BilinearResize: output \(height)x\(width)")
    size = .fixed(height: height, width: width)
    self.alignCorners = alignCorners
  }

  /// A resize by an integer factor.
  public init(scale: Int, alignCorners: Bool) {
    checkPrecondition(scale >= 1, "BilinearResize: scale \(scale) must be positive")
    size = .scale(scale)
    self.alignCorners = alignCorners
  }

  /// The output (height, width) for an input of spatial size (h, w).
  public func outputSize(height h: Int, width w: Int) -> (height: Int, width: Int) {
    switch size {
    case .fixed(let height, let width): return (height, width)
    case .scale(let s): return (h * s, w * s)
    }
  }

  /// x: (N, H, W, C) -> y: (N, Ho, Wo, C).
  public func forward(_ x: Tensor) -> Tensor {
    let (n, h, w, c) = nhwc(x, "BilinearResize.forward x")
    checkPrecondition(h >= 1 && w >= 1, "BilinearResize: input \(x.shape) has no pixels")
    let (ho, wo) = outputSize(height: h, width: w)
    let rows = BilinearAxis(input: h, output: ho, alignCorners: alignCorners)
    let cols = BilinearAxis(input: w, output: wo, alignCorners: alignCorners)
    var y = Tensor(shape: Shape(n, ho, wo, c))
    x.withUnsafePointer { px in
      y.withUnsafeMutablePointer { py in
        ResizeKernels.bilinearForward(
          x: px, y: py, batch: n, height: h, width: w, channels: c, rows: rows, cols: cols)
      }
    }
    return y
  }

  /// dx += the forward weights times dy, scattered to the taps.
  /// dy: (N, Ho, Wo, C); dx: (N, H, W, C), the input's shape.
  public func backward(_ dy: Tensor, into dx: inout Tensor) {
    let (n, h, w, c) = nhwc(dx, "BilinearResize.backward dx")
    let (ho, wo) = outputSize(height: h, width: w)
    checkSameShape(dy, Shape(n, ho, wo, c), "BilinearResize.backward dy")
    let rows = BilinearAxis(input: h, output: ho, alignCorners: alignCorners)
    let cols = BilinearAxis(input: w, output: wo, alignCorners: alignCorners)
    dy.withUnsafePointer { pdy in
      dx.withUnsafeMutablePointer { pdx in
        ResizeKernels.bilinearBackwardAccumulate(
          dy: pdy, dx: pdx, batch: n, height: h, width: w, channels: c, rows: rows, cols: cols)
      }
    }
  }
}
