import Layers
import Models
import TensorCore
import XCTest
import _TestSupport

/// Central-difference checks of the CAN components on their own, in inference mode. (In
/// training mode, 1x1 convolutions into batch norms over few rows make the loss so curved
/// that central differences in float32 are noise; HeadParityTests checks that mode against
/// PyTorch.)
final class ComponentGradientTests: XCTestCase {
  /// Checks parameters and input of a forward/backward pair.
  func check(
    _ name: String, slabs: ModelSlabs, input: Tensor, epsilon: Float,
    forward: @escaping (Tensor, ModelSlabs) -> Tensor,
    backward: (Tensor, inout Tensor) -> Void, file: StaticString = #filePath, line: UInt = #line
  ) {
    var x = input
    let y = forward(x, slabs)
    let dy = Fixtures.uniform(y.shape, seed: 9)
    slabs.parameters.zeroGradients()
    var dx = Tensor(shape: x.shape)
    backward(dy, &dx)
    let loss = { (t: Tensor) in GradientChecker.dot(forward(t, slabs), dy) }
    let rx = GradientChecker.check(&x, analytic: dx, epsilon: epsilon, loss: loss)
    XCTAssert(rx.passed, "\(name) dx: \(rx)", file: file, line: line)
    let rp = GradientChecker.check(
      values: slabs.parameters.allValues, analytic: Array(slabs.parameters.allGradients),
      epsilon: epsilon
    ) { loss(x) }
    XCTAssert(rp.passed, "\(name) parameters: \(rp)", file: file, line: line)
  }

  func randomize(_ slabs: ModelSlabs) {
    var stream = RandomStream(seed: 4, name: "init")
    for i in 0..<slabs.parameters.count {
      slabs.parameters.allValues[i] = stream.nextUniform(-0.5, 0.5)
    }
  }

  func testSoftAttention() {
    for mode in [LayerMode.inference] {
      for norm in [true, false] {
        let slabs = ModelSlabs()
        let block = SoftAttention("a", slabs, channels: 8, reduction: 4, preSigmoidNorm: norm)
        randomize(slabs)
        let x = Fixtures.uniform([8, 8, 8, 8], seed: 2)
        let (_, cache) = block.forward(x, mode: mode, slabs)
        check(
          "attention \(mode) \(norm)", slabs: slabs, input: x,
          epsilon: 1e-3,
          forward: { block.forward($0, mode: mode, $1).output },
          backward: { block.backward($0, input: x, cache: cache, into: &$1, slabs) })
      }
    }
  }

  func testASPP() {
    for mode in [LayerMode.inference] {
      let slabs = ModelSlabs()
      let block = ASPP.make("aspp", slabs, inputChannels: 5, channels: 3, rates: [1, 2])
      randomize(slabs)
      let x = Fixtures.uniform([8, 6, 6, 5], seed: 2)
      let (_, cache) = block.forward(x, mode: mode, slabs)
      check(
        "aspp \(mode)", slabs: slabs, input: x, epsilon: 1e-3,
        forward: { block.forward($0, mode: mode, $1).output },
        backward: { dy, dx in
          var g: Tensor? = dx
          block.backward(dy, input: x, cache: cache, into: &g, slabs)
          dx = g ?? dx
        })
    }
  }
}
