import Layers
import TensorCore
import XCTest
import _TestSupport

final class LinearTests: XCTestCase {
  func testForwardMatchesNaiveProduct() {
    let slab = ParameterSlab()
    let fc = Linear("fc", in: slab, inputFeatures: 5, outputFeatures: 3)
    var stream = RandomStream(seed: 1, name: "init")
    fc.resetParameters(slab, using: &stream)
    let x = Fixtures.uniform([2, 5], seed: 2)
    let y = fc.forward(x, slab)
    let w = slab.value(fc.weight)
    let b = slab.values(fc.bias!)
    for n in 0..<2 {
      for o in 0..<3 {
        var sum = Double(b[o])
        for i in 0..<5 { sum += Double(x[n, i]) * Double(w[o, i]) }
        XCTAssertEqual(Double(y[n, o]), sum, accuracy: 1e-5)
      }
    }
  }

  func testGradientsMatchCentralDifferences() {
    let slab = ParameterSlab()
    let fc = Linear("fc", in: slab, inputFeatures: 7, outputFeatures: 4)
    var stream = RandomStream(seed: 1, name: "init")
    fc.resetParameters(slab, using: &stream)
    var x = Fixtures.uniform([3, 7], seed: 2)
    let dy = Fixtures.uniform([3, 4], seed: 3)
    var dx: Tensor? = Tensor(shape: x.shape)
    fc.backward(dy, input: x, into: &dx, slab)
    let loss = { (input: Tensor) in GradientChecker.dot(fc.forward(input, slab), dy) }
    let rx = GradientChecker.check(&x, analytic: dx!, loss: loss)
    XCTAssert(rx.passed, "dx: \(rx)")
    for id in [fc.weight, fc.bias!] {
      let r = GradientChecker.check(values: slab.values(id), analytic: slab.gradient(id).scalars) {
        loss(x)
      }
      XCTAssert(r.passed, "\(slab.entry(id).name): \(r)")
    }
  }
}
