import Kernels
import TensorCore

/// Batch-norm + ReLU over the first `channels` channels of a wider NHWC buffer: the loops
/// under a dense layer's `norm1`/`relu1`, which read a prefix of the dense block's
/// concatenated features in place instead of a copied concatenation.
///
/// wide: (rows, stride) with rows = N * H * W and channels <= stride; narrow: (rows, channels),
/// contiguous. The statistics and the gradient sums come from `ShardedNormalization`, over the
/// channels' own contiguous copies or in place with a stride: the same numbers either way.
/// The rows split over `KernelThreads.count` threads (each row's outputs depend on it alone).
enum PrefixNormKernels {
  /// narrow = max(wide[:, :channels] * scale + shift, 0).
  static func normalizeReLU(
    _ wide: UnsafePointer<Float>, stride: Int, rows: Int, channels: Int,
    scale: UnsafePointer<Float>, shift: UnsafePointer<Float>,
    into narrow: UnsafeMutablePointer<Float>
  ) {
    nonisolated(unsafe) let (wide, scale, shift, narrow) = (wide, scale, shift, narrow)
    KernelThreads.overRows(rows, width: channels) { range in
      for r in range {
        let (xr, yr) = (wide + r * stride, narrow + r * channels)
        for c in 0..<channels { yr[c] = max(xr[c] * scale[c] + shift[c], 0) }
      }
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
    let k = (0..<channels).map { gamma[$0] * invStd[$0] }
    let a = (0..<channels).map { c in sums.map { Float($0.sumDy[c] / Double($0.rows)) * k[c] } ?? 0
    }
    let b = (0..<channels).map { c in
      sums.map { Float($0.sumDyXhat[c] / Double($0.rows)) * k[c] } ?? 0
    }
    nonisolated(unsafe) let (wide, dy, dWide) = (wide, dy, dWide)
    nonisolated(unsafe) let (scale, shift, mean, invStd) = (scale, shift, mean, invStd)
    KernelThreads.overRows(rows, width: channels) { range in
      k.withUnsafeBufferPointer { k in
        a.withUnsafeBufferPointer { a in
          b.withUnsafeBufferPointer { b in
            for r in range {
              let (xr, dyr, dxr) = (wide + r * stride, dy + r * channels, dWide + r * stride)
              for c in 0..<channels {
                let g = xr[c] * scale[c] + shift[c] > 0 ? dyr[c] : 0
                let xhat = (xr[c] - mean[c]) * invStd[c]
                dxr[c] += g * k[c] - a[c] - xhat * b[c]
              }
            }
          }
        }
      }
    }
  }
}
