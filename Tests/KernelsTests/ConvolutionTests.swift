import Kernels
import TensorCore
import XCTest
import _TestSupport

/// `Convolution`'s routes (im2col + GEMM, and the direct kernels) against the double-precision
/// reference on awkward geometries.
final class ConvolutionTests: XCTestCase {
  static let geometries: [ConvGeometry] = [
    // 1x1 fast path, batch 1, odd sizes.
    ConvGeometry(
      batch: 1, inputHeight: 5, inputWidth: 3, inputChannels: 7, outputChannels: 4, kernel: (1, 1)),
    // 3x3, padding 1, batch 2.
    ConvGeometry(
      batch: 2, inputHeight: 7, inputWidth: 5, inputChannels: 3, outputChannels: 5,
      kernel: (3, 3), padding: (1, 1)),
    // stride 2, no padding (Inception's grid reductions).
    ConvGeometry(
      batch: 2, inputHeight: 9, inputWidth: 8, inputChannels: 4, outputChannels: 3,
      kernel: (3, 3), stride: (2, 2)),
    // dilation 2 with matching padding (the parsing stream, ASPP).
    ConvGeometry(
      batch: 1, inputHeight: 8, inputWidth: 7, inputChannels: 5, outputChannels: 6,
      kernel: (3, 3), padding: (2, 2), dilation: (2, 2)),
    // asymmetric kernels (Inception 1x7 and 7x1).
    ConvGeometry(
      batch: 2, inputHeight: 6, inputWidth: 9, inputChannels: 3, outputChannels: 4,
      kernel: (1, 7), padding: (0, 3)),
    ConvGeometry(
      batch: 1, inputHeight: 9, inputWidth: 4, inputChannels: 2, outputChannels: 3,
      kernel: (7, 1), padding: (3, 0)),
    // 1x1 with stride 2 (not pointwise: goes through im2col), and a 7x7 stem with stride 2.
    ConvGeometry(
      batch: 2, inputHeight: 7, inputWidth: 6, inputChannels: 3, outputChannels: 2,
      kernel: (1, 1), stride: (2, 2)),
    ConvGeometry(
      batch: 1, inputHeight: 11, inputWidth: 9, inputChannels: 3, outputChannels: 4,
      kernel: (7, 7), stride: (2, 2), padding: (3, 3)),
    // Fewer output than input channels at stride 1: backward-data runs as the transposed
    // convolution (same padding, no padding, dilation, asymmetric kernel).
    ConvGeometry(
      batch: 2, inputHeight: 6, inputWidth: 5, inputChannels: 6, outputChannels: 2,
      kernel: (3, 3), padding: (1, 1)),
    ConvGeometry(
      batch: 1, inputHeight: 7, inputWidth: 6, inputChannels: 4, outputChannels: 3,
      kernel: (3, 3)),
    ConvGeometry(
      batch: 1, inputHeight: 9, inputWidth: 8, inputChannels: 7, outputChannels: 3,
      kernel: (3, 3), padding: (2, 2), dilation: (2, 2)),
    ConvGeometry(
      batch: 2, inputHeight: 4, inputWidth: 9, inputChannels: 5, outputChannels: 2,
      kernel: (1, 7), padding: (0, 3)),
    // No more output pixels than output channels: channel-major columns (padding, stride 2,
    // dilation 2, an asymmetric kernel, Cout < Cin at stride 1, and a chunk boundary inside
    // an image when the budget is tiny).
    ConvGeometry(
      batch: 1, inputHeight: 3, inputWidth: 2, inputChannels: 5, outputChannels: 8,
      kernel: (3, 3), padding: (1, 1)),
    ConvGeometry(
      batch: 2, inputHeight: 5, inputWidth: 4, inputChannels: 3, outputChannels: 12,
      kernel: (3, 3), stride: (2, 2), padding: (1, 1)),
    ConvGeometry(
      batch: 1, inputHeight: 4, inputWidth: 3, inputChannels: 4, outputChannels: 13,
      kernel: (3, 3), padding: (2, 2), dilation: (2, 2)),
    ConvGeometry(
      batch: 2, inputHeight: 3, inputWidth: 2, inputChannels: 11, outputChannels: 12,
      kernel: (1, 3), padding: (0, 1)),
    ConvGeometry(
      batch: 1, inputHeight: 2, inputWidth: 3, inputChannels: 9, outputChannels: 7,
      kernel: (3, 3), padding: (1, 1)),
    // Several lane blocks of both packings (and of the weight gradient's output channels), so
    // that two threads split them.
    ConvGeometry(
      batch: 1, inputHeight: 5, inputWidth: 6, inputChannels: 40, outputChannels: 52,
      kernel: (3, 3), padding: (1, 1)),
  ]

  /// The results of `Convolution` under `algorithm`, checked against the reference: y, dx
  /// (accumulated onto a fixture) and dw (onto 0.25), concatenated.
  @discardableResult
  func check(
    _ g: ConvGeometry, columnBudget: Int = 4 << 20, bias: Bool,
    algorithm: ConvolutionAlgorithm = .im2col, threads: Int = 1
  ) -> [Float] {
    let saved = (Convolution.columnBudget, Convolution.algorithm, DirectConvolution.threads)
    Convolution.columnBudget = columnBudget
    Convolution.algorithm = algorithm
    DirectConvolution.threads = threads
    defer {
      (Convolution.columnBudget, Convolution.algorithm, DirectConvolution.threads) = saved
    }
    let x = Fixtures.uniform([g.batch, g.inputHeight, g.inputWidth, g.inputChannels], seed: 1)
    let w = Fixtures.uniform(
      [g.outputChannels, g.inputChannels, g.kernelHeight, g.kernelWidth], seed: 2)
    let b = Fixtures.uniform([g.outputChannels], seed: 3)
    let dy = Fixtures.uniform([g.batch, g.outputHeight, g.outputWidth, g.outputChannels], seed: 4)

    var y = Tensor(shape: dy.shape)
    var dx = Fixtures.uniform(x.shape, seed: 5)
    let dx0 = dx
    var dw = Tensor(shape: w.shape, repeating: 0.25)
    var db = Tensor(shape: b.shape, repeating: -1)
    x.withUnsafePointer { px in
      w.withUnsafePointer { pw in
        b.withUnsafePointer { pb in
          dy.withUnsafePointer { pdy in
            y.withUnsafeMutablePointer { py in
              Convolution.forward(px, weight: pw, bias: bias ? pb : nil, g, output: py)
            }
            dx.withUnsafeMutablePointer { pdx in
              Convolution.backwardData(pdy, weight: pw, g, inputGradient: pdx)
            }
            dw.withUnsafeMutablePointer { pdw in
              db.withUnsafeMutablePointer { pdb in
                Convolution.backwardWeights(
                  pdy, input: px, g, weightGradient: pdw, biasGradient: bias ? pdb : nil)
              }
            }
          }
        }
      }
    }
    // Not accumulating: the bits of accumulating into zeros, whatever dx held (NaN here), on
    // every route (direct, pointwise sgemm, im2col).
    var intoZeros = Tensor(shape: x.shape)
    var fresh = Tensor(shape: x.shape, repeating: .nan)
    dy.withUnsafePointer { pdy in
      w.withUnsafePointer { pw in
        intoZeros.withUnsafeMutablePointer { pdx in
          Convolution.backwardData(pdy, weight: pw, g, inputGradient: pdx)
        }
        fresh.withUnsafeMutablePointer { pdx in
          Convolution.backwardData(pdy, weight: pw, g, inputGradient: pdx, accumulate: false)
        }
      }
    }
    XCTAssertEqual(
      fresh.scalars.map(\.bitPattern), intoZeros.scalars.map(\.bitPattern),
      "dx not accumulated \(g) \(algorithm)")
    let yRef = ConvolutionReference.forward(
      x.scalars, weight: w.scalars, bias: bias ? b.scalars : nil, g)
    let dxRef = ConvolutionReference.backwardData(dy.scalars, weight: w.scalars, g)
    let dwRef = ConvolutionReference.backwardWeights(dy.scalars, input: x.scalars, g)
    let tolerance: Float = 1e-4
    for i in 0..<y.count { XCTAssertEqual(y[flat: i], yRef[i], accuracy: tolerance, "y \(g)") }
    // Backward accumulates onto what was there.
    for i in 0..<dx.count {
      XCTAssertEqual(dx[flat: i], dx0[flat: i] + dxRef[i], accuracy: tolerance, "dx \(g)")
    }
    for i in 0..<dw.count {
      XCTAssertEqual(dw[flat: i], 0.25 + dwRef[i], accuracy: tolerance, "dw \(g)")
    }
    if bias {
      for o in 0..<g.outputChannels {
        var sum: Float = -1
        for p in 0..<g.outputPixels { sum += dy[flat: p * g.outputChannels + o] }
        XCTAssertEqual(db[flat: o], sum, accuracy: tolerance)
      }
    }
    return y.scalars + dx.scalars + dw.scalars
  }

  /// The direct kernels through `Convolution`, with 1 and 2 threads: close to the reference,
  /// and the same bits.
  func testDirectConvolutionMatchesReferenceWithTheSameBitsOnAnyThreads() {
    for g in Self.geometries {
      let one = check(g, bias: true, algorithm: .direct, threads: 1)
      let two = check(g, bias: true, algorithm: .direct, threads: 2)
      XCTAssertEqual(one.map(\.bitPattern), two.map(\.bitPattern), "\(g)")
    }
  }

  /// Under `.direct`, the passes `DirectConvolution.prefersIm2col` names have im2col's bits
  /// (the geometries above hold narrow maps, strided and pointwise convolutions).
  func testDirectAlgorithmRunsTheRuleNamedPassesOnIm2col() {
    var routed = 0
    for g in Self.geometries {
      let direct = check(g, bias: false, algorithm: .direct)
      let im2col = check(g, bias: false, algorithm: .im2col)
      let sizes = [
        g.outputPixels * g.outputChannels,
        g.batch * g.inputHeight * g.inputWidth * g.inputChannels,
        g.outputChannels * g.patchSize,
      ]
      var start = 0
      for (pass, size) in zip(ConvolutionPass.allCases, sizes) {
        let part = start..<start + size
        start += size
        guard DirectConvolution.prefersIm2col(g, pass) else { continue }
        routed += 1
        XCTAssertEqual(
          direct[part].map(\.bitPattern), im2col[part].map(\.bitPattern), "\(pass) \(g)")
      }
    }
    XCTAssertGreaterThan(routed, 3)
  }

  func testGEMMConvolutionMatchesReference() {
    for g in Self.geometries { check(g, columnBudget: 4 << 20, bias: true) }
  }

  /// A tiny column budget forces many chunks, some crossing image boundaries.
  func testChunkedIm2colMatchesReference() {
    for g in Self.geometries { check(g, columnBudget: 3 * g.patchSize + 1, bias: false) }
  }

  func testOutputSizeFollowsPyTorch() {
    let g = ConvGeometry(
      batch: 1, inputHeight: 299, inputWidth: 299, inputChannels: 3, outputChannels: 32,
      kernel: (3, 3), stride: (2, 2))
    XCTAssertEqual([g.outputHeight, g.outputWidth], [149, 149])
    let d = ConvGeometry(
      batch: 1, inputHeight: 17, inputWidth: 9, inputChannels: 8, outputChannels: 8,
      kernel: (3, 3), padding: (12, 12), dilation: (12, 12))
    XCTAssertEqual([d.outputHeight, d.outputWidth], [17, 9])
  }
}
