import TensorCore

/// Conversions between PyTorch's NCHW and the project's NHWC at the I/O boundary.
public enum Layout {
  /// Images first ..< first + count of x (N, C, H, W) as (count, H, W, C).
  public static func nchwToNHWC(_ x: Tensor, first: Int = 0, count: Int? = nil) -> Tensor {
    let d = x.shape.dims
    let (c, h, w) = (d[1], d[2], d[3])
    let n = count ?? d[0] - first
    checkPrecondition(
      d.count == 4 && first >= 0 && first + n <= d[0], "nchwToNHWC: \(x.shape), \(first)+\(n)")
    var y = Tensor(shape: Shape(n, h, w, c))
    x.withUnsafePointer { px in
      y.withUnsafeMutablePointer { py in
        for b in 0..<n {
          for ch in 0..<c {
            let src = px + ((first + b) * c + ch) * h * w
            for p in 0..<(h * w) { py[(b * h * w + p) * c + ch] = src[p] }
          }
        }
      }
    }
    return y
  }

  /// x (N, H, W, C) as (N, C, H, W).
  public static func nhwcToNCHW(_ x: Tensor) -> Tensor {
    let d = x.shape.dims
    checkPrecondition(d.count == 4, "nhwcToNCHW: \(x.shape) is not rank 4")
    let (n, h, w, c) = (d[0], d[1], d[2], d[3])
    var y = Tensor(shape: Shape(n, c, h, w))
    x.withUnsafePointer { px in
      y.withUnsafeMutablePointer { py in
        for b in 0..<n {
          for p in 0..<(h * w) {
            for ch in 0..<c { py[(b * c + ch) * h * w + p] = px[(b * h * w + p) * c + ch] }
          }
        }
      }
    }
    return y
  }

  /// Tensors of the same trailing shape stacked along the first axis.
  public static func stack(_ parts: [Tensor]) -> Tensor {
    guard let first = parts.first else { return Tensor(shape: [0]) }
    var dims = first.shape.dims
    dims[0] = parts.reduce(0) { $0 + $1.shape[0] }
    var scalars: [Float] = []
    scalars.reserveCapacity(Shape(dims).count)
    for p in parts { scalars += p.scalars }
    return Tensor(shape: Shape(dims), scalars: scalars)
  }
}
