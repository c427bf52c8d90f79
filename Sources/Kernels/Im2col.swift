import Dispatch

/// NHWC im2col and col2im over a range of output pixels.
///
/// A column row holds one output pixel's receptive field in (ki, kj, c) order, so each tap
/// copies Cin contiguous scalars. Rows cover flattened output pixels p = (n * Ho + oh) * Wo + ow
/// in `rows`, which lets the convolution bound its scratch memory by processing a few
/// thousand pixels at a time while keeping the GEMM's M large across image boundaries.
public enum Im2col {
  /// Gathers patches: x (N, H, W, Cin) -> cols (rows.count, kh * kw * Cin).
  ///
  /// Taps that fall in the padding are zero.
  public static func im2col(
    _ x: UnsafePointer<Float>, _ g: ConvGeometry, rows: Range<Int>,
    into cols: UnsafeMutablePointer<Float>
  ) {
    let cin = g.inputChannels
    let ho = g.outputHeight
    let wo = g.outputWidth
    var dst = cols
    for p in rows {
      let n = p / (ho * wo)
      let oh = (p / wo) % ho
      let ow = p % wo
      let image = x + n * g.inputHeight * g.inputWidth * cin
      for ki in 0..<g.kernelHeight {
        let ih = oh * g.strideH - g.padH + ki * g.dilationH
        let rowInside = ih >= 0 && ih < g.inputHeight
        for kj in 0..<g.kernelWidth {
          let iw = ow * g.strideW - g.padW + kj * g.dilationW
          if rowInside && iw >= 0 && iw < g.inputWidth {
            dst.update(from: image + (ih * g.inputWidth + iw) * cin, count: cin)
          } else {
            dst.update(repeating: 0, count: cin)
          }
          dst += cin
        }
      }
    }
  }

  /// `im2col` split over `parts` threads by rows (a pure copy, so the result does not depend
  /// on the split).
  public static func im2colParallel(
    _ x: UnsafePointer<Float>, _ g: ConvGeometry, rows: Range<Int>,
    into cols: UnsafeMutablePointer<Float>, parts: Int
  ) {
    let k = g.patchSize
    guard parts > 1, rows.count >= 2 * parts else {
      return im2col(x, g, rows: rows, into: cols)
    }
    let step = (rows.count + parts - 1) / parts
    nonisolated(unsafe) let target = cols
    nonisolated(unsafe) let source = x
    DispatchQueue.concurrentPerform(iterations: parts) { part in
      let lo = rows.lowerBound + part * step
      let hi = min(rows.upperBound, lo + step)
      if lo < hi { im2col(source, g, rows: lo..<hi, into: target + (lo - rows.lowerBound) * k) }
    }
  }

  /// Scatters patches back, accumulating: dx (N, H, W, Cin) += col2im(cols (rows.count, K)).
  public static func col2imAccumulate(
    _ cols: UnsafePointer<Float>, _ g: ConvGeometry, rows: Range<Int>,
    into dx: UnsafeMutablePointer<Float>
  ) {
    let cin = g.inputChannels
    let ho = g.outputHeight
    let wo = g.outputWidth
    var src = cols
    for p in rows {
      let n = p / (ho * wo)
      let oh = (p / wo) % ho
      let ow = p % wo
      let image = dx + n * g.inputHeight * g.inputWidth * cin
      for ki in 0..<g.kernelHeight {
        let ih = oh * g.strideH - g.padH + ki * g.dilationH
        let rowInside = ih >= 0 && ih < g.inputHeight
        for kj in 0..<g.kernelWidth {
          let iw = ow * g.strideW - g.padW + kj * g.dilationW
          if rowInside && iw >= 0 && iw < g.inputWidth {
            let target = image + (ih * g.inputWidth + iw) * cin
            for c in 0..<cin { target[c] += src[c] }
          }
          src += cin
        }
      }
    }
  }
}
