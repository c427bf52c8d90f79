/// Convolution as GEMMs over NHWC activations (Caffe's `base_conv_layer`, in NHWC).
///
/// Layouts: x (N, H, W, Cin), y (N, Ho, Wo, Cout), weight (Cout, Cin, kh, kw) as PyTorch stores
/// it. With M = N * Ho * Wo output pixels and K = kh * kw * Cin:
/// - forward:           y (M, Cout)   = cols (M, K) · Wp(Cout, K)^T
/// - backward-data:     dcols (M, K)  = dy (M, Cout) · Wp (Cout, K), then col2im into dx
/// - backward-weights:  dWp (Cout, K) += dy^T · cols
/// where Wp is the weight permuted to (Cout, kh, kw, Cin) to match the column order. A
/// pointwise convolution (1x1, stride 1, no padding) skips im2col: x is already cols, and
/// needs no permutation. Other convolutions walk the M pixels in chunks so that the columns
/// stay within `Convolution.columnBudget` scalars.
public enum Convolution {
  /// The largest im2col chunk, in scalars (16 MiB), unless one row is larger.
  public nonisolated(unsafe) static var columnBudget = 4 << 20

  private static let columnsSlot = 0
  private static let weightSlot = 1
  private static let weightGradientSlot = 2

  /// The rows of each im2col chunk.
  static func chunkRows(_ g: ConvGeometry) -> Int {
    max(1, min(g.outputPixels, columnBudget / g.patchSize))
  }

  /// Permutes w (Cout, Cin, kh, kw) into wp (Cout, kh, kw, Cin).
  static func permuteWeight(
    _ w: UnsafePointer<Float>, _ g: ConvGeometry, into wp: UnsafeMutablePointer<Float>
  ) {
    let (cin, kk) = (g.inputChannels, g.kernelHeight * g.kernelWidth)
    for o in 0..<g.outputChannels {
      for c in 0..<cin {
        for t in 0..<kk { wp[(o * kk + t) * cin + c] = w[(o * cin + c) * kk + t] }
      }
    }
  }

  /// Forward: y (N, Ho, Wo, Cout) = conv(x (N, H, W, Cin), w (Cout, Cin, kh, kw)) + bias (Cout).
  public static func forward(
    _ x: UnsafePointer<Float>, weight w: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
    _ g: ConvGeometry, output y: UnsafeMutablePointer<Float>, workspace: Workspace = .shared
  ) {
    let (m, cout, k) = (g.outputPixels, g.outputChannels, g.patchSize)
    if g.isPointwise {
      BLAS.sgemm(.none, .transposed, m: m, n: cout, k: k, a: x, b: w, c: y)
    } else {
      let wp = workspace.scratch(weightSlot, count: cout * k)
      permuteWeight(w, g, into: wp)
      let chunk = chunkRows(g)
      let cols = workspace.scratch(columnsSlot, count: chunk * k)
      for start in stride(from: 0, to: m, by: chunk) {
        let rows = start..<min(m, start + chunk)
        Im2col.im2col(x, g, rows: rows, into: cols)
        BLAS.sgemm(
          .none, .transposed, m: rows.count, n: cout, k: k, a: cols, b: wp, c: y + start * cout)
      }
    }
    if let bias { addBias(bias, to: y, rows: m, channels: cout) }
  }

  /// Backward-data, accumulating: dx (N, H, W, Cin) += conv^T(dy (N, Ho, Wo, Cout), w).
  public static func backwardData(
    _ dy: UnsafePointer<Float>, weight w: UnsafePointer<Float>, _ g: ConvGeometry,
    inputGradient dx: UnsafeMutablePointer<Float>, workspace: Workspace = .shared
  ) {
    let (m, cout, k) = (g.outputPixels, g.outputChannels, g.patchSize)
    if g.isPointwise {
      BLAS.sgemm(.none, .none, m: m, n: k, k: cout, a: dy, b: w, beta: 1, c: dx)
      return
    }
    let wp = workspace.scratch(weightSlot, count: cout * k)
    permuteWeight(w, g, into: wp)
    let chunk = chunkRows(g)
    let dcols = workspace.scratch(columnsSlot, count: chunk * k)
    for start in stride(from: 0, to: m, by: chunk) {
      let rows = start..<min(m, start + chunk)
      BLAS.sgemm(.none, .none, m: rows.count, n: k, k: cout, a: dy + start * cout, b: wp, c: dcols)
      Im2col.col2imAccumulate(dcols, g, rows: rows, into: dx)
    }
  }

  /// Backward-weights, accumulating: dw (Cout, Cin, kh, kw) += dy^T · im2col(x), and
  /// dbias (Cout) += the sum of dy over pixels.
  public static func backwardWeights(
    _ dy: UnsafePointer<Float>, input x: UnsafePointer<Float>, _ g: ConvGeometry,
    weightGradient dw: UnsafeMutablePointer<Float>,
    biasGradient dbias: UnsafeMutablePointer<Float>?,
    workspace: Workspace = .shared
  ) {
    let (m, cout, k) = (g.outputPixels, g.outputChannels, g.patchSize)
    if let dbias { sumRows(dy, rows: m, channels: cout, into: dbias) }
    if g.isPointwise {
      BLAS.sgemm(.transposed, .none, m: cout, n: k, k: m, a: dy, b: x, beta: 1, c: dw)
      return
    }
    let dwp = workspace.scratch(weightGradientSlot, count: cout * k)
    let chunk = chunkRows(g)
    let cols = workspace.scratch(columnsSlot, count: chunk * k)
    for start in stride(from: 0, to: m, by: chunk) {
      let rows = start..<min(m, start + chunk)
      Im2col.im2col(x, g, rows: rows, into: cols)
      BLAS.sgemm(
        .transposed, .none, m: cout, n: k, k: rows.count, a: dy + start * cout, b: cols,
        beta: start == 0 ? 0 : 1, c: dwp)
    }
    let (cin, kk) = (g.inputChannels, g.kernelHeight * g.kernelWidth)
    for o in 0..<cout {
      for c in 0..<cin {
        for t in 0..<kk { dw[(o * cin + c) * kk + t] += dwp[(o * kk + t) * cin + c] }
      }
    }
  }

  /// y (rows, C) += bias (C) on every row.
  static func addBias(
    _ bias: UnsafePointer<Float>, to y: UnsafeMutablePointer<Float>, rows: Int, channels: Int
  ) {
    for r in 0..<rows {
      let row = y + r * channels
      for c in 0..<channels { row[c] += bias[c] }
    }
  }

  /// out (C) += the column sums of a (rows, C), in row order.
  static func sumRows(
    _ a: UnsafePointer<Float>, rows: Int, channels: Int, into out: UnsafeMutablePointer<Float>
  ) {
    for r in 0..<rows {
      let row = a + r * channels
      for c in 0..<channels { out[c] += row[c] }
    }
  }
}
