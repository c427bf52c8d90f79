import Kernels
import TensorCore
import XCTest
import _TestSupport

/// The C batch-norm reductions give the bits of the plain loops (`BatchNormReference`) on
/// every ISA the CPU runs: channel counts with a partial register block, rows over several
/// chunks, a row stride wider than the channels, sums that start non-zero, with and without
/// the ReLU mask (including -0 gradients and outputs at exactly 0 and -0), and the ReLU's
/// output written on the way gives the bits of `max(x * scale + shift, 0)`.
final class BatchNormKernelsTests: XCTestCase {
  let isas = DirectConvolution.ISA.allCases.filter(\.isSupported)

  func testSumsMatchThePlainLoopsBitForBit() {
    for (rows, channels) in [(150, 72), (64, 16), (3, 5), (200, 96)] {
      let x = Fixtures.uniform([rows, channels], seed: 41, low: -3, high: 5).scalars
      let start = Fixtures.uniform([channels], seed: 42).scalars.map(Double.init)
      let mean = Fixtures.uniform([channels], seed: 43).scalars.map(Double.init)
      var expectedSums = start
      var expectedSquares = start
      x.withUnsafeBufferPointer { px in
        BatchNormReference.addSums(
          px.baseAddress!, rows: rows, channels: channels, into: &expectedSums)
        BatchNormReference.addSquaredDeviations(
          px.baseAddress!, rows: rows, channels: channels, from: mean, into: &expectedSquares)
      }
      for isa in isas {
        var sums = start
        var squares = start
        x.withUnsafeBufferPointer { px in
          BatchNormKernels.addSums(
            px.baseAddress!, rows: rows, channels: channels, into: &sums, isa: isa)
          BatchNormKernels.addSquaredDeviations(
            px.baseAddress!, rows: rows, channels: channels, from: mean, into: &squares, isa: isa)
        }
        let label = "\(isa) \(rows)x\(channels)"
        XCTAssertEqual(sums.map(\.bitPattern), expectedSums.map(\.bitPattern), "\(label) sums")
        XCTAssertEqual(
          squares.map(\.bitPattern), expectedSquares.map(\.bitPattern), "\(label) squares")
      }
    }
  }

  func testGradientSumsMatchThePlainLoopBitForBit() {
    for (rows, channels, stride) in [(150, 72, 80), (64, 32, 32), (3, 5, 9), (130, 100, 100)] {
      var x = Fixtures.uniform([rows, stride], seed: 51, low: -2, high: 2).scalars
      for r in 0..<rows { x[r * stride] = 0.25 }  // channel 0: x * scale + shift == 0 below
      var dy = Fixtures.uniform([rows, channels], seed: 52).scalars
      for i in Swift.stride(from: 0, to: dy.count, by: 7) { dy[i] = -0.0 }
      let mean = Fixtures.uniform([channels], seed: 53).scalars
      let invStd = Fixtures.uniform([channels], seed: 54, low: 0.5, high: 2).scalars
      var scale = Fixtures.uniform([channels], seed: 55, low: 0.5, high: 2).scalars
      var shift = Fixtures.uniform([channels], seed: 56).scalars
      (scale[0], shift[0]) = (4, -1)
      // channel 1: x * scale + shift == -0 in every third row.
      (scale[1], shift[1]) = (-1, -0.0)
      for r in Swift.stride(from: 0, to: rows, by: 3) { x[r * stride + 1] = 0 }
      let start = Fixtures.uniform([channels], seed: 57).scalars.map(Double.init)
      for relu in [false, true] {
        let run = {
          (isa: DirectConvolution.ISA?, activated: UnsafeMutablePointer<Float>?) -> (
            [Double], [Double]
          ) in
          var (sumDy, sumDyXhat) = (start, start)
          x.withUnsafeBufferPointer { px in
            dy.withUnsafeBufferPointer { pdy in
              mean.withUnsafeBufferPointer { pm in
                invStd.withUnsafeBufferPointer { pi in
                  scale.withUnsafeBufferPointer { ps in
                    shift.withUnsafeBufferPointer { pt in
                      let mask = relu ? (ps.baseAddress!, pt.baseAddress!) : nil
                      if let isa {
                        BatchNormKernels.addGradientSums(
                          px.baseAddress!, stride: stride, pdy.baseAddress!, rows: rows,
                          channels: channels, mean: pm.baseAddress!, invStd: pi.baseAddress!,
                          relu: mask, sumDy: &sumDy, sumDyXhat: &sumDyXhat, activated: activated,
                          isa: isa)
                      } else {
                        BatchNormReference.addGradientSums(
                          px.baseAddress!, stride: stride, pdy.baseAddress!, rows: rows,
                          channels: channels, mean: pm.baseAddress!, invStd: pi.baseAddress!,
                          relu: mask, sumDy: &sumDy, sumDyXhat: &sumDyXhat)
                      }
                    }
                  }
                }
              }
            }
          }
          return (sumDy, sumDyXhat)
        }
        let expected = run(nil, nil)
        // What DenseNet's prefix normalization computes, max(x * scale + shift, 0).
        let expectedActivated = (0..<rows * channels).map { i in
          let (r, c) = (i / channels, i % channels)
          return max(x[r * stride + c] * scale[c] + shift[c], 0)
        }
        for isa in isas {
          for writesActivated in relu ? [false, true] : [false] {
            var activated = [Float](repeating: .nan, count: rows * channels)
            let got = activated.withUnsafeMutableBufferPointer { pa in
              run(isa, writesActivated ? pa.baseAddress : nil)
            }
            let label =
              "\(isa) \(rows)x\(channels) stride \(stride) relu \(relu) \(writesActivated)"
            XCTAssertEqual(got.0.map(\.bitPattern), expected.0.map(\.bitPattern), "\(label) sum dy")
            XCTAssertEqual(
              got.1.map(\.bitPattern), expected.1.map(\.bitPattern), "\(label) sum dy * xhat")
            if writesActivated {
              XCTAssertEqual(
                activated.map(\.bitPattern), expectedActivated.map(\.bitPattern),
                "\(label) activated")
            }
          }
        }
      }
    }
  }

  /// The ReLU's output written on the way keeps a NaN pre-activation as NaN, as `max` does.
  func testGradientSumsWriteTheActivatedOutputOfNaN() {
    let (rows, channels) = (4, 20)
    var x = [Float](repeating: 1, count: rows * channels)
    for c in Swift.stride(from: 0, to: channels, by: 3) { x[channels + c] = .nan }
    let dy = [Float](repeating: 0.5, count: rows * channels)
    let (mean, invStd) = (
      [Float](repeating: 0, count: channels), [Float](repeating: 1, count: channels)
    )
    let (scale, shift) = (
      [Float](repeating: 2, count: channels), [Float](repeating: -1, count: channels)
    )
    for isa in isas {
      var activated = [Float](repeating: -7, count: rows * channels)
      var (sumDy, sumDyXhat) = (
        [Double](repeating: 0, count: channels), [Double](repeating: 0, count: channels)
      )
      scale.withUnsafeBufferPointer { ps in
        shift.withUnsafeBufferPointer { pt in
          activated.withUnsafeMutableBufferPointer { pa in
            BatchNormKernels.addGradientSums(
              x, stride: channels, dy, rows: rows, channels: channels, mean: mean,
              invStd: invStd, relu: (ps.baseAddress!, pt.baseAddress!), sumDy: &sumDy,
              sumDyXhat: &sumDyXhat, activated: pa.baseAddress, isa: isa)
          }
        }
      }
      for i in 0..<rows * channels {
        let expected = max(x[i] * 2 - 1, 0)
        XCTAssertEqual(activated[i].isNaN, expected.isNaN, "\(isa) \(i)")
        if !expected.isNaN { XCTAssertEqual(activated[i], expected, "\(isa) \(i)") }
      }
    }
  }
}
