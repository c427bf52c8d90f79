/// Plain loops for the batch-norm reductions: the reference `BatchNormKernels`' C kernels
/// are tested against, bit for bit (the same operations in the same order, one channel at a
/// time over the rows, first to last).
///
/// x: (rows, stride) with the channels first; dy: (rows, channels).
public enum BatchNormReference {
  /// s[c] += x[r][c], row by row in double precision.
  public static func addSums(
    _ x: UnsafePointer<Float>, rows: Int, channels: Int, into sum: inout [Double]
  ) {
    for r in 0..<rows {
      for c in 0..<channels { sum[c] += Double(x[r * channels + c]) }
    }
  }

  /// d = x[r][c] - mean[c] in double precision; q[c] += d * d, row by row.
  public static func addSquaredDeviations(
    _ x: UnsafePointer<Float>, rows: Int, channels: Int, from mean: [Double],
    into squares: inout [Double]
  ) {
    for r in 0..<rows {
      for c in 0..<channels {
        let d = Double(x[r * channels + c]) - mean[c]
        squares[c] += d * d
      }
    }
  }

  /// sumDy[c] += g, sumDyXhat[c] += g * xhat, row by row in double precision, where
  /// xhat = (x - mean) * invStd and g is dy, masked by the ReLU of `relu` when given.
  public static func addGradientSums(
    _ x: UnsafePointer<Float>, stride: Int, _ dy: UnsafePointer<Float>, rows: Int,
    channels: Int, mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>,
    relu: (scale: UnsafePointer<Float>, shift: UnsafePointer<Float>)?,
    sumDy: inout [Double], sumDyXhat: inout [Double]
  ) {
    for r in 0..<rows {
      for c in 0..<channels {
        let (xv, dyv) = (x[r * stride + c], dy[r * channels + c])
        let g = relu.map { BatchNormKernels.reluMasked(dyv, xv, $0.scale[c], $0.shift[c]) } ?? dyv
        let xhat = (xv - mean[c]) * invStd[c]
        sumDy[c] += Double(g)
        sumDyXhat[c] += Double(g * xhat)
      }
    }
  }
}
