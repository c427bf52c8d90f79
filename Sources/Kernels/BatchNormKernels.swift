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

  /// y = x * scale + shift per channel: the normalization folded into one affine map; with
  /// `relu`, y = max(x * scale + shift, 0) in the same pass.
  public static func affine(
    _ x: UnsafePointer<Float>, rows: Int, channels: Int,
    scale: UnsafePointer<Float>, shift: UnsafePointer<Float>, relu: Bool = false,
    output y: UnsafeMutablePointer<Float>
  ) {
    for r in 0..<rows {
      let (xr, yr) = (x + r * channels, y + r * channels)
      if relu {
        for c in 0..<channels {
          let v = xr[c] * scale[c] + shift[c]
          yr[c] = v > 0 ? v : 0  // exactly ElementwiseKernels.reluForward
        }
      } else {
        for c in 0..<channels { yr[c] = xr[c] * scale[c] + shift[c] }
      }
    }
  }

  /// The gradient of relu(x * scale + shift) given the ReLU output's gradient dy: dy where
  /// x * scale + shift > 0, else 0, recomputed exactly as `affine` computes it. The `+ 0`
  /// turns a -0 gradient into +0 as `ReLU.backward` accumulating into a zeroed buffer did, so
  /// the fused passes give the bits of a separate ReLU backward. (DenseNet's norm2 used to
  /// mask in place, keeping -0; the two differ only in the sign of zero gradients, which no
  /// sum starting from +0 and no product with a nonzero factor can see.)
  @inline(__always)
  static func reluMasked(
    _ dy: Float, _ x: Float, _ scale: Float, _ shift: Float
  ) -> Float {
    x * scale + shift > 0 ? dy + 0 : 0
  }

  /// Backward through batch statistics, accumulating into dx, dgamma and dbeta.
  ///
  /// With xhat = (x - mean) * invstd:
  /// dbeta += sum(dy); dgamma += sum(dy * xhat);
  /// dx += gamma * invstd / M * (M * dy - sum(dy) - xhat * sum(dy * xhat)).
  ///
  /// With `relu` (scale and shift: the forward's `affine` map), dy is the gradient of
  /// relu(bn(x)) and is masked on the fly (`reluMasked`) instead of in a pass of its own.
  public static func backwardTraining(
    _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, rows: Int, channels: Int,
    mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>, gamma: UnsafePointer<Float>,
    relu: (scale: UnsafePointer<Float>, shift: UnsafePointer<Float>)? = nil,
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
          if let (scale, shift) = relu {
            for c in 0..<channels {
              let g = reluMasked(dyr[c], xr[c], scale[c], shift[c])
              let xhat = (xr[c] - mean[c]) * invStd[c]
              sd[c] += Double(g)
              sdx[c] += Double(g * xhat)
            }
          } else {
            for c in 0..<channels {
              let xhat = (xr[c] - mean[c]) * invStd[c]
              sd[c] += Double(dyr[c])
              sdx[c] += Double(dyr[c] * xhat)
            }
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
          if let (scale, shift) = relu {
            for c in 0..<channels {
              let g = reluMasked(dyr[c], xr[c], scale[c], shift[c])
              let xhat = (xr[c] - mean[c]) * invStd[c]
              dxr[c] += g * gamma[c] * invStd[c] - a[c] - xhat * b[c]
            }
          } else {
            for c in 0..<channels {
              let xhat = (xr[c] - mean[c]) * invStd[c]
              dxr[c] += dyr[c] * gamma[c] * invStd[c] - a[c] - xhat * b[c]
            }
          }
        }
      }
    }
  }

  /// Backward with fixed (running) statistics, accumulating: dx += dy * gamma * invstd;
  /// dgamma += sum(dy * xhat); dbeta += sum(dy). `relu` as in `backwardTraining`.
  public static func backwardInference(
    _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, rows: Int, channels: Int,
    mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>, gamma: UnsafePointer<Float>,
    relu: (scale: UnsafePointer<Float>, shift: UnsafePointer<Float>)? = nil,
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
          let g = relu.map { reluMasked(dyr[c], xr[c], $0.scale[c], $0.shift[c]) } ?? dyr[c]
          sumDy[c] += Double(g)
          sumDyXhat[c] += Double(g * ((xr[c] - mean[c]) * invStd[c]))
        }
      }
      for c in 0..<channels {
        dbeta[c] += Float(sumDy[c])
        dgamma[c] += Float(sumDyXhat[c])
      }
    }
    guard let dx else { return }
    for r in 0..<rows {
      let (xr, dyr, dxr) = (x + r * channels, dy + r * channels, dx + r * channels)
      for c in 0..<channels {
        let g = relu.map { reluMasked(dyr[c], xr[c], $0.scale[c], $0.shift[c]) } ?? dyr[c]
        dxr[c] += g * gamma[c] * invStd[c]
      }
    }
  }
}
