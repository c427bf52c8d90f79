import Layers
import Models
import TensorCore
import XCTest
import _TestSupport

/// `Block.inputGradient` (a new tensor, written without a zero fill where the kernels can)
/// gives the bits of `backward` into zeros, input and parameter gradients alike, through
/// nested `Sequential` and `Parallel` blocks with direct, pointwise and strided (im2col)
/// convolutions and batch norms.
final class InputGradientTests: XCTestCase {
  func testInputGradientHasTheBitsOfBackwardIntoZeros() {
    let slabs = ModelSlabs()
    let branch1 = Sequential(
      ConvBlock("b1.conv", slabs, inputChannels: 6, outputChannels: 8, kernel: (1, 1)),
      BatchNormBlock("b1.bn", slabs, channels: 8, relu: true))
    let branch2 = Sequential(
      ConvBlock(
        "b2.conv", slabs, inputChannels: 6, outputChannels: 5, kernel: (3, 3), padding: (1, 1)),
      BatchNormBlock("b2.bn", slabs, channels: 5, relu: true),
      ConvBlock("b2.down", slabs, inputChannels: 5, outputChannels: 7, kernel: (1, 1)))
    let branch3 = ConvBlock(
      "b3.conv", slabs, inputChannels: 6, outputChannels: 4, kernel: (3, 3), padding: (1, 1))
    let net = Sequential(
      ConvBlock(
        "stem", slabs, inputChannels: 3, outputChannels: 6, kernel: (3, 3), stride: (2, 2),
        padding: (1, 1)),
      Parallel(branch1, branch2, branch3),
      ConvBlock("head", slabs, inputChannels: 19, outputChannels: 9, kernel: (1, 1)))
    var state = RandomStream(seed: 3, name: "init")
    for i in 0..<slabs.parameters.count {
      slabs.parameters.allValues[i] = state.nextUniform(-0.5, 0.5)
    }
    let x = Fixtures.uniform([2, 9, 10, 3], seed: 1)
    let (y, cache) = net.forward(x, mode: .training, slabs)
    let dy = Fixtures.uniform(y.shape, seed: 2)

    slabs.parameters.zeroGradients()
    var intoZeros: Tensor? = Tensor(shape: x.shape)
    net.backward(dy, input: x, cache: cache, into: &intoZeros, slabs)
    let expectedGradients = Array(slabs.parameters.allGradients)

    slabs.parameters.zeroGradients()
    let fresh = net.inputGradient(dy, input: x, cache: cache, slabs)
    XCTAssertEqual(
      fresh.scalars.map(\.bitPattern), intoZeros?.scalars.map(\.bitPattern), "input gradient")
    XCTAssertEqual(
      Array(slabs.parameters.allGradients).map(\.bitPattern),
      expectedGradients.map(\.bitPattern), "parameter gradients")
  }
}
