import TensorCore

/// Per-channel batch normalization over NHWC rows.
///
/// x and y are (rows, C) with rows = N * H * W. Statistics accumulate per channel in double
/// precision, row by row, so the order (and so the bits) is fixed whatever the build flags.
public enum BatchNormKernels {
  /// Per-channel mean and biased variance of x (rows, C), two-pass.
  public static func statistics(
    _ x: UnsafePointer<Float>, rows: Int, channels: Int,
    mean: UnsafeMutablePointer<Float>, variance: UnsafeMutablePointer<Float>
  ) {
    checkPrecondition(rows > 0, "BatchNorm: statistics of an empty batch")
    var sum = [Double](repeating: 0, count: channels)
    sum.withUnsafeMutableBufferPointer { s in
      for r in 0..<rows {
        let row = x + r * channels
        for c in 0..<channels { s[c] += Double(row[c]) }
      }
      for c in 0..<channels {
        s[c] /= Double(rows)
        mean[c] = Float(s[c])
      }
    }
    var squares = [Double](repeating: 0, count: channels)
    squares.withUnsafeMutableBufferPointer { q in
      for r in 0..<rows {
        let row = x + r * channels
        for c in 0..<channels {
          let d = Double(row[c]) - sum[c]
          q[c] += d * d
        }
      }
      for c in 0..<channels { variance[c] = Float(q[c] / Double(rows)) }
    }
  }

  /// y = x * scale + shift per channel: the normalization folded into one affine map.
  public static func affine(
    _ x: UnsafePointer<Float>, rows: Int, channels: Int,
    scale: UnsafePointer<Float>, shift: UnsafePointer<Float>, output y: UnsafeMutablePointer<Float>
  ) {
    for r in 0..<rows {
      let (xr, yr) = (x + r * channels, y + r * channels)
      for c in 0..<channels { yr[c] = xr[c] * scale[c] + shift[c] }
    }
  }

  /// Backward through batch statistics, accumulating into dx, dgamma and dbeta.
  ///
  /// With xhat = (x - mean) * invstd:
  /// dbeta += sum(dy); dgamma += sum(dy * xhat);
  /// dx += gamma * invstd / M * (M * dy - sum(dy) - xhat * sum(dy * xhat)).
  public static func backwardTraining(
    _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, rows: Int, channels: Int,
    mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>, gamma: UnsafePointer<Float>,
    inputGradient dx: UnsafeMutablePointer<Float>?,
    gammaGradient dgamma: UnsafeMutablePointer<Float>,
    betaGradient dbeta: UnsafeMutablePointer<Float>
  ) {
    var sumDy = [Double](repeating: 0, count: channels)
    var sumDyXhat = [Double](repeating: 0, count: channels)
    sumDy.withUnsafeMutableBufferPointer { sd in
      sumDyXhat.withUnsafeMutableBufferPointer { sdx in
        for r in 0..<rows {
          let (xr, dyr) = (x + r * channels, dy + r * channels)
          for c in 0..<channels {
            let xhat = (xr[c] - mean[c]) * invStd[c]
            sd[c] += Double(dyr[c])
            sdx[c] += Double(dyr[c] * xhat)
          }
        }
      }
    }
    var a = [Float](repeating: 0, count: channels)
    var b = [Float](repeating: 0, count: channels)
    for c in 0..<channels {
      dbeta[c] += Float(sumDy[c])
      dgamma[c] += Float(sumDyXhat[c])
      let k = gamma[c] * invStd[c]
      a[c] = Float(sumDy[c] / Double(rows)) * k
      b[c] = Float(sumDyXhat[c] / Double(rows)) * k
    }
    guard let dx else { return }
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        for r in 0..<rows {
          let (xr, dyr, dxr) = (x + r * channels, dy + r * channels, dx + r * channels)
          for c in 0..<channels {
            let xhat = (xr[c] - mean[c]) * invStd[c]
            dxr[c] += dyr[c] * gamma[c] * invStd[c] - a[c] - xhat * b[c]
          }
        }
      }
    }
  }

  /// Backward with fixed (running) statistics, accumulating: dx += dy * gamma * invstd;
  /// dgamma += sum(dy * xhat); dbeta += sum(dy).
  public static func backwardInference(
    _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, rows: Int, channels: Int,
    mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>, gamma: UnsafePointer<Float>,
    inputGradient dx: UnsafeMutablePointer<Float>?,
    gammaGradient dgamma: UnsafeMutablePointer<Float>?,
    betaGradient dbeta: UnsafeMutablePointer<Float>?
  ) {
    if let dgamma, let dbeta {
      var sumDy = [Double](repeating: 0, count: channels)
      var sumDyXhat = [Double](repeating: 0, count: channels)
      for r in 0..<rows {
        let (xr, dyr) = (x + r * channels, dy + r * channels)
        for c in 0..<channels {
          sumDy[c] += Double(dyr[c])
          sumDyXhat[c] += Double(dyr[c] * ((xr[c] - mean[c]) * invStd[c]))
        }
      }
      for c in 0..<channels {
        dbeta[c] += Float(sumDy[c])
        dgamma[c] += Float(sumDyXhat[c])
      }
    }
    guard let dx else { return }
    for r in 0..<rows {
      let (dyr, dxr) = (dy + r * channels, dx + r * channels)
      for c in 0..<channels { dxr[c] += dyr[c] * gamma[c] * invStd[c] }
    }
  }
}
