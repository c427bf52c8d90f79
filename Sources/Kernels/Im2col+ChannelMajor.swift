/// Channel-major columns: each row in (c, ki, kj) order, Caffe's order, which matches the
/// PyTorch weight (Cout, Cin, kh, kw) as stored.
///
/// Gathering them is a strided copy (slower per scalar than the tap-major copy), but the GEMMs
/// then use the weight without permuting it. That wins when the batch has fewer output pixels
/// than the layer has output channels (Inception's Mixed_7 convolutions at a 6x2 map: 96
/// pixels against 384 channels of 4032 weights each), since permuting costs Cout * K scalars
/// and these columns M * K.
extension Im2col {
  /// Gathers patches in channel-major order: x (N, H, W, Cin) -> cols (rows.count, Cin * kh * kw).
  ///
  /// Taps that fall in the padding are zero.
  public static func im2colChannelMajor(
    _ x: UnsafePointer<Float>, _ g: ConvGeometry, rows: Range<Int>,
    into cols: UnsafeMutablePointer<Float>
  ) {
    let (cin, h, w) = (g.inputChannels, g.inputHeight, g.inputWidth)
    let (ho, wo, kh, kw) = (g.outputHeight, g.outputWidth, g.kernelHeight, g.kernelWidth)
    let kk = kh * kw
    var dst = cols
    var position = PixelCursor(rows.lowerBound, ho: ho, wo: wo)
    for _ in rows {
      let image = x + position.n * h * w * cin
      for ki in 0..<kh {
        let ih = position.oh * g.strideH - g.padH + ki * g.dilationH
        for kj in 0..<kw {
          let iw = position.ow * g.strideW - g.padW + kj * g.dilationW
          let tap = dst + ki * kw + kj
          if ih >= 0 && ih < h && iw >= 0 && iw < w {
            let source = image + (ih * w + iw) * cin
            for c in 0..<cin { tap[c * kk] = source[c] }
          } else {
            for c in 0..<cin { tap[c * kk] = 0 }
          }
        }
      }
      dst += cin * kk
      position.advance(ho: ho, wo: wo)
    }
  }

  /// Scatters channel-major patches back, accumulating:
  /// dx (N, H, W, Cin) += col2im(cols (rows.count, Cin * kh * kw)).
  ///
  /// Each input scalar receives its taps in the same order as `col2imAccumulate` adds them.
  public static func col2imChannelMajorAccumulate(
    _ cols: UnsafePointer<Float>, _ g: ConvGeometry, rows: Range<Int>,
    into dx: UnsafeMutablePointer<Float>
  ) {
    let (cin, h, w) = (g.inputChannels, g.inputHeight, g.inputWidth)
    let (ho, wo, kh, kw) = (g.outputHeight, g.outputWidth, g.kernelHeight, g.kernelWidth)
    let kk = kh * kw
    var src = cols
    var position = PixelCursor(rows.lowerBound, ho: ho, wo: wo)
    for _ in rows {
      let image = dx + position.n * h * w * cin
      for ki in 0..<kh {
        let ih = position.oh * g.strideH - g.padH + ki * g.dilationH
        guard ih >= 0 && ih < h else { continue }
        for kj in 0..<kw {
          let iw = position.ow * g.strideW - g.padW + kj * g.dilationW
          guard iw >= 0 && iw < w else { continue }
          let (target, tap) = (image + (ih * w + iw) * cin, src + ki * kw + kj)
          for c in 0..<cin { target[c] += tap[c * kk] }
        }
      }
      src += cin * kk
      position.advance(ho: ho, wo: wo)
    }
  }
}
