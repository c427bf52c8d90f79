import Foundation
import Layers
import TensorCore
import Testing

@Suite struct ChannelSoftmaxTests {
  static func reference(_ x: Tensor) -> Tensor {
    let c = x.shape[x.shape.rank - 1]
    var y = Tensor(shape: x.shape)
    for p in 0..<(x.count / c) {
      var m = -Double.infinity
      for k in 0..<c { m = max(m, Double(x[flat: p * c + k])) }
      var sum = 0.0
      for k in 0..<c { sum += exp(Double(x[flat: p * c + k]) - m) }
      for k in 0..<c { y[flat: p * c + k] = Float(exp(Double(x[flat: p * c + k]) - m) / sum) }
    }
    return y
  }

  @Test(arguments: [Shape(1, 1, 1, 1), Shape(2, 7, 5, 20), Shape(1, 3, 3, 37), Shape(4, 5)])
  func matchesReference(shape: Shape) {
    let x = randomTensor(shape, seed: 3).scaled(4)
    expectClose(ChannelSoftmax().forward(x), Self.reference(x), rtol: 1e-5, atol: 1e-7)
  }

  @Test func isStableForLargeLogits() {
    let x = Tensor(shape: Shape(1, 1, 2, 3), scalars: [1000, 1001, 999, -1000, -1000, -1000])
    let y = ChannelSoftmax().forward(x)
    #expect(y.scalars.allSatisfy { $0.isFinite })
    expectClose(y, Self.reference(x), rtol: 1e-5, atol: 1e-7)
    expectScalars(y, [0.24472847, 0.66524096, 0.09003057, 1.0 / 3, 1.0 / 3, 1.0 / 3])
  }

  @Test func gradientAndAccumulation() {
    let softmax = ChannelSoftmax()
    let x = randomTensor(Shape(2, 3, 5, 20), seed: 5)
    let y = softmax.forward(x)
    let dy = randomTensor(x.shape, seed: 6)
    var dx = Tensor(shape: x.shape)
    softmax.backward(dy, output: y, into: &dx)
    expectGradient(at: x, dy: dy, analytic: dx) { softmax.forward($0) }
    expectAccumulates(x.shape) { softmax.backward(dy, output: y, into: &$0) }
  }
}
