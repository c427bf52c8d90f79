/// Direct-loop convolution: the algorithmic reference for `Convolution`, in double precision.
///
/// Same layouts: x (N, H, W, Cin), y (N, Ho, Wo, Cout), weight (Cout, Cin, kh, kw). Slow and
/// obviously correct; tests compare the GEMM kernels against it.
public enum ConvolutionReference {
  /// Calls `body(n, oh, ow, o, c, ki, kj, xIndex)` for every multiply-add whose input tap is
  /// inside the image.
  static func forEachTap(
    _ g: ConvGeometry, _ body: (_ yIndex: Int, _ wIndex: Int, _ xIndex: Int) -> Void
  ) {
    let (h, w, cin, cout) = (g.inputHeight, g.inputWidth, g.inputChannels, g.outputChannels)
    for n in 0..<g.batch {
      for oh in 0..<g.outputHeight {
        for ow in 0..<g.outputWidth {
          for o in 0..<cout {
            let yIndex = ((n * g.outputHeight + oh) * g.outputWidth + ow) * cout + o
            for c in 0..<cin {
              for ki in 0..<g.kernelHeight {
                let ih = oh * g.strideH - g.padH + ki * g.dilationH
                guard ih >= 0 && ih < h else { continue }
                for kj in 0..<g.kernelWidth {
                  let iw = ow * g.strideW - g.padW + kj * g.dilationW
                  guard iw >= 0 && iw < w else { continue }
                  let wIndex = ((o * cin + c) * g.kernelHeight + ki) * g.kernelWidth + kj
                  body(yIndex, wIndex, ((n * h + ih) * w + iw) * cin + c)
                }
              }
            }
          }
        }
      }
    }
  }

  /// y = conv(x, w) + bias.
  public static func forward(
    _ x: [Float], weight: [Float], bias: [Float]?, _ g: ConvGeometry
  ) -> [Float] {
    var y = [Double](repeating: 0, count: g.outputPixels * g.outputChannels)
    forEachTap(g) { yi, wi, xi in y[yi] += Double(x[xi]) * Double(weight[wi]) }
    if let bias {
      for i in y.indices { y[i] += Double(bias[i % g.outputChannels]) }
    }
    return y.map(Float.init)
  }

  /// dx = conv^T(dy, w).
  public static func backwardData(_ dy: [Float], weight: [Float], _ g: ConvGeometry) -> [Float] {
    var dx = [Double](repeating: 0, count: g.batch * g.inputHeight * g.inputWidth * g.inputChannels)
    forEachTap(g) { yi, wi, xi in dx[xi] += Double(dy[yi]) * Double(weight[wi]) }
    return dx.map(Float.init)
  }

  /// dw = dy^T · im2col(x).
  public static func backwardWeights(_ dy: [Float], input x: [Float], _ g: ConvGeometry)
    -> [Float]
  {
    var dw = [Double](
      repeating: 0, count: g.outputChannels * g.inputChannels * g.kernelHeight * g.kernelWidth)
    forEachTap(g) { yi, wi, xi in dw[wi] += Double(dy[yi]) * Double(x[xi]) }
    return dw.map(Float.init)
  }
}
