import Kernels
import Layers
import Models
import Optim
import TensorCore
import XCTest
import _TestSupport

/// The passes that `KernelThreads` splits give the same bits on 1 and 2 threads.
final class KernelThreadsTests: XCTestCase {
  /// Runs `body` with `KernelThreads.count` set to 1, then 2, and asserts that each named
  /// result has the same bits on both.
  func assertSameBitsOnOneAndTwoThreads(
    _ names: [String], _ body: () -> [[Float]], file: StaticString = #filePath,
    line: UInt = #line
  ) {
    let results = [1, 2].map { threads -> [[Float]] in
      let saved = KernelThreads.count
      KernelThreads.count = threads
      defer { KernelThreads.count = saved }
      return body()
    }
    XCTAssertEqual(results[0].count, names.count, file: file, line: line)
    for (name, (one, two)) in zip(names, zip(results[0], results[1])) {
      let difference = Fixtures.bitDifference(one, two)
      XCTAssert(difference.isEmpty, "\(name): \(difference)", file: file, line: line)
    }
  }

  /// Inception's pooling windows (3x3 stride 2 max, 3x3 stride 1 padded average) forward
  /// and backward, on maps large enough to split and an odd number of rows per thread.
  func testPoolingGivesTheSameBitsOnAnyThreads() {
    let shape: Shape = [7, 33, 29, 48]
    let x = Fixtures.uniform(shape, seed: 41, low: -1, high: 2)
    assertSameBitsOnOneAndTwoThreads(["max y", "max dx", "average y", "average dx"]) {
      let maxPool = MaxPool2D(kernelSize: 3, stride: 2)
      let (maxY, cache) = maxPool.forward(x)
      var maxDx = Fixtures.uniform(shape, seed: 42)
      maxPool.backward(Fixtures.uniform(maxY.shape, seed: 43), cache: cache, into: &maxDx)
      let averagePool = AvgPool2D(kernelSize: 3, stride: 1, padding: 1)
      let averageY = averagePool.forward(x)
      var averageDx = Fixtures.uniform(shape, seed: 44)
      averagePool.backward(Fixtures.uniform(averageY.shape, seed: 45), into: &averageDx)
      return [maxY.scalars, maxDx.scalars, averageY.scalars, averageDx.scalars]
    }
  }

  /// SGD with momentum and weight decay over three steps, on a parameter large enough to
  /// split and one too small to.
  func testSGDGivesTheSameBitsOnAnyThreads() {
    assertSameBitsOnOneAndTwoThreads(["values", "momentum"]) {
      let slab = ParameterSlab()
      let weight = slab.register("conv.weight", shape: [96, 1024])
      let bias = slab.register("conv.bias", shape: [96])
      slab.setValue(weight, Fixtures.uniform([96, 1024], seed: 51, low: -0.1, high: 0.1))
      slab.setValue(bias, Fixtures.uniform([96], seed: 52))
      let sgd = SGD(slab: slab, options: SGD.Options(momentum: 0.9, weightDecay: 5e-4))
      for step in 0..<3 {
        let gradients = Fixtures.uniform([slab.count], seed: UInt64(60 + step))
        _ = slab.allGradients.update(fromContentsOf: gradients.scalars)
        sgd.step(lr: 0.01)
      }
      return [
        Array(slab.allValues), Array(sgd.slot(SGD.momentumSlot) ?? .init(start: nil, count: 0)),
      ]
    }
  }

  /// A dense block's forward and backward (its in-place prefix normalization, channel copies
  /// and shared batch statistics).
  func testDenseBlockGivesTheSameBitsOnAnyThreads() {
    // 2 x 32 x 32 rows of 40 to 72 channels: large enough to split, channels ending in a
    // partial block of 16.
    let shape: Shape = [2, 32, 32, 40]
    let x = Fixtures.uniform(shape, seed: 31, low: -1, high: 2)
    assertSameBitsOnOneAndTwoThreads(
      ["y", "dx", "parameter gradients", "running statistics"]
    ) {
      let slabs = ModelSlabs()
      let block = DenseBlock(
        "block", slabs, layerCount: 2, inputChannels: 40, growthRate: 16,
        bottleneckMultiplier: 2)
      let weights = Fixtures.uniform(
        [slabs.parameters.allValues.count], seed: 32, low: -0.2, high: 0.2)
      _ = slabs.parameters.allValues.update(fromContentsOf: weights.scalars)
      let (y, cache) = block.forward(x, mode: .training, slabs)
      let dy = Fixtures.uniform(y.shape, seed: 33)
      var dx: Tensor? = Tensor(shape: shape)
      block.backward(dy, input: x, cache: cache, into: &dx, slabs)
      return [
        y.scalars, dx?.scalars ?? [], Array(slabs.parameters.allGradients),
        Array(slabs.buffers.allValues),
      ]
    }
  }
}
