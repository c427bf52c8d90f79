import Kernels

/// The NCHW alternative the layout choice was measured against (Caffe's scheme): per image,
/// im2col into (Cin * kh * kw, Ho * Wo) columns and one sgemm with the weight as stored.
///
/// Layouts: x (N, Cin, H, W), y (N, Cout, Ho, Wo), weight (Cout, Cin, kh, kw). Only the
/// benchmark uses it; the project's activations are NHWC (docs/layout.md).
enum NCHWConvolution {
  /// cols (Cin * kh * kw, Ho * Wo) from one image x (Cin, H, W).
  static func im2col(
    _ x: UnsafePointer<Float>, _ g: ConvGeometry, _ cols: UnsafeMutablePointer<Float>
  ) {
    let (ho, wo) = (g.outputHeight, g.outputWidth)
    var row = 0
    for c in 0..<g.inputChannels {
      for ki in 0..<g.kernelHeight {
        for kj in 0..<g.kernelWidth {
          let dst = cols + row * ho * wo
          for oh in 0..<ho {
            let ih = oh * g.strideH - g.padH + ki * g.dilationH
            for ow in 0..<wo {
              let iw = ow * g.strideW - g.padW + kj * g.dilationW
              let inside = ih >= 0 && ih < g.inputHeight && iw >= 0 && iw < g.inputWidth
              dst[oh * wo + ow] = inside ? x[(c * g.inputHeight + ih) * g.inputWidth + iw] : 0
            }
          }
          row += 1
        }
      }
    }
  }

  /// dx (Cin, H, W) += col2im(cols) for one image.
  static func col2im(
    _ cols: UnsafePointer<Float>, _ g: ConvGeometry, _ dx: UnsafeMutablePointer<Float>
  ) {
    let (ho, wo) = (g.outputHeight, g.outputWidth)
    var row = 0
    for c in 0..<g.inputChannels {
      for ki in 0..<g.kernelHeight {
        for kj in 0..<g.kernelWidth {
          let src = cols + row * ho * wo
          for oh in 0..<ho {
            let ih = oh * g.strideH - g.padH + ki * g.dilationH
            guard ih >= 0 && ih < g.inputHeight else { continue }
            for ow in 0..<wo {
              let iw = ow * g.strideW - g.padW + kj * g.dilationW
              if iw >= 0 && iw < g.inputWidth {
                dx[(c * g.inputHeight + ih) * g.inputWidth + iw] += src[oh * wo + ow]
              }
            }
          }
          row += 1
        }
      }
    }
  }

  static func forward(
    _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ g: ConvGeometry,
    _ y: UnsafeMutablePointer<Float>, _ cols: UnsafeMutablePointer<Float>
  ) {
    let (hw, ohw) = (g.inputHeight * g.inputWidth, g.outputHeight * g.outputWidth)
    for n in 0..<g.batch {
      let xi = x + n * g.inputChannels * hw
      let b: UnsafePointer<Float>
      if g.isPointwise {
        b = xi
      } else {
        im2col(xi, g, cols)
        b = UnsafePointer(cols)
      }
      BLAS.sgemm(
        .none, .none, m: g.outputChannels, n: ohw, k: g.patchSize, a: w, b: b,
        c: y + n * g.outputChannels * ohw)
    }
  }

  static func backwardData(
    _ dy: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ g: ConvGeometry,
    _ dx: UnsafeMutablePointer<Float>, _ cols: UnsafeMutablePointer<Float>
  ) {
    let (hw, ohw) = (g.inputHeight * g.inputWidth, g.outputHeight * g.outputWidth)
    for n in 0..<g.batch {
      let dxi = dx + n * g.inputChannels * hw
      let dyi = dy + n * g.outputChannels * ohw
      if g.isPointwise {
        BLAS.sgemm(
          .transposed, .none, m: g.patchSize, n: ohw, k: g.outputChannels, a: w, b: dyi,
          beta: 1, c: dxi)
      } else {
        BLAS.sgemm(
          .transposed, .none, m: g.patchSize, n: ohw, k: g.outputChannels, a: w, b: dyi, c: cols)
        col2im(cols, g, dxi)
      }
    }
  }

  static func backwardWeights(
    _ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ g: ConvGeometry,
    _ dw: UnsafeMutablePointer<Float>, _ cols: UnsafeMutablePointer<Float>
  ) {
    let (hw, ohw) = (g.inputHeight * g.inputWidth, g.outputHeight * g.outputWidth)
    for n in 0..<g.batch {
      let xi = x + n * g.inputChannels * hw
      let b: UnsafePointer<Float>
      if g.isPointwise {
        b = xi
      } else {
        im2col(xi, g, cols)
        b = UnsafePointer(cols)
      }
      BLAS.sgemm(
        .none, .transposed, m: g.outputChannels, n: g.patchSize, k: ohw,
        a: dy + n * g.outputChannels * ohw, b: b, beta: 1, c: dw)
    }
  }
}
