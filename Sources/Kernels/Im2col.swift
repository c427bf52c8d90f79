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
  /// Taps that fall in the padding are zero. The pixel indices advance incrementally (no
  /// division per pixel), and when a kernel row lies wholly inside the image with dilation 1
  /// its kw taps are adjacent in NHWC, so the row is one copy of kw * Cin scalars.
  public static func im2col(
    _ x: UnsafePointer<Float>, _ g: ConvGeometry, rows: Range<Int>,
    into cols: UnsafeMutablePointer<Float>
  ) {
    let (cin, h, w) = (g.inputChannels, g.inputHeight, g.inputWidth)
    let (ho, wo, kh, kw) = (g.outputHeight, g.outputWidth, g.kernelHeight, g.kernelWidth)
    let rowLength = kw * cin
    let denseRow = g.dilationW == 1
    var dst = cols
    var position = PixelCursor(rows.lowerBound, ho: ho, wo: wo)
    for _ in rows {
      let image = x + position.n * h * w * cin
      let iw0 = position.ow * g.strideW - g.padW
      let rowInside = iw0 >= 0 && iw0 + (kw - 1) * g.dilationW < w
      for ki in 0..<kh {
        let ih = position.oh * g.strideH - g.padH + ki * g.dilationH
        if ih < 0 || ih >= h {
          dst.update(repeating: 0, count: rowLength)
        } else if rowInside && denseRow {
          dst.update(from: image + (ih * w + iw0) * cin, count: rowLength)
        } else {
          let line = image + ih * w * cin
          var tap = dst
          for kj in 0..<kw {
            let iw = iw0 + kj * g.dilationW
            if iw >= 0 && iw < w {
              tap.update(from: line + iw * cin, count: cin)
            } else {
              tap.update(repeating: 0, count: cin)
            }
            tap += cin
          }
        }
        dst += rowLength
      }
      position.advance(ho: ho, wo: wo)
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
  ///
  /// Rows are added in order, so the sums (and the bits) do not depend on the chunking.
  public static func col2imAccumulate(
    _ cols: UnsafePointer<Float>, _ g: ConvGeometry, rows: Range<Int>,
    into dx: UnsafeMutablePointer<Float>
  ) {
    let (cin, h, w) = (g.inputChannels, g.inputHeight, g.inputWidth)
    let (ho, wo, kh, kw) = (g.outputHeight, g.outputWidth, g.kernelHeight, g.kernelWidth)
    let rowLength = kw * cin
    let denseRow = g.dilationW == 1
    var src = cols
    var position = PixelCursor(rows.lowerBound, ho: ho, wo: wo)
    for _ in rows {
      let image = dx + position.n * h * w * cin
      let iw0 = position.ow * g.strideW - g.padW
      let rowInside = iw0 >= 0 && iw0 + (kw - 1) * g.dilationW < w
      for ki in 0..<kh {
        let ih = position.oh * g.strideH - g.padH + ki * g.dilationH
        if ih >= 0 && ih < h {
          let line = image + ih * w * cin
          if rowInside && denseRow {
            let target = line + iw0 * cin
            for c in 0..<rowLength { target[c] += src[c] }
          } else {
            for kj in 0..<kw {
              let iw = iw0 + kj * g.dilationW
              if iw >= 0 && iw < w {
                let target = line + iw * cin
                let tap = src + kj * cin
                for c in 0..<cin { target[c] += tap[c] }
              }
            }
          }
        }
        src += rowLength
      }
      position.advance(ho: ho, wo: wo)
    }
  }
}

/// An output pixel p = (n * Ho + oh) * Wo + ow walked in order without a division per step.
struct PixelCursor {
  var n: Int
  var oh: Int
  var ow: Int

  /// The cursor at flat pixel `p`.
  init(_ p: Int, ho: Int, wo: Int) {
    n = p / (ho * wo)
    oh = (p / wo) % ho
    ow = p % wo
  }

  /// Moves to the next pixel in row-major order.
  mutating func advance(ho: Int, wo: Int) {
    ow += 1
    if ow == wo {
      ow = 0
      oh += 1
      if oh == ho {
        oh = 0
        n += 1
      }
    }
  }
}
