import Kernels
import TensorCore
import XCTest
import _TestSupport

/// The C batch-norm reductions give the bits of the plain loops (`BatchNormReference`) on
/// every ISA the CPU runs: channel counts with a partial register block, rows over several
/// chunks, a row stride wider than the channels, sums that start non-zero, with and without
/// the ReLU mask (including -0 gradients and outputs at exactly 0).
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
      let start = Fixtures.uniform([channels], seed: 57).scalars.map(Double.init)
      for relu in [false, true] {
        let run = { (isa: DirectConvolution.ISA?) -> ([Double], [Double]) in
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
                          relu: mask, sumDy: &sumDy, sumDyXhat: &sumDyXhat, isa: isa)
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
        let expected = run(nil)
        for isa in isas {
          let got = run(isa)
          let label = "\(isa) \(rows)x\(channels) stride \(stride) relu \(relu)"
          XCTAssertEqual(got.0.map(\.bitPattern), expected.0.map(\.bitPattern), "\(label) sum dy")
          XCTAssertEqual(
            got.1.map(\.bitPattern), expected.1.map(\.bitPattern), "\(label) sum dy * xhat")
        }
      }
    }
  }
}
