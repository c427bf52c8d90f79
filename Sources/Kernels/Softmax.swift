#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Softmax over the channels of every pixel of an NHWC tensor.
///
/// x: (P, C) -> y: (P, C), P = N * H * W pixels. Stable: the pixel's maximum is subtracted
/// before `expf`; the sum runs in `ElementwiseKernels.sum`'s fixed order.
public enum ChannelSoftmaxKernels {
  /// y[p, :] = exp(x[p, :] - max) / sum(exp(x[p, :] - max)).
  public static func forward(
    x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, pixels: Int, channels c: Int
  ) {
    guard c > 0 else { return }
    for p in 0..<pixels {
      let xRow = x + p * c
      let yRow = y + p * c
      var m = xRow[0]
      for k in 1..<c { m = max(m, xRow[k]) }
      for k in 0..<c { yRow[k] = expf(xRow[k] - m) }
      let total = ElementwiseKernels.sum(yRow, count: c)
      for k in 0..<c { yRow[k] = yRow[k] / total }
    }
  }

  /// dx[p, :] += y[p, :] * (dy[p, :] - sum(dy[p, :] * y[p, :])), from the output y.
  public static func backwardAccumulate(
    output y: UnsafePointer<Float>, dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>,
    pixels: Int, channels c: Int
  ) {
    for p in 0..<pixels {
      let yRow = y + p * c
      let dyRow = dy + p * c
      let dxRow = dx + p * c
      let inner = ElementwiseKernels.dot(dyRow, yRow, count: c)
      for k in 0..<c { dxRow[k] += yRow[k] * (dyRow[k] - inner) }
    }
  }
}
