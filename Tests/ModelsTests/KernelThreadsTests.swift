import Kernels
import Models
import TensorCore
import XCTest
import _TestSupport

/// A dense block's forward and backward (its in-place prefix normalization, channel copies
/// and shared batch statistics) give the same bits on 1 and 2 kernel threads.
final class KernelThreadsTests: XCTestCase {
  func testDenseBlockGivesTheSameBitsOnAnyThreads() {
    // 2 x 32 x 32 rows of 40 to 72 channels: large enough to split, channels ending in a
    // partial block of 16.
    let shape: Shape = [2, 32, 32, 40]
    let x = Fixtures.uniform(shape, seed: 31, low: -1, high: 2)
    let results = [1, 2].map { threads -> [[Float]] in
      let saved = KernelThreads.count
      KernelThreads.count = threads
      defer { KernelThreads.count = saved }
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
    for (name, (one, two)) in zip(
      ["y", "dx", "parameter gradients", "running statistics"], zip(results[0], results[1]))
    {
      let difference = Fixtures.bitDifference(one, two)
      XCTAssert(difference.isEmpty, "\(name): \(difference)")
    }
  }
}
