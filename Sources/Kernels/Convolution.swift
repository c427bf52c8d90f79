/// Convolution as GEMMs over NHWC activations (Caffe's `base_conv_layer`, in NHWC), or, when
/// `algorithm` is `.direct`, the direct kernels of `DirectConvolution` on every pass that
/// `DirectConvolution.prefersIm2col` does not name.
///
/// Layouts: x (N, H, W, Cin), y (N, Ho, Wo, Cout), weight (Cout, Cin, kh, kw) as PyTorch stores
/// it. With M = N * Ho * Wo output pixels and K = kh * kw * Cin:
/// - forward:           y (M, Cout)   = cols (M, K) · Wp(Cout, K)^T
/// - backward-data:     dcols (M, K)  = dy (M, Cout) · Wp (Cout, K), then col2im into dx
/// - backward-weights:  dWp (Cout, K) += dy^T · cols
/// where Wp is the weight permuted to (Cout, kh, kw, Cin) to match the column order. A
/// pointwise convolution (1x1, stride 1, no padding) skips im2col: x is already cols, and
/// needs no permutation. Other convolutions walk the M pixels in chunks so that the columns
/// stay within `Convolution.columnBudget` scalars. When M <= Cout (late, small maps) the
/// columns are gathered channel-major instead, in the weight's own (Cin, kh, kw) order, so no
/// pass permutes the weight or its gradient (see `Im2col.im2colChannelMajor`).
public enum Convolution {
  /// The largest im2col chunk, in scalars (4 MiB), unless one row is larger.
  ///
  /// Measured with `reid-bench --only conv --column-budget N` (docs/benchmarks.md): 4 MiB
  /// chunks, which sgemm reads back from cache, beat 16 MiB ones on most 3x3/5x5/7x7 shapes;
  /// 1 MiB chunks make the GEMMs too small (DenseNet's 3x3 backward-weights halves).
  public nonisolated(unsafe) static var columnBudget = 1 << 20

  /// How convolutions run (`blas.conv`).
  public nonisolated(unsafe) static var algorithm = ConvolutionAlgorithm.direct

  /// Whether `pass` of `g` runs on the direct kernels: under `.direct`, every pass of every
  /// convolution, pointwise ones included, except those `DirectConvolution.prefersIm2col`
  /// names.
  public static func usesDirectKernels(_ g: ConvGeometry, _ pass: ConvolutionPass) -> Bool {
    algorithm == .direct && !DirectConvolution.prefersIm2col(g, pass)
  }

  /// Threads that gather im2col columns (experimental).
  public nonisolated(unsafe) static var im2colThreads = 1

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
    // Sequential writes, strided reads within one output channel's (Cin, kk) block.
    for o in 0..<g.outputChannels {
      let (source, target) = (w + o * cin * kk, wp + o * cin * kk)
      for t in 0..<kk {
        let row = target + t * cin
        for c in 0..<cin { row[c] = source[c * kk + t] }
      }
    }
  }

  /// Forward: y (N, Ho, Wo, Cout) = conv(x (N, H, W, Cin), w (Cout, Cin, kh, kw)) + bias (Cout).
  public static func forward(
    _ x: UnsafePointer<Float>, weight w: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
    _ g: ConvGeometry, output y: UnsafeMutablePointer<Float>, workspace: Workspace = .shared
  ) {
    if usesDirectKernels(g, .forward) {
      DirectConvolution.forward(x, weight: w, bias: bias, g, output: y, workspace: workspace)
      return
    }
    let (m, cout, k) = (g.outputPixels, g.outputChannels, g.patchSize)
    if g.isPointwise {
      BLAS.sgemm(.none, .transposed, m: m, n: cout, k: k, a: x, b: w, c: y)
    } else if usesChannelMajorColumns(g) {
      let chunk = chunkRows(g)
      let cols = workspace.scratch(columnsSlot, count: chunk * k)
      for start in stride(from: 0, to: m, by: chunk) {
        let rows = start..<min(m, start + chunk)
        Im2col.im2colChannelMajor(x, g, rows: rows, into: cols)
        BLAS.sgemm(
          .none, .transposed, m: rows.count, n: cout, k: k, a: cols, b: w, c: y + start * cout)
      }
    } else {
      let wp = workspace.scratch(weightSlot, count: cout * k)
      permuteWeight(w, g, into: wp)
      gemmOverColumns(x, permutedWeight: wp, g, accumulate: false, output: y, workspace: workspace)
    }
    if let bias { addBias(bias, to: y, rows: m, channels: cout) }
  }

  /// Whether the columns are gathered channel-major: when there are no more output pixels
  /// than output channels, gathering M * K scalars in the weight's order is cheaper than
  /// permuting the Cout * K weight (or its gradient).
  static func usesChannelMajorColumns(_ g: ConvGeometry) -> Bool {
    !g.isPointwise && g.outputPixels <= g.outputChannels
  }

  /// y (M, Cout) (+)= im2col(x) (M, K) · wp (Cout, K)^T, chunk by chunk.
  static func gemmOverColumns(
    _ x: UnsafePointer<Float>, permutedWeight wp: UnsafePointer<Float>, _ g: ConvGeometry,
    accumulate: Bool, output y: UnsafeMutablePointer<Float>, workspace: Workspace
  ) {
    let (m, cout, k) = (g.outputPixels, g.outputChannels, g.patchSize)
    let chunk = chunkRows(g)
    let cols = workspace.scratch(columnsSlot, count: chunk * k)
    for start in stride(from: 0, to: m, by: chunk) {
      let rows = start..<min(m, start + chunk)
      Im2col.im2colParallel(x, g, rows: rows, into: cols, parts: im2colThreads)
      BLAS.sgemm(
        .none, .transposed, m: rows.count, n: cout, k: k, a: cols, b: wp,
        beta: accumulate ? 1 : 0, c: y + start * cout)
    }
  }

  /// Backward-data: dx (N, H, W, Cin) += conv^T(dy (N, Ho, Wo, Cout), w); without
  /// `accumulate`, dx is overwritten with the bits that accumulating into a zeroed dx gives:
  /// the direct kernels and the pointwise sgemm (beta 0, which OpenBLAS runs as zeroing C and
  /// then adding, as beta 1 on zeros) skip the zero fill, the im2col routes zero dx first.
  ///
  /// Three routes: a pointwise convolution is one GEMM; a stride-1 convolution with fewer
  /// output than input channels (DenseNet's 3x3 growth layers: 128 -> 32) runs as the forward
  /// convolution of dy with the flipped, transposed kernel, whose columns are Cout wide instead
  /// of Cin; anything else computes Cin-wide columns and scatters them with col2im.
  public static func backwardData(
    _ dy: UnsafePointer<Float>, weight w: UnsafePointer<Float>, _ g: ConvGeometry,
    inputGradient dx: UnsafeMutablePointer<Float>, accumulate: Bool = true,
    workspace: Workspace = .shared
  ) {
    if usesDirectKernels(g, .backwardData) {
      DirectConvolution.backwardData(
        dy, weight: w, g, inputGradient: dx, accumulate: accumulate, workspace: workspace)
      return
    }
    let (m, cout, k) = (g.outputPixels, g.outputChannels, g.patchSize)
    if g.isPointwise {
      BLAS.sgemm(.none, .none, m: m, n: k, k: cout, a: dy, b: w, beta: accumulate ? 1 : 0, c: dx)
      return
    }
    if !accumulate { dx.zeroFill(count: g.batch * g.inputHeight * g.inputWidth * g.inputChannels) }
    if usesChannelMajorColumns(g) {
      let chunk = chunkRows(g)
      let dcols = workspace.scratch(columnsSlot, count: chunk * k)
      for start in stride(from: 0, to: m, by: chunk) {
        let rows = start..<min(m, start + chunk)
        BLAS.sgemm(
          .none, .none, m: rows.count, n: k, k: cout, a: dy + start * cout, b: w, c: dcols)
        Im2col.col2imChannelMajorAccumulate(dcols, g, rows: rows, into: dx)
      }
      return
    }
    if let t = transposedGeometry(g), cout < g.inputChannels {
      let wt = workspace.scratch(weightSlot, count: cout * k)
      flipTransposeWeight(w, g, into: wt)
      gemmOverColumns(dy, permutedWeight: wt, t, accumulate: true, output: dx, workspace: workspace)
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

  /// The geometry of the convolution that computes the input gradient of a stride-1
  /// convolution from dy: Cout -> Cin channels over the Ho x Wo map, padding
  /// dilation * (k - 1) - pad, so that its output is H x W; nil for strided convolutions and
  /// for paddings wider than the kernel's reach.
  static func transposedGeometry(_ g: ConvGeometry) -> ConvGeometry? {
    let padH = g.dilationH * (g.kernelHeight - 1) - g.padH
    let padW = g.dilationW * (g.kernelWidth - 1) - g.padW
    guard g.strideH == 1 && g.strideW == 1 && padH >= 0 && padW >= 0 else { return nil }
    return ConvGeometry(
      batch: g.batch, inputHeight: g.outputHeight, inputWidth: g.outputWidth,
      inputChannels: g.outputChannels, outputChannels: g.inputChannels,
      kernel: (g.kernelHeight, g.kernelWidth), padding: (padH, padW),
      dilation: (g.dilationH, g.dilationW))
  }

  /// wt (Cin, kh, kw, Cout) with wt[c][i][j][o] = w[o][c][kh-1-i][kw-1-j]: the kernel of the
  /// transposed convolution, already in column order.
  static func flipTransposeWeight(
    _ w: UnsafePointer<Float>, _ g: ConvGeometry, into wt: UnsafeMutablePointer<Float>
  ) {
    let (cin, cout, kh, kw) = (g.inputChannels, g.outputChannels, g.kernelHeight, g.kernelWidth)
    for c in 0..<cin {
      for i in 0..<kh {
        for j in 0..<kw {
          let row = wt + ((c * kh + i) * kw + j) * cout
          let source = (kh - 1 - i) * kw + (kw - 1 - j)
          for o in 0..<cout { row[o] = w[(o * cin + c) * kh * kw + source] }
        }
      }
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
    if usesDirectKernels(g, .backwardWeights) {
      DirectConvolution.backwardWeights(
        dy, input: x, g, weightGradient: dw, biasGradient: dbias, workspace: workspace)
      return
    }
    let (m, cout, k) = (g.outputPixels, g.outputChannels, g.patchSize)
    if let dbias { sumRows(dy, rows: m, channels: cout, into: dbias) }
    if g.isPointwise {
      BLAS.sgemm(.transposed, .none, m: cout, n: k, k: m, a: dy, b: x, beta: 1, c: dw)
      return
    }
    if usesChannelMajorColumns(g) {
      let chunk = chunkRows(g)
      let cols = workspace.scratch(columnsSlot, count: chunk * k)
      for start in stride(from: 0, to: m, by: chunk) {
        let rows = start..<min(m, start + chunk)
        Im2col.im2colChannelMajor(x, g, rows: rows, into: cols)
        BLAS.sgemm(
          .transposed, .none, m: cout, n: k, k: rows.count, a: dy + start * cout, b: cols,
          beta: 1, c: dw)
      }
      return
    }
    let dwp = workspace.scratch(weightGradientSlot, count: cout * k)
    let chunk = chunkRows(g)
    let cols = workspace.scratch(columnsSlot, count: chunk * k)
    for start in stride(from: 0, to: m, by: chunk) {
      let rows = start..<min(m, start + chunk)
      Im2col.im2colParallel(x, g, rows: rows, into: cols, parts: im2colThreads)
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
