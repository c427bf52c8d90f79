import CConvKernels
import Kernels
import TensorCore
import XCTest
import _TestSupport

/// The direct convolution kernels (CConvKernels): forward, backward-data and backward-weights.
/// Each ISA variant has the bits of the exact-order scalar reference, whatever rows (or work
/// items) each call covers, and the reference is close to the double-precision naive
/// convolution. Where the CPU has AVX-512, its variant is checked too, so AVX2 and AVX-512
/// builds are bit-identical.
final class DirectConvolutionTests: XCTestCase {
  /// The shapes of both backbones' kernels, small: 3x3 (stride 1 and 2, dilation 2), 1x7,
  /// 7x1, 1x3, 3x1, 5x5, DenseNet's 7x7 stride 2 and 1x1; channels with and without vector tails,
  /// one to seven lane blocks, rows wider and narrower than a register block.
  static let geometries: [ConvGeometry] = [
    ConvGeometry(
      batch: 2, inputHeight: 9, inputWidth: 7, inputChannels: 17, outputChannels: 32,
      kernel: (3, 3), padding: (1, 1)),
    ConvGeometry(
      batch: 1, inputHeight: 6, inputWidth: 30, inputChannels: 26, outputChannels: 48,
      kernel: (3, 3), padding: (1, 1)),
    ConvGeometry(
      batch: 1, inputHeight: 11, inputWidth: 9, inputChannels: 8, outputChannels: 40,
      kernel: (3, 3), stride: (2, 2)),
    ConvGeometry(
      batch: 1, inputHeight: 12, inputWidth: 31, inputChannels: 16, outputChannels: 32,
      kernel: (3, 3), stride: (2, 2), padding: (1, 1)),
    ConvGeometry(
      batch: 1, inputHeight: 10, inputWidth: 8, inputChannels: 16, outputChannels: 16,
      kernel: (3, 3), padding: (2, 2), dilation: (2, 2)),
    ConvGeometry(
      batch: 2, inputHeight: 6, inputWidth: 13, inputChannels: 12, outputChannels: 24,
      kernel: (1, 7), padding: (0, 3)),
    ConvGeometry(
      batch: 1, inputHeight: 13, inputWidth: 5, inputChannels: 12, outputChannels: 19,
      kernel: (7, 1), padding: (3, 0)),
    ConvGeometry(
      batch: 1, inputHeight: 5, inputWidth: 6, inputChannels: 32, outputChannels: 48,
      kernel: (1, 3), padding: (0, 1)),
    ConvGeometry(
      batch: 1, inputHeight: 6, inputWidth: 5, inputChannels: 32, outputChannels: 48,
      kernel: (3, 1), padding: (1, 0)),
    ConvGeometry(
      batch: 1, inputHeight: 12, inputWidth: 10, inputChannels: 6, outputChannels: 16,
      kernel: (5, 5), padding: (2, 2)),
    ConvGeometry(
      batch: 1, inputHeight: 20, inputWidth: 14, inputChannels: 3, outputChannels: 8,
      kernel: (7, 7), stride: (2, 2), padding: (3, 3)),
    // Many lane blocks, so that AVX-512 groups them (block_plan): 7 forward (groups of 4, a
    // narrower last group, a partial last block), 5 backward-data; 6 and 3 (groups of 3);
    // strided backward-data over 5.
    ConvGeometry(
      batch: 1, inputHeight: 7, inputWidth: 9, inputChannels: 72, outputChannels: 100,
      kernel: (3, 3), padding: (1, 1)),
    ConvGeometry(
      batch: 2, inputHeight: 5, inputWidth: 6, inputChannels: 40, outputChannels: 96,
      kernel: (1, 7), padding: (0, 3)),
    ConvGeometry(
      batch: 1, inputHeight: 9, inputWidth: 11, inputChannels: 70, outputChannels: 64,
      kernel: (3, 3), stride: (2, 2), padding: (1, 1)),
    // Packed weights past SWEEP_WEIGHT_BYTES (384 KiB) in both packings, so that forward and
    // backward-data sweep over the pixels once per group of lane blocks; stride 1 and 2.
    ConvGeometry(
      batch: 1, inputHeight: 5, inputWidth: 4, inputChannels: 112, outputChannels: 100,
      kernel: (3, 3), padding: (1, 1)),
    ConvGeometry(
      batch: 1, inputHeight: 7, inputWidth: 9, inputChannels: 112, outputChannels: 100,
      kernel: (3, 3), stride: (2, 2), padding: (1, 1)),
    // Large enough that backward-weights runs its items over several segments of rows (10 KiB
    // a row against 384 KiB segments: 38, 38 and 4 rows), splitting an image between segments.
    ConvGeometry(
      batch: 2, inputHeight: 40, inputWidth: 40, inputChannels: 24, outputChannels: 40,
      kernel: (3, 3), padding: (1, 1)),
    // The same with stride 2 (10.1 KiB a row: 38 and 4 rows), so that the rows of x that
    // backward-weights repacks per segment follow the stride across an image's end.
    ConvGeometry(
      batch: 2, inputHeight: 41, inputWidth: 37, inputChannels: 24, outputChannels: 40,
      kernel: (3, 3), stride: (2, 2), padding: (1, 1)),
    // Pointwise (1x1, stride 1), whose forward and input gradient training runs direct: a
    // partial lane block on both sides, blocks of pixels across row and image ends; and
    // three groups of lane blocks over a 5-pixel-wide map.
    ConvGeometry(
      batch: 2, inputHeight: 5, inputWidth: 7, inputChannels: 37, outputChannels: 20,
      kernel: (1, 1)),
    ConvGeometry(
      batch: 1, inputHeight: 4, inputWidth: 5, inputChannels: 96, outputChannels: 48,
      kernel: (1, 1)),
    // Pointwise over two segments of backward-weights' rows (11.5 KiB a row: 33 and 15 rows,
    // the second image split between them), whose pixel runs go on across row and image ends.
    ConvGeometry(
      batch: 2, inputHeight: 24, inputWidth: 20, inputChannels: 64, outputChannels: 80,
      kernel: (1, 1)),
    // RGB stems, whose weight gradient runs over row patches (cout a multiple of 16): 7x7/2
    // with padding, 3x3/2 without; and 7x7/2 over two segments (7.4 KiB a row: 52 and 44
    // rows).
    ConvGeometry(
      batch: 2, inputHeight: 19, inputWidth: 13, inputChannels: 3, outputChannels: 32,
      kernel: (7, 7), stride: (2, 2), padding: (3, 3)),
    ConvGeometry(
      batch: 1, inputHeight: 15, inputWidth: 11, inputChannels: 3, outputChannels: 32,
      kernel: (3, 3), stride: (2, 2)),
    ConvGeometry(
      batch: 2, inputHeight: 96, inputWidth: 64, inputChannels: 3, outputChannels: 16,
      kernel: (7, 7), stride: (2, 2), padding: (3, 3)),
  ]

  typealias RowKernel = (
    UnsafePointer<reid_conv_shape>?, UnsafePointer<Float>?, UnsafePointer<Float>?,
    UnsafeMutablePointer<Float>?, Int64, Int64
  ) -> Void

  /// One geometry's operands: x, dy, and the weight (Cout, Cin, kh, kw) with its two packings.
  struct Operands {
    var g: ConvGeometry
    var x: [Float]
    var dy: [Float]
    var weight: [Float]
    var forwardWeight: [Float]
    var backwardWeight: [Float]
    var shape: reid_conv_shape

    init(_ g: ConvGeometry, seed: UInt64) {
      self.g = g
      x =
        Fixtures.uniform(
          Shape(g.batch, g.inputHeight, g.inputWidth, g.inputChannels), seed: seed
        ).scalars
      dy =
        Fixtures.uniform(
          Shape(g.batch, g.outputHeight, g.outputWidth, g.outputChannels), seed: seed + 50
        ).scalars
      weight =
        Fixtures.uniform(
          Shape(g.outputChannels, g.inputChannels, g.kernelHeight, g.kernelWidth), seed: seed + 100
        ).scalars
      forwardWeight = DirectConvolution.packForward(weight, g)
      backwardWeight = DirectConvolution.packBackwardData(weight, g)
      shape = DirectConvolution.shape(g)
    }
  }

  /// The ISA variants this CPU runs.
  static var isas: [DirectConvolution.ISA] {
    reid_cpu_has_avx512f() == 1 ? [.avx2, .avx512] : [.avx2]
  }

  /// Row ranges: all at once, and three uneven calls.
  func splits(_ rows: Int) -> [[Range<Int>]] {
    [[0..<rows], [0..<1, 1..<rows / 2, rows / 2..<rows]]
  }

  func run(
    _ kernel: RowKernel, _ s: reid_conv_shape, input: [Float], weight: [Float], count: Int,
    initial: Float, splits: [Range<Int>]
  ) -> [Float] {
    var s = s
    var out = [Float](repeating: initial, count: count)
    for rows in splits {
      kernel(&s, input, weight, &out, Int64(rows.lowerBound), Int64(rows.upperBound))
    }
    return out
  }

  func assertClose(_ a: [Float], _ b: [Float], tolerance: Float, _ message: String) {
    XCTAssertEqual(a.count, b.count, message)
    for i in a.indices where abs(a[i] - b[i]) > tolerance {
      XCTFail("\(message) at \(i): \(a[i]) vs \(b[i])")
      return
    }
  }

  func testForwardVariantsHaveTheReferenceBits() {
    for (index, g) in Self.geometries.enumerated() {
      let op = Operands(g, seed: UInt64(index))
      let rows = g.batch * g.outputHeight
      let count = g.outputPixels * g.outputChannels
      let reference = run(
        reid_conv_forward_reference, op.shape, input: op.x, weight: op.forwardWeight,
        count: count, initial: .nan, splits: [0..<rows])
      assertClose(
        reference, ConvolutionReference.forward(op.x, weight: op.weight, bias: nil, g),
        tolerance: 1e-6 * Float(g.patchSize), "forward \(g)")
      for isa in Self.isas {
        for split in splits(rows) {
          let y = run(
            isa.forward, op.shape, input: op.x, weight: op.forwardWeight, count: count,
            initial: .nan, splits: split)
          XCTAssertEqual(y.map(\.bitPattern), reference.map(\.bitPattern), "\(isa) \(g) \(split)")
        }
      }
    }
  }

  func testBackwardDataVariantsHaveTheReferenceBits() {
    for (index, g) in Self.geometries.enumerated() {
      let op = Operands(g, seed: UInt64(index))
      let rows = g.batch * g.inputHeight
      let count = rows * g.inputWidth * g.inputChannels
      // Accumulating into 0.5 everywhere: dx += the chain, not dx = the chain.
      let reference = run(
        { reid_conv_backward_data_reference($0, $1, $2, $3, $4, $5, 1) }, op.shape,
        input: op.dy, weight: op.backwardWeight, count: count, initial: 0.5, splits: [0..<rows])
      // Not accumulating: every scalar as if added to zeros, whatever dx held (NaN here).
      let intoZeros = run(
        { reid_conv_backward_data_reference($0, $1, $2, $3, $4, $5, 1) }, op.shape,
        input: op.dy, weight: op.backwardWeight, count: count, initial: 0, splits: [0..<rows])
      let overwritten = run(
        { reid_conv_backward_data_reference($0, $1, $2, $3, $4, $5, 0) }, op.shape,
        input: op.dy, weight: op.backwardWeight, count: count, initial: .nan, splits: [0..<rows])
      XCTAssertEqual(
        overwritten.map(\.bitPattern), intoZeros.map(\.bitPattern), "reference overwrite \(g)")
      let naive = ConvolutionReference.backwardData(op.dy, weight: op.weight, g).map { $0 + 0.5 }
      assertClose(
        reference, naive, tolerance: 1e-6 * Float(g.patchSize * g.outputChannels),
        "backward-data \(g)")
      for isa in Self.isas {
        let kernel = isa.backwardData
        for split in splits(rows) {
          let dx = run(
            { kernel($0, $1, $2, $3, $4, $5, 1) }, op.shape, input: op.dy,
            weight: op.backwardWeight, count: count, initial: 0.5, splits: split)
          XCTAssertEqual(
            dx.map(\.bitPattern), reference.map(\.bitPattern), "\(isa) \(g) \(split)")
          let fresh = run(
            { kernel($0, $1, $2, $3, $4, $5, 0) }, op.shape, input: op.dy,
            weight: op.backwardWeight, count: count, initial: .nan, splits: split)
          XCTAssertEqual(
            fresh.map(\.bitPattern), intoZeros.map(\.bitPattern), "\(isa) \(g) \(split) fresh")
        }
      }
    }
  }

  /// `DirectConvolution.backwardWeights` runs a pointwise convolution's kernels with x and dy
  /// swapped, writing dw's own layout: its dw has the bits of adding the reference's chains
  /// in their usual (kh, kw, Cin, Cout) layout, on every ISA and thread count.
  func testPointwiseWeightGradientAddsTheReferenceChains() {
    let saved = DirectConvolution.threads
    defer { DirectConvolution.threads = saved }
    for (index, g) in Self.geometries.enumerated() where g.isPointwise {
      let op = Operands(g, seed: UInt64(index))
      var s = op.shape
      var chains = [Float](repeating: .nan, count: op.weight.count)
      reid_conv_backward_weights_reference(&s, op.x, op.dy, &chains)
      let (cin, cout) = (g.inputChannels, g.outputChannels)
      let initial = Fixtures.uniform(Shape(cout, cin, 1, 1), seed: UInt64(index) + 200).scalars
      var expected = initial
      for o in 0..<cout {
        for c in 0..<cin { expected[o * cin + c] += chains[c * cout + o] }
      }
      for isa in Self.isas {
        for threads in [1, 2, 3] {
          DirectConvolution.threads = threads
          var dw = initial
          DirectConvolution.backwardWeights(
            op.dy, input: op.x, g, weightGradient: &dw, biasGradient: nil, isa: isa)
          XCTAssertEqual(
            dw.map(\.bitPattern), expected.map(\.bitPattern), "\(isa) \(g) threads \(threads)")
        }
      }
    }
  }

  func testBackwardWeightsVariantsHaveTheReferenceBitsForAnySplit() {
    for (index, g) in Self.geometries.enumerated() {
      let op = Operands(g, seed: UInt64(index))
      var s = op.shape
      var reference = [Float](repeating: .nan, count: op.weight.count)
      reid_conv_backward_weights_reference(&s, op.x, op.dy, &reference)
      let naive = DirectConvolution.weightGradientLayout(
        ConvolutionReference.backwardWeights(op.dy, input: op.x, g), g)
      assertClose(
        reference, naive, tolerance: 1e-6 * Float(g.outputPixels), "backward-weights \(g)")
      for isa in Self.isas {
        for parts in [1, 2, 3, 7] {
          var dw = [Float](repeating: .nan, count: op.weight.count)
          for part in 0..<parts {
            isa.backwardWeights(&s, op.x, op.dy, &dw, Int64(part), Int64(parts))
          }
          XCTAssertEqual(
            dw.map(\.bitPattern), reference.map(\.bitPattern), "\(isa) \(g) parts \(parts)")
        }
      }
    }
  }
}
