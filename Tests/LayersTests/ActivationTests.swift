import Foundation
import Layers
import TensorCore
import Testing

@Suite struct ActivationTests {
  @Test func reluForwardAndMask() {
    let x = Tensor(shape: Shape(1, 1, 2, 3), scalars: [-2, 0, 3, -0.5, 1e-6, 7])
    let relu = ReLU()
    let y = relu.forward(x)
    #expect(y.scalars == [0, 0, 3, 0, 1e-6, 7])
    var dx = Tensor(shape: x.shape)
    relu.backward(Tensor(shape: x.shape, repeating: 1), output: y, into: &dx)
    // relu'(0) = 0, as PyTorch.
    #expect(dx.scalars == [0, 0, 1, 0, 1, 1])
  }

  @Test func reluGradientAndAccumulation() {
    let x = spreadValues(Shape(2, 7, 5, 3))
    let relu = ReLU()
    let y = relu.forward(x)
    let dy = randomTensor(x.shape, seed: 2)
    var dx = Tensor(shape: x.shape)
    relu.backward(dy, output: y, into: &dx)
    expectGradient(at: x, dy: dy, analytic: dx) { relu.forward($0) }
    expectAccumulates(x.shape) { relu.backward(dy, output: y, into: &$0) }
  }

  @Test func sigmoidMatchesDoubleReference() {
    let x = Tensor(shape: Shape(37)) { Float($0 - 18) * 0.7 }
    let extremes = Tensor(shape: Shape(4), scalars: [-200, -90, 90, 200])
    let sigmoid = Sigmoid()
    let reference = Tensor(shape: x.shape) { Float(1 / (1 + exp(-Double(x[flat: $0])))) }
    expectClose(sigmoid.forward(x), reference, rtol: 2e-6, atol: 1e-7)
    let y = sigmoid.forward(extremes)
    #expect(y.scalars.allSatisfy { $0.isFinite })
    #expect(y[flat: 0] == 0 && y[flat: 3] == 1)
  }

  @Test func sigmoidGradientAndAccumulation() {
    let x = randomTensor(Shape(2, 5, 7, 3), seed: 4)
    let sigmoid = Sigmoid()
    let y = sigmoid.forward(x)
    let dy = randomTensor(x.shape, seed: 5)
    var dx = Tensor(shape: x.shape)
    sigmoid.backward(dy, output: y, into: &dx)
    expectGradient(at: x, dy: dy, analytic: dx) { sigmoid.forward($0) }
    expectAccumulates(x.shape) { sigmoid.backward(dy, output: y, into: &$0) }
  }
}
