import CNormKernels
import TensorCore

/// Per-channel batch normalization over NHWC rows.
///
/// x and y are (rows, C) with rows = N * H * W. Statistics accumulate per channel in double
/// precision, row by row, so the order (and so the bits) is fixed whatever the build flags.
/// The passes run on `KernelThreads.count` threads: the sums split by channels (each
/// channel's rows still summed first to last by one thread), the elementwise maps by rows,
/// so the bits do not depend on the thread count either.
public enum BatchNormKernels {
  /// Per-channel mean and biased variance of x (rows, C), two-pass.
  public static func statistics(
    _ x: UnsafePointer<Float>, rows: Int, channels: Int,
    mean: UnsafeMutablePointer<Float>, variance: UnsafeMutablePointer<Float>
  ) {
    checkPrecondition(rows > 0, "BatchNorm: statistics of an empty batch")
    var sum = [Double](repeating: 0, count: channels)
    addSums(x, rows: rows, channels: channels, into: &sum)
    for c in 0..<channels {
      sum[c] /= Double(rows)
      mean[c] = Float(sum[c])
    }
    var squares = [Double](repeating: 0, count: channels)
    addSquaredDeviations(x, rows: rows, channels: channels, from: sum, into: &squares)
    for c in 0..<channels { variance[c] = Float(squares[c] / Double(rows)) }
  }

  /// s[c] += x[r][c] for every row r of x (rows, C), row by row in double precision: the
  /// first pass of `statistics`. (`BatchNormReference.addSums` is the plain loop.)
  public static func addSums(
    _ x: UnsafePointer<Float>, rows: Int, channels: Int, into sum: inout [Double],
    isa: DirectConvolution.ISA = .best
  ) {
    let kernel = isa == .avx512 ? reid_bn_add_sums_avx512 : reid_bn_add_sums_avx2
    sum.withUnsafeMutableBufferPointer { buffer in
      nonisolated(unsafe) let (x, s) = (x, buffer.baseAddress)
      KernelThreads.overChannels(channels, rows: rows) { range in
        kernel(x, Int64(channels), Int64(rows), Int64(range.lowerBound), Int64(range.upperBound), s)
      }
    }
  }

  /// q[c] += (x[r][c] - mean[c])^2 for every row r of x (rows, C), row by row in double
  /// precision: the second pass of `statistics`. (`BatchNormReference` has the plain loop.)
  public static func addSquaredDeviations(
    _ x: UnsafePointer<Float>, rows: Int, channels: Int, from mean: [Double],
    into squares: inout [Double], isa: DirectConvolution.ISA = .best
  ) {
    let kernel =
      isa == .avx512
      ? reid_bn_add_squared_deviations_avx512 : reid_bn_add_squared_deviations_avx2
    mean.withUnsafeBufferPointer { meanBuffer in
      squares.withUnsafeMutableBufferPointer { squaresBuffer in
        nonisolated(unsafe) let (x, m, q) = (x, meanBuffer.baseAddress, squaresBuffer.baseAddress)
        KernelThreads.overChannels(channels, rows: rows) { range in
          kernel(
            x, Int64(channels), Int64(rows), Int64(range.lowerBound), Int64(range.upperBound), m,
            q)
        }
      }
    }
  }

  /// y = x * scale + shift per channel: the normalization folded into one affine map; with
  /// `relu`, y = max(x * scale + shift, 0) in the same pass.
  public static func affine(
    _ x: UnsafePointer<Float>, rows: Int, channels: Int,
    scale: UnsafePointer<Float>, shift: UnsafePointer<Float>, relu: Bool = false,
    output y: UnsafeMutablePointer<Float>
  ) {
    nonisolated(unsafe) let (x, scale, shift, y) = (x, scale, shift, y)
    KernelThreads.overRows(rows, width: channels) { range in
      for r in range {
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
    addGradientSums(
      x, stride: channels, dy, rows: rows, channels: channels, mean: mean, invStd: invStd,
      relu: relu, sumDy: &sumDy, sumDyXhat: &sumDyXhat)
    for c in 0..<channels {
      dbeta[c] += Float(sumDy[c])
      dgamma[c] += Float(sumDyXhat[c])
    }
    guard let dx else { return }
    addTrainingInputGradient(
      x, dy, rows: rows, channels: channels, mean: mean, invStd: invStd, gamma: gamma,
      relu: relu, sumDy: sumDy, sumDyXhat: sumDyXhat, batchRows: rows, inputGradient: dx)
  }

  /// sumDy[c] += sum(dy), sumDyXhat[c] += sum(dy * xhat) over the rows of x (rows, stride,
  /// channels <= stride) and dy (rows, channels), row by row in double precision; with `relu`,
  /// dy is masked as `backwardTraining` masks it. (`BatchNormReference` has the plain loop.)
  ///
  /// With `relu`, `activated` (rows, channels), when given, receives the forward's output on
  /// the way, max(x * scale + shift, 0) as Swift's `max` gives it (+0 for v <= 0, NaN kept):
  /// a backward that needs it again saves reading x a second time.
  public static func addGradientSums(
    _ x: UnsafePointer<Float>, stride: Int, _ dy: UnsafePointer<Float>, rows: Int,
    channels: Int, mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>,
    relu: (scale: UnsafePointer<Float>, shift: UnsafePointer<Float>)?,
    sumDy: inout [Double], sumDyXhat: inout [Double],
    activated: UnsafeMutablePointer<Float>? = nil, isa: DirectConvolution.ISA = .best
  ) {
    checkPrecondition(
      activated == nil || relu != nil, "BatchNorm: the activated output needs the ReLU's map")
    let kernel =
      isa == .avx512 ? reid_bn_add_gradient_sums_avx512 : reid_bn_add_gradient_sums_avx2
    let operands = reid_bn_operands(
      mean: mean, inv_std: invStd, scale: relu?.scale, shift: relu?.shift, activated: activated)
    sumDy.withUnsafeMutableBufferPointer { sumDyBuffer in
      sumDyXhat.withUnsafeMutableBufferPointer { sumDyXhatBuffer in
        nonisolated(unsafe) let (x, dy, operands) = (x, dy, operands)
        nonisolated(unsafe) let (sd, sdx) = (sumDyBuffer.baseAddress, sumDyXhatBuffer.baseAddress)
        KernelThreads.overChannels(channels, rows: rows) { range in
          kernel(
            x, Int64(stride), dy, Int64(channels), Int64(rows), Int64(range.lowerBound),
            Int64(range.upperBound), operands, sd, sdx)
        }
      }
    }
  }

  /// dx += gamma * invstd / M * (M * dy - sum(dy) - xhat * sum(dy * xhat)) over x, dy, dx
  /// (rows, C), where M = `batchRows` is the row count of the whole batch the sums cover
  /// (more than `rows` when the batch is sharded).
  public static func addTrainingInputGradient(
    _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, rows: Int, channels: Int,
    mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>, gamma: UnsafePointer<Float>,
    relu: (scale: UnsafePointer<Float>, shift: UnsafePointer<Float>)?,
    sumDy: [Double], sumDyXhat: [Double], batchRows: Int,
    inputGradient dx: UnsafeMutablePointer<Float>
  ) {
    var coefficients = (
      a: [Float](repeating: 0, count: channels), b: [Float](repeating: 0, count: channels)
    )
    for c in 0..<channels {
      let k = gamma[c] * invStd[c]
      coefficients.a[c] = Float(sumDy[c] / Double(batchRows)) * k
      coefficients.b[c] = Float(sumDyXhat[c] / Double(batchRows)) * k
    }
    let (a, b) = coefficients
    nonisolated(unsafe) let (x, dy, dx, relu) = (x, dy, dx, relu)
    nonisolated(unsafe) let (mean, invStd, gamma) = (mean, invStd, gamma)
    KernelThreads.overRows(rows, width: channels) { range in
      a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
          for r in range {
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
