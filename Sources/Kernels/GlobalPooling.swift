/// Global average and max pooling over the spatial axes of NHWC tensors.
///
/// x: (N, H, W, C) -> y: (N, C). Sums run position by position with one accumulator per
/// channel (the contiguous inner loop), so the order is fixed.
public enum GlobalPoolingKernels {
  /// y[n, c] = (sum over h, w of x[n, h, w, c]) / (H * W), with `pixels` = H * W.
  public static func averageForward(
    x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, batch: Int, pixels: Int,
    channels c: Int
  ) {
    let divisor = Float(pixels)
    for n in 0..<batch {
      let yRow = y + n * c
      for k in 0..<c { yRow[k] = 0 }
      for p in 0..<pixels {
        let xRow = x + (n * pixels + p) * c
        for k in 0..<c { yRow[k] += xRow[k] }
      }
      for k in 0..<c { yRow[k] = yRow[k] / divisor }
    }
  }

  /// dx[n, h, w, c] += dy[n, c] / (H * W). dy: (N, C); dx: (N, H, W, C).
  public static func averageBackwardAccumulate(
    dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, batch: Int, pixels: Int,
    channels c: Int
  ) {
    let divisor = Float(pixels)
    for n in 0..<batch {
      let dyRow = dy + n * c
      for p in 0..<pixels {
        let dxRow = dx + (n * pixels + p) * c
        for k in 0..<c { dxRow[k] += dyRow[k] / divisor }
      }
    }
  }

  /// y[n, c] = max over h, w of x[n, h, w, c]; argmax: (N, C) gets the spatial index
  /// h * W + w (first maximum in scan order; a NaN wins, as in PyTorch).
  public static func maxForward(
    x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>,
    batch: Int, pixels: Int, channels c: Int
  ) {
    for n in 0..<batch {
      let yRow = y + n * c
      let aRow = argmax + n * c
      for k in 0..<c {
        yRow[k] = -Float.infinity
        aRow[k] = 0
      }
      for p in 0..<pixels {
        let xRow = x + (n * pixels + p) * c
        let index = Int32(p)
        for k in 0..<c {
          let v = xRow[k]
          if v > yRow[k] || v.isNaN {
            yRow[k] = v
            aRow[k] = index
          }
        }
      }
    }
  }

  /// dx[n, argmax[n, c], c] += dy[n, c]. dy, argmax: (N, C); dx: (N, H, W, C).
  public static func maxBackwardAccumulate(
    dy: UnsafePointer<Float>, argmax: UnsafePointer<Int32>, dx: UnsafeMutablePointer<Float>,
    batch: Int, pixels: Int, channels c: Int
  ) {
    for n in 0..<batch {
      let dxSample = dx + n * pixels * c
      for k in 0..<c { dxSample[Int(argmax[n * c + k]) * c + k] += dy[n * c + k] }
    }
  }
}
