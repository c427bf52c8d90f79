import CConvKernels
import Kernels
import TensorCore
import XCTest
import _TestSupport

/// The direct convolution kernels (CConvKernels): each ISA variant has the bits of the
/// exact-order scalar reference, whatever the rows each call covers, and is close to the
/// double-precision naive convolution.
final class DirectConvolutionTests: XCTestCase {
  /// The shapes of both backbones' kernels, small: 3x3 (stride 1 and 2, dilation 2), 1x7,
  /// 7x1, 1x3, 3x1, 5x5 and DenseNet's 7x7 stride 2; channels with and without a tail.
  static let geometries: [ConvGeometry] = [
    ConvGeometry(
      batch: 2, inputHeight: 9, inputWidth: 7, inputChannels: 17, outputChannels: 32,
      kernel: (3, 3), padding: (1, 1)),
    ConvGeometry(
      batch: 1, inputHeight: 11, inputWidth: 9, inputChannels: 8, outputChannels: 40,
      kernel: (3, 3), stride: (2, 2)),
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
  ]

  func shape(_ g: ConvGeometry) -> reid_conv_shape {
    reid_conv_shape(
      n: Int64(g.batch), h: Int64(g.inputHeight), w: Int64(g.inputWidth),
      cin: Int64(g.inputChannels), cout: Int64(g.outputChannels), kh: Int64(g.kernelHeight),
      kw: Int64(g.kernelWidth), stride_h: Int64(g.strideH), stride_w: Int64(g.strideW),
      pad_h: Int64(g.padH), pad_w: Int64(g.padW), dilation_h: Int64(g.dilationH),
      dilation_w: Int64(g.dilationW), ho: Int64(g.outputHeight), wo: Int64(g.outputWidth))
  }

  /// weight (Cout, Cin, kh, kw) -> packed (kh, kw, Cin, Cout).
  func packed(_ weight: [Float], _ g: ConvGeometry) -> [Float] {
    let (co, ci, kh, kw) = (g.outputChannels, g.inputChannels, g.kernelHeight, g.kernelWidth)
    var out = [Float](repeating: 0, count: weight.count)
    for o in 0..<co {
      for c in 0..<ci {
        for i in 0..<kh {
          for j in 0..<kw {
            out[((i * kw + j) * ci + c) * co + o] = weight[((o * ci + c) * kh + i) * kw + j]
          }
        }
      }
    }
    return out
  }

  typealias Kernel = (
    UnsafePointer<reid_conv_shape>?, UnsafePointer<Float>?, UnsafePointer<Float>?,
    UnsafeMutablePointer<Float>?, Int64, Int64
  ) -> Void

  /// y of `kernel`, computed in the row ranges `splits` (each call covers some rows).
  func run(
    _ kernel: Kernel, _ g: ConvGeometry, x: [Float], w: [Float], splits: [Range<Int>]
  ) -> [Float] {
    var s = shape(g)
    var y = [Float](repeating: .nan, count: g.outputPixels * g.outputChannels)
    for rows in splits {
      kernel(&s, x, w, &y, Int64(rows.lowerBound), Int64(rows.upperBound))
    }
    return y
  }

  func testEveryVariantHasTheReferenceBitsAndIsCloseToTheNaiveConvolution() {
    var variants: [(String, Kernel)] = [("avx2", reid_conv_forward_avx2)]
    if reid_cpu_has_avx512f() == 1 { variants.append(("avx512", reid_conv_forward_avx512)) }
    for (index, g) in Self.geometries.enumerated() {
      let x = Fixtures.uniform(
        Shape(g.batch, g.inputHeight, g.inputWidth, g.inputChannels), seed: UInt64(index)
      ).scalars
      let weight = Fixtures.uniform(
        Shape(g.outputChannels, g.inputChannels, g.kernelHeight, g.kernelWidth),
        seed: UInt64(100 + index)
      ).scalars
      let w = packed(weight, g)
      let rows = g.batch * g.outputHeight
      let reference = run(reid_conv_forward_reference, g, x: x, w: w, splits: [0..<rows])
      let naive = ConvolutionReference.forward(x, weight: weight, bias: nil, g)
      for (i, value) in reference.enumerated() {
        XCTAssertEqual(value, naive[i], accuracy: 1e-6 * Float(g.patchSize), "\(g) at \(i)")
      }
      for (name, kernel) in variants {
        for splits in [[0..<rows], [0..<1, 1..<rows / 2, rows / 2..<rows]] {
          let y = run(kernel, g, x: x, w: w, splits: splits)
          XCTAssertEqual(
            y.map(\.bitPattern), reference.map(\.bitPattern), "\(name) \(g) rows \(splits)")
        }
      }
    }
  }
}
