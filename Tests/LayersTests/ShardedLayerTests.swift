import Layers
import TensorCore
import XCTest
import _TestSupport

/// The layers' arithmetic in a sharded step (`BatchShards`): each shard's GEMMs are those of
/// the shard on its own, and batch-norm computes the whole batch's statistics.
final class ShardedLayerTests: XCTestCase {
  /// Images `images` of x (N, H, W, C).
  func slice(_ x: Tensor, images: Range<Int>) -> Tensor {
    let d = x.shape.dims
    let size = d[1] * d[2] * d[3]
    return Tensor(shape: Shape([images.count] + d.dropFirst())) {
      x[flat: images.lowerBound * size + $0]
    }
  }

  func scalars(_ t: Tensor) -> [Float] { t.withUnsafeBufferPointer { Array($0) } }

  /// A shard's output and weight gradient are bit for bit those of the shard alone: what
  /// makes a process's results independent of how many shards it holds.
  func testConvolutionShardsAreTheGEMMsOfEachShardAlone() {
    let parameters = ParameterSlab()
    let conv = Conv2D(
      "conv", in: parameters, inputChannels: 5, outputChannels: 7, kernel: (3, 3),
      padding: (1, 1), bias: true)
    var stream = RandomStream(seed: 3, name: "init")
    conv.resetParameters(parameters, using: &stream)
    let x = randomTensor([4, 6, 5, 5], seed: 4)
    let dy = randomTensor([4, 6, 5, 7], seed: 5)
    parameters.setGradientBankCount(4)
    let exchange = LocalShardExchange(shards: 4)
    var dx: Tensor? = Tensor(shape: x.shape)
    let y = BatchShards.with(exchange) { conv.forward(x, parameters) }
    BatchShards.with(exchange) { conv.backward(dy, input: x, into: &dx, parameters) }
    let banks = (0..<4).map { bank -> [Float] in
      parameters.selectGradientBank(bank)
      return Array(parameters.gradients(conv.weight))
    }
    parameters.selectGradientBank(0)
    exchange.sumInShardOrder(parameters.gradientBanks, count: parameters.count)
    let summed = Array(parameters.gradients(conv.weight))

    let alone = ParameterSlab()
    let reference = Conv2D(
      "conv", in: alone, inputChannels: 5, outputChannels: 7, kernel: (3, 3), padding: (1, 1),
      bias: true)
    for i in 0..<parameters.count { alone.allValues[i] = parameters.allValues[i] }
    var expectedSum = [Float](repeating: 0, count: banks[0].count)
    for shard in 0..<4 {
      let images = shard..<shard + 1
      XCTAssertEqual(
        scalars(slice(y, images: images)),
        scalars(reference.forward(slice(x, images: images), alone)), "shard \(shard) output")
      alone.zeroGradients()
      var shardDx: Tensor? = Tensor(shape: [1, 6, 5, 5])
      reference.backward(
        slice(dy, images: images), input: slice(x, images: images), into: &shardDx, alone)
      let gradient = Array(alone.gradients(reference.weight))
      XCTAssertEqual(banks[shard], gradient, "shard \(shard) weight gradient")
      XCTAssertEqual(
        scalars(slice(dx ?? x, images: images)), shardDx.map(scalars), "shard \(shard) dx")
      for i in 0..<gradient.count {
        expectedSum[i] = shard == 0 ? gradient[i] : expectedSum[i] + gradient[i]
      }
    }
    XCTAssertEqual(summed, expectedSum, "banks summed left to right in shard order")
  }

  /// Sharded batch-norm normalizes with the whole batch's statistics: the same mathematics
  /// as one shard, within rounding, and gamma's and beta's per-shard gradients add up.
  func testBatchNormShardsUseTheWholeBatchStatistics() {
    func run(shards: Int) -> (y: [Float], dx: [Float], dgamma: [Float], mean: [Float]) {
      let parameters = ParameterSlab()
      let buffers = ParameterSlab(hasGradients: false)
      let bn = BatchNorm2D("bn", parameters: parameters, buffers: buffers, channels: 3)
      parameters.setValue(bn.weight, Fixtures.uniform([3], seed: 11, low: 0.5, high: 1.5))
      parameters.setValue(bn.bias, Fixtures.uniform([3], seed: 12))
      parameters.setGradientBankCount(shards)
      let x = Fixtures.uniform([4, 3, 2, 3], seed: 1, low: -2, high: 3)
      let dy = Fixtures.uniform([4, 3, 2, 3], seed: 2)
      let exchange = LocalShardExchange(shards: shards)
      var dx: Tensor? = Tensor(shape: x.shape)
      let y = BatchShards.with(exchange) { () -> Tensor in
        let (y, cache) = bn.forward(
          x, mode: .training, parameters: parameters, buffers: buffers, relu: true)
        bn.backward(
          dy, input: x, cache: cache, into: &dx, parameters: parameters, relu: true)
        return y
      }
      exchange.sumInShardOrder(parameters.gradientBanks, count: parameters.count)
      return (
        scalars(y), dx.map(scalars) ?? [], Array(parameters.gradients(bn.weight)),
        Array(buffers.values(bn.runningMean))
      )
    }
    let one = run(shards: 1)
    let four = run(shards: 4)
    for (a, b) in zip(one.y, four.y) { XCTAssertEqual(a, b, accuracy: 1e-5) }
    for (a, b) in zip(one.dx, four.dx) { XCTAssertEqual(a, b, accuracy: 1e-5) }
    for (a, b) in zip(one.dgamma, four.dgamma) { XCTAssertEqual(a, b, accuracy: 1e-4) }
    for (a, b) in zip(one.mean, four.mean) { XCTAssertEqual(a, b, accuracy: 1e-6) }
    // (Statistics of each shard alone would move y by far more than the tolerance.)
  }

  /// Outside a sharded step a batch is one shard, whatever its size.
  func testUnshardedIsOneSlice() {
    XCTAssertEqual(BatchShards.localSlices(6), [0..<6])
    BatchShards.with(LocalShardExchange(shards: 3)) {
      XCTAssertEqual(BatchShards.localSlices(6), [0..<2, 2..<4, 4..<6])
    }
    XCTAssertEqual(ShardPlan(shards: 4, processes: 2, rank: 1).localRows(ofBatch: 12), 6..<12)
  }
}
