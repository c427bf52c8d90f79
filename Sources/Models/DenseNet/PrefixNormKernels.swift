import TensorCore

/// Batch-norm + ReLU over the first `channels` channels of a wider NHWC buffer: the loops
/// under a dense layer's `norm1`/`relu1`, which read a prefix of the dense block's
/// concatenated features in place instead of a copied concatenation.
///
/// wide: (rows, stride) with rows = N * H * W and channels <= stride; narrow: (rows, channels),
/// contiguous. Statistics accumulate per channel in double precision, row by row, exactly as
/// `BatchNormKernels.statistics`, so a prefix's statistics equal those of its copy.
enum PrefixNormKernels {
  /// Per-channel mean and biased variance of x (rows, channels), contiguous, two-pass in
  /// double precision. Appends to `mean` and `variance`.
  static func appendStatistics(
    _ x: UnsafePointer<Float>, rows: Int, channels: Int,
    mean: inout [Float], variance: inout [Float]
  ) {
    checkPrecondition(rows > 0, "PrefixNormKernels: statistics of an empty batch")
    var sum = [Double](repeating: 0, count: channels)
    var squares = [Double](repeating: 0, count: channels)
    sum.withUnsafeMutableBufferPointer { s in
      for r in 0..<rows {
        let row = x + r * channels
        for c in 0..<channels { s[c] += Double(row[c]) }
      }
      for c in 0..<channels { s[c] /= Double(rows) }
      squares.withUnsafeMutableBufferPointer { q in
        for r in 0..<rows {
          let row = x + r * channels
          for c in 0..<channels {
            let d = Double(row[c]) - s[c]
            q[c] += d * d
          }
        }
      }
    }
    for c in 0..<channels {
      mean.append(Float(sum[c]))
      variance.append(Float(squares[c] / Double(rows)))
    }
  }

  /// narrow = max(wide[:, :channels] * scale + shift, 0).
  static func normalizeReLU(
    _ wide: UnsafePointer<Float>, stride: Int, rows: Int, channels: Int,
    scale: UnsafePointer<Float>, shift: UnsafePointer<Float>,
    into narrow: UnsafeMutablePointer<Float>
  ) {
    for r in 0..<rows {
      let (xr, yr) = (wide + r * stride, narrow + r * channels)
      for c in 0..<channels { yr[c] = max(xr[c] * scale[c] + shift[c], 0) }
    }
  }

  /// Backward of the ReLU and the normalization, accumulating into the prefix of the wide
  /// gradient and into dgamma, dbeta.
  ///
  /// dy is the gradient of relu(wide * scale + shift) (`normalizeReLU`'s output); the ReLU's
  /// mask is recomputed from wide, as `normalizeReLU` computes it, instead of being applied to
  /// dy in a pass of its own (which read the output and rewrote dy: a third of this
  /// backward's memory traffic). With dy masked: training (`throughStatistics`): dx += gamma *
  /// invstd / M * (M dy - sum dy - xhat sum(dy xhat)); inference: dx += dy * gamma * invstd.
  /// Sums in double, row by row, as `BatchNormKernels`.
  static func backward(
    _ wide: UnsafePointer<Float>, stride: Int, _ dy: UnsafePointer<Float>, rows: Int,
    channels: Int, scale: UnsafePointer<Float>, shift: UnsafePointer<Float>,
    mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>,
    gamma: UnsafePointer<Float>, throughStatistics: Bool,
    inputGradient dWide: UnsafeMutablePointer<Float>?,
    gammaGradient dgamma: UnsafeMutablePointer<Float>,
    betaGradient dbeta: UnsafeMutablePointer<Float>
  ) {
    var sumDy = [Double](repeating: 0, count: channels)
    var sumDyXhat = [Double](repeating: 0, count: channels)
    sumDy.withUnsafeMutableBufferPointer { sd in
      sumDyXhat.withUnsafeMutableBufferPointer { sdx in
        for r in 0..<rows {
          let (xr, dyr) = (wide + r * stride, dy + r * channels)
          for c in 0..<channels {
            let g = xr[c] * scale[c] + shift[c] > 0 ? dyr[c] : 0
            let xhat = (xr[c] - mean[c]) * invStd[c]
            sd[c] += Double(g)
            sdx[c] += Double(g * xhat)
          }
        }
      }
    }
    var k = [Float](repeating: 0, count: channels)
    var a = [Float](repeating: 0, count: channels)
    var b = [Float](repeating: 0, count: channels)
    for c in 0..<channels {
      dbeta[c] += Float(sumDy[c])
      dgamma[c] += Float(sumDyXhat[c])
      k[c] = gamma[c] * invStd[c]
      if throughStatistics {
        a[c] = Float(sumDy[c] / Double(rows)) * k[c]
        b[c] = Float(sumDyXhat[c] / Double(rows)) * k[c]
      }
    }
    guard let dWide else { return }
    for r in 0..<rows {
      let (xr, dyr, dxr) = (wide + r * stride, dy + r * channels, dWide + r * stride)
      for c in 0..<channels {
        let g = xr[c] * scale[c] + shift[c] > 0 ? dyr[c] : 0
        let xhat = (xr[c] - mean[c]) * invStd[c]
        dxr[c] += g * k[c] - a[c] - xhat * b[c]
      }
    }
  }
}
