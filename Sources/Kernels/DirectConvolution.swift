import CConvKernels
import Dispatch

/// Convolution without im2col (CConvKernels' direct kernels), over NHWC activations.
///
/// Layouts as in `Convolution`: x (N, H, W, Cin), y (N, Ho, Wo, Cout), weight
/// (Cout, Cin, kh, kw). The kernels read the weight packed per pass in blocks of 16 lanes
/// (conv_kernels.h): (Cout / 16, kh, kw, Cin, 16) for forward, (Cin / 16, kh, kw, Cout, 16)
/// for backward-data, and write the weight gradient as (kh, kw, Cin, Cout), or as dw's own
/// (Cout, Cin) for a pointwise convolution (`backwardWeights`). Each output scalar is one fused
/// multiply-add chain in an order fixed by the shape (conv_kernels.h), so the bits depend on
/// neither the ISA nor `threads`.
public enum DirectConvolution {
  /// The threads the direct kernels split their outputs over (`KernelThreads.count`).
  public static var threads: Int {
    get { KernelThreads.count }
    set { KernelThreads.count = newValue }
  }

  private static let packedWeightSlot = 3
  private static let weightGradientSlot = 4

  /// An instruction set the kernels have a variant for.
  public enum ISA: String, CaseIterable, Sendable, CustomStringConvertible {
    case avx2
    case avx512

    public typealias RowKernel =
      @convention(c) (
        UnsafePointer<reid_conv_shape>?, UnsafePointer<Float>?, UnsafePointer<Float>?,
        UnsafeMutablePointer<Float>?, Int64, Int64
      ) -> Void

    /// The widest variant this CPU runs.
    public static let best: ISA = reid_cpu_has_avx512f() == 1 ? .avx512 : .avx2

    /// Whether this CPU runs the variant.
    public var isSupported: Bool { self == .avx2 || Self.best == .avx512 }

    public var description: String { self == .avx2 ? "AVX2" : "AVX-512" }

    /// y over output rows [begin, end) of the N * Ho rows.
    public var forward: RowKernel {
      self == .avx2 ? reid_conv_forward_avx2 : reid_conv_forward_avx512
    }

    /// A kernel over rows [begin, end) that adds to its output (last argument 1) or writes
    /// it as if added to zeros (0).
    public typealias AccumulatingRowKernel =
      @convention(c) (
        UnsafePointer<reid_conv_shape>?, UnsafePointer<Float>?, UnsafePointer<Float>?,
        UnsafeMutablePointer<Float>?, Int64, Int64, Int32
      ) -> Void

    /// dx (+)= over input rows [begin, end) of the N * H rows.
    public var backwardData: AccumulatingRowKernel {
      self == .avx2 ? reid_conv_backward_data_avx2 : reid_conv_backward_data_avx512
    }

    /// The packed weight gradient, work run `part` of `parts`.
    public var backwardWeights:
      @convention(c) (
        UnsafePointer<reid_conv_shape>?, UnsafePointer<Float>?, UnsafePointer<Float>?,
        UnsafeMutablePointer<Float>?, Int64, Int64
      ) -> Void
    {
      self == .avx2 ? reid_conv_backward_weights_avx2 : reid_conv_backward_weights_avx512
    }
  }

  /// Whether `pass` of `g` runs faster as im2col + sgemm (plain sgemm when `g` is pointwise):
  /// a fixed rule of the shape, never a timing, so a run's bits do not depend on the machine
  /// (`reid-bench --only direct,pointwise`, 2 threads; docs/benchmarks.md):
  /// - maps two or fewer pixels wide (Inception's Mixed_7a/7b/7c, 6x2): a 12-pixel register
  ///   block spans several rows and computes mostly padding, 80-110 GFLOPS against sgemm's
  ///   150-180 (Zen 4); the 1x1 convolutions there lose too on AVX2 (0.6-0.9 of sgemm, Zen 5
  ///   with `--isa avx2`);
  /// - strided backward-data: each block takes one residue of one row, a few pixels (Zen 4:
  ///   30-95 GFLOPS against 140-160; Zen 5 AVX2: 0.9 of im2col);
  /// - the weight gradient of a pointwise convolution: one long dot product per weight over
  ///   every pixel, where sgemm runs 1.5-1.8x faster on AVX2 (Zen 5 `--isa avx2`) and the
  ///   AVX-512 kernels only tie it. Their forward and input gradient run direct: 1.4-2x
  ///   sgemm's rate with AVX-512, 1.0-1.2x with AVX2.
  ///
  /// Since the 2026-12-07 kernels (lane-block groups, column blocks for 1x3) some of these run
  /// faster direct with AVX-512 (Mixed_7b's 1x3 forward, Mixed_6a's strided backward-data:
  /// 1.2-1.6x on Ice Lake and Zen 5) but not with AVX2 (0.9-1.1x), and the rule is one for
  /// every ISA: it changes a pass's bits.
  public static func prefersIm2col(_ g: ConvGeometry, _ pass: ConvolutionPass) -> Bool {
    g.outputWidth <= 2 || (pass == .backwardData && (g.strideH > 1 || g.strideW > 1))
      || (g.isPointwise && pass == .backwardWeights)
  }

  /// The kernels' description of a geometry.
  public static func shape(_ g: ConvGeometry) -> reid_conv_shape {
    reid_conv_shape(
      n: Int64(g.batch), h: Int64(g.inputHeight), w: Int64(g.inputWidth),
      cin: Int64(g.inputChannels), cout: Int64(g.outputChannels), kh: Int64(g.kernelHeight),
      kw: Int64(g.kernelWidth), stride_h: Int64(g.strideH), stride_w: Int64(g.strideW),
      pad_h: Int64(g.padH), pad_w: Int64(g.padW), dilation_h: Int64(g.dilationH),
      dilation_w: Int64(g.dilationW), ho: Int64(g.outputHeight), wo: Int64(g.outputWidth))
  }

  /// The scalars of the forward packing of a geometry's weight.
  public static func packedForwardCount(_ g: ConvGeometry) -> Int {
    withUnsafePointer(to: shape(g)) { Int(reid_conv_packed_forward_count($0)) }
  }

  /// The scalars of the backward-data packing of a geometry's weight.
  public static func packedBackwardDataCount(_ g: ConvGeometry) -> Int {
    withUnsafePointer(to: shape(g)) { Int(reid_conv_packed_backward_data_count($0)) }
  }

  /// weight (Cout, Cin, kh, kw) -> the forward kernels' blocks (Cout / 16, kh, kw, Cin, 16),
  /// on `threads` threads.
  public static func packForward(
    _ w: UnsafePointer<Float>, _ g: ConvGeometry, into packed: UnsafeMutablePointer<Float>
  ) {
    overParts(g, w, packed, reid_conv_pack_forward)
  }

  /// weight (Cout, Cin, kh, kw) -> the backward-data kernels' blocks
  /// (Cin / 16, kh, kw, Cout, 16), on `threads` threads.
  public static func packBackwardData(
    _ w: UnsafePointer<Float>, _ g: ConvGeometry, into packed: UnsafeMutablePointer<Float>
  ) {
    overParts(g, w, packed, reid_conv_pack_backward_data)
  }

  /// Runs a CConvKernels function that splits its work into `parts` runs (packing, the weight
  /// gradient's layout) on `threads` threads: O(weights) passes that, on one thread, took a
  /// tenth of a small map's convolution while the other core waited.
  private static func overParts(
    _ g: ConvGeometry, _ source: UnsafePointer<Float>, _ target: UnsafeMutablePointer<Float>,
    _ body:
      @convention(c) (
        UnsafePointer<reid_conv_shape>?, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?,
        Int64, Int64
      ) -> Void
  ) {
    let (s, parts) = (shape(g), max(1, threads))
    nonisolated(unsafe) let (source, target) = (source, target)
    KernelThreads.split(parts) { part in
      withUnsafePointer(to: s) { body($0, source, target, Int64(part), Int64(parts)) }
    }
  }

  /// Array forms of the packings, for tests and benchmarks.
  public static func packForward(_ w: [Float], _ g: ConvGeometry) -> [Float] {
    packed(w, count: packedForwardCount(g)) { packForward($0, g, into: $1) }
  }

  public static func packBackwardData(_ w: [Float], _ g: ConvGeometry) -> [Float] {
    packed(w, count: packedBackwardDataCount(g)) { packBackwardData($0, g, into: $1) }
  }

  /// weight (Cout, Cin, kh, kw) -> (kh, kw, Cin, Cout): the layout of the kernels' weight
  /// gradient.
  public static func weightGradientLayout(_ w: [Float], _ g: ConvGeometry) -> [Float] {
    let (cout, cin, kk) = (g.outputChannels, g.inputChannels, g.kernelHeight * g.kernelWidth)
    var out = [Float](repeating: 0, count: w.count)
    for o in 0..<cout {
      for c in 0..<cin {
        for t in 0..<kk { out[(t * cin + c) * cout + o] = w[(o * cin + c) * kk + t] }
      }
    }
    return out
  }

  private static func packed(
    _ w: [Float], count: Int,
    _ pack: (UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void
  ) -> [Float] {
    var out = [Float](repeating: 0, count: count)
    w.withUnsafeBufferPointer { source in
      out.withUnsafeMutableBufferPointer { target in
        if let s = source.baseAddress, let t = target.baseAddress { pack(s, t) }
      }
    }
    return out
  }

  /// Runs `kernel(shape, begin, end)`, a row kernel of `g`, over `rows` rows on `threads`
  /// threads.
  static func run(
    _ g: ConvGeometry, rows: Int,
    _ kernel: @Sendable (UnsafePointer<reid_conv_shape>, Int64, Int64) -> Void
  ) {
    let s = shape(g)
    KernelThreads.overRows(rows) { begin, end in
      withUnsafePointer(to: s) { kernel($0, begin, end) }
    }
  }

  /// Forward: y (N, Ho, Wo, Cout) = conv(x, w) + bias (Cout).
  public static func forward(
    _ x: UnsafePointer<Float>, weight w: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
    _ g: ConvGeometry, output y: UnsafeMutablePointer<Float>, workspace: Workspace = .shared,
    isa: ISA = .best
  ) {
    let packed = workspace.scratch(packedWeightSlot, count: packedForwardCount(g))
    packForward(w, g, into: packed)
    let kernel = isa.forward
    nonisolated(unsafe) let (x, weight, y) = (x, UnsafePointer(packed), y)
    run(g, rows: g.batch * g.outputHeight) { s, begin, end in kernel(s, x, weight, y, begin, end) }
    if let bias {
      Convolution.addBias(bias, to: y, rows: g.outputPixels, channels: g.outputChannels)
    }
  }

  /// Backward-data: dx (N, H, W, Cin) += conv^T(dy (N, Ho, Wo, Cout), w); without
  /// `accumulate`, dx = 0 + conv^T(...), the bits of accumulating into a zeroed dx, with dx
  /// neither zeroed nor read.
  public static func backwardData(
    _ dy: UnsafePointer<Float>, weight w: UnsafePointer<Float>, _ g: ConvGeometry,
    inputGradient dx: UnsafeMutablePointer<Float>, accumulate: Bool = true,
    workspace: Workspace = .shared, isa: ISA = .best
  ) {
    let packed = workspace.scratch(packedWeightSlot, count: packedBackwardDataCount(g))
    packBackwardData(w, g, into: packed)
    let (kernel, mode) = (isa.backwardData, Int32(accumulate ? 1 : 0))
    nonisolated(unsafe) let (dy, weight, dx) = (dy, UnsafePointer(packed), dx)
    run(g, rows: g.batch * g.inputHeight) { s, begin, end in
      kernel(s, dy, weight, dx, begin, end, mode)
    }
  }

  /// Backward-weights, accumulating: dw (Cout, Cin, kh, kw) += the weight gradient, and
  /// dbias (Cout) += the sum of dy over pixels.
  public static func backwardWeights(
    _ dy: UnsafePointer<Float>, input x: UnsafePointer<Float>, _ g: ConvGeometry,
    weightGradient dw: UnsafeMutablePointer<Float>,
    biasGradient dbias: UnsafeMutablePointer<Float>?,
    workspace: Workspace = .shared, isa: ISA = .best
  ) {
    let cout = g.outputChannels
    if let dbias { Convolution.sumRows(dy, rows: g.outputPixels, channels: cout, into: dbias) }
    let packed = workspace.scratch(weightGradientSlot, count: cout * g.patchSize)
    // A pointwise convolution's weight gradient, dw[o][c] = sum over pixels of dy[o] * x[c],
    // is the kernels' (Cin, Cout) result with x and dy (and Cin and Cout) swapped: written
    // that way it is already dw's (Cout, Cin) layout, and adding it to dw is a contiguous sum
    // where the (kh, kw, Cin, Cout) layout needs a transpose (which took three times the
    // kernel's own time on Inception's 6x2 maps, 2048 -> 448 channels). Every chain keeps its
    // terms and their order, and fma(a, b, c) == fma(b, a, c): the same bits.
    let transposed = g.isPointwise
    let s = transposed ? swappedChannels(shape(g)) : shape(g)
    let (kernel, parts) = (isa.backwardWeights, max(1, threads))
    nonisolated(unsafe) let (input, gradient, output) =
      transposed ? (dy, x, packed) : (x, dy, packed)
    KernelThreads.split(parts) { part in
      withUnsafePointer(to: s) { kernel($0, input, gradient, output, Int64(part), Int64(parts)) }
    }
    if transposed {
      nonisolated(unsafe) let (source, target) = (UnsafePointer(packed), dw)
      KernelThreads.overRows(cout * g.patchSize, width: 1) { range in
        ElementwiseKernels.accumulate(
          source + range.lowerBound, into: target + range.lowerBound, count: range.count)
      }
    } else {
      overParts(g, UnsafePointer(packed), dw, reid_conv_add_weight_gradient)
    }
  }

  /// s with its input and output channel counts swapped.
  private static func swappedChannels(_ s: reid_conv_shape) -> reid_conv_shape {
    var swapped = s
    (swapped.cin, swapped.cout) = (s.cout, s.cin)
    return swapped
  }
}
