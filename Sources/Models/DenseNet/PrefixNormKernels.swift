import TensorCore

/// Batch-norm + ReLU over the first `channels` channels of a wider NHWC buffer: the loops
/// under a dense layer's `norm1`/`relu1`, which read a prefix of the dense block's
/// concatenated features in place instead of a copied concatenation.
///
/// wide: (rows, stride) with rows = N * H * W and channels <= stride; narrow: (rows, channels),
/// contiguous. The statistics and the gradient sums come from `ShardedNormalization`, over the
/// channels' own contiguous copies or in place with a stride: the same numbers either way.
enum PrefixNormKernels {
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

  /// The input-gradient half of the backward of the ReLU and the normalization,
  /// accumulating into the prefix of the wide gradient (gamma's and beta's gradients come from
  /// `ShardedNormalization.gradientSums`, whose sums `sums` are).
  ///
  /// dy is the gradient of relu(wide * scale + shift) (`normalizeReLU`'s output); the ReLU's
  /// mask is recomputed from wide, as `normalizeReLU` computes it, instead of being applied to
  /// dy in a pass of its own (which read the output and rewrote dy: a third of this
  /// backward's memory traffic). With dy masked: training (`sums` given, over `sums.rows`
  /// rows): dx += gamma * invstd / M * (M dy - sum dy - xhat sum(dy xhat)); inference (nil):
  /// dx += dy * gamma * invstd.
  static func addInputGradient(
    _ wide: UnsafePointer<Float>, stride: Int, _ dy: UnsafePointer<Float>, rows: Int,
    channels: Int, scale: UnsafePointer<Float>, shift: UnsafePointer<Float>,
    mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>, gamma: UnsafePointer<Float>,
    sums: (sumDy: [Double], sumDyXhat: [Double], rows: Int)?,
    inputGradient dWide: UnsafeMutablePointer<Float>
  ) {
    var k = [Float](repeating: 0, count: channels)
    var a = [Float](repeating: 0, count: channels)
    var b = [Float](repeating: 0, count: channels)
    for c in 0..<channels {
      k[c] = gamma[c] * invStd[c]
      if let sums {
        a[c] = Float(sums.sumDy[c] / Double(sums.rows)) * k[c]
        b[c] = Float(sums.sumDyXhat[c] / Double(sums.rows)) * k[c]
      }
    }
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
