import Kernels
import Layers
import TensorCore
import XCTest
import _TestSupport

final class Conv2DTests: XCTestCase {
  struct Case {
    var shape: Shape
    var cout: Int
    var kernel: (Int, Int)
    var stride = (1, 1)
    var padding = (0, 0)
    var dilation = (1, 1)
  }

  static let cases: [Case] = [
    Case(shape: [1, 4, 3, 5], cout: 3, kernel: (1, 1)),
    Case(shape: [2, 5, 4, 3], cout: 2, kernel: (3, 3), padding: (1, 1)),
    Case(shape: [2, 7, 6, 2], cout: 3, kernel: (3, 3), stride: (2, 2)),
    Case(shape: [1, 6, 5, 2], cout: 2, kernel: (3, 3), padding: (2, 2), dilation: (2, 2)),
    Case(shape: [1, 3, 7, 2], cout: 2, kernel: (1, 7), padding: (0, 3)),
  ]

  /// Central differences of sum(conv(x) * dy) with respect to x, weight and bias.
  func testGradientsMatchCentralDifferences() {
    for c in Self.cases {
      let slab = ParameterSlab()
      let conv = Conv2D(
        "conv", in: slab, inputChannels: c.shape[3], outputChannels: c.cout, kernel: c.kernel,
        stride: c.stride, padding: c.padding, dilation: c.dilation, bias: true)
      var stream = RandomStream(seed: 1, name: "init")
      conv.resetParameters(slab, using: &stream)
      var x = Fixtures.uniform(c.shape, seed: 2)
      let y = conv.forward(x, slab)
      let dy = Fixtures.uniform(y.shape, seed: 3)
      var dx: Tensor? = Tensor(shape: x.shape)
      conv.backward(dy, input: x, into: &dx, slab)
      let loss = { (input: Tensor) in GradientChecker.dot(conv.forward(input, slab), dy) }
      guard let dx else { return XCTFail("no input gradient") }
      let rx = GradientChecker.check(&x, analytic: dx, loss: loss)
      XCTAssert(rx.passed, "dx \(c.shape) \(c.kernel): \(rx)")
      for id in [conv.weight, conv.bias].compactMap({ $0 }) {
        let analytic = slab.gradient(id).scalars
        let r = GradientChecker.check(values: slab.values(id), analytic: analytic) { loss(x) }
        XCTAssert(r.passed, "\(slab.entry(id).name) \(c.shape) \(c.kernel): \(r)")
      }
    }
  }

  func testBackwardWithoutInputGradientStillAccumulatesParameters() {
    let slab = ParameterSlab()
    let conv = Conv2D(
      "c", in: slab, inputChannels: 2, outputChannels: 2, kernel: (3, 3), padding: (1, 1))
    var stream = RandomStream(seed: 1, name: "init")
    conv.resetParameters(slab, using: &stream)
    let x = Fixtures.uniform([1, 4, 4, 2], seed: 2)
    let dy = Fixtures.uniform([1, 4, 4, 2], seed: 3)
    var none: Tensor? = nil
    conv.backward(dy, input: x, into: &none, slab)
    let once = slab.gradient(conv.weight)
    conv.backward(dy, input: x, into: &none, slab)
    let twice = slab.gradient(conv.weight)
    for i in 0..<once.count { XCTAssertEqual(twice[flat: i], 2 * once[flat: i], accuracy: 1e-5) }
    XCTAssertNil(none)
  }
}
