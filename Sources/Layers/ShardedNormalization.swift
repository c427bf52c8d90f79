import Kernels
import TensorCore

/// Batch-norm statistics and gradient sums over the global batch of a (possibly sharded) step.
///
/// Each local shard's rows are summed on their own (in double precision, row by row, as
/// `BatchNormKernels` does), then the per-shard sums of every shard are added in shard order
/// (`BatchShards.sumOverShards`). With one shard this is exactly `BatchNormKernels`'s two-pass
/// arithmetic, so an unsharded step keeps its bits. Used by `BatchNorm2D` and by DenseNet's
/// in-place prefix normalization.
public enum ShardedNormalization {
  /// Per-channel mean and biased variance of x (rows, C) over every shard of the batch, and
  /// the batch's total row count M (for the unbiased running variance M / (M - 1)).
  ///
  /// x: this process's rows (rows, C), contiguous; rows split evenly into its local shards.
  public static func statistics(_ x: UnsafePointer<Float>, rows: Int, channels: Int) -> (
    mean: [Float], variance: [Float], rows: Int
  ) {
    checkPrecondition(rows > 0, "BatchNorm: statistics of an empty batch")
    let slices = BatchShards.localSlices(rows)
    let total = BatchShards.globalCount(rows)
    var sums = perShard(slices, channels: channels) { range, block in
      BatchNormKernels.addSums(
        x + range.lowerBound * channels, rows: range.count, channels: channels, into: &block)
    }
    var mean = BatchShards.sumOverShards(sums)
    for c in 0..<channels { mean[c] /= Double(total) }
    sums = perShard(slices, channels: channels) { range, block in
      BatchNormKernels.addSquaredDeviations(
        x + range.lowerBound * channels, rows: range.count, channels: channels, from: mean,
        into: &block)
    }
    let squares = BatchShards.sumOverShards(sums)
    return (
      mean.map { Float($0) }, squares.map { Float($0 / Double(total)) }, total
    )
  }

  /// The sums a batch-norm backward needs, sum(dy) and sum(dy * xhat) per channel, over every
  /// shard of the batch when `throughStatistics` (else over this process's rows only: an
  /// inference-mode backward needs no global sums). Each local shard's own sums are also
  /// accumulated into that shard's gradient bank of beta and gamma, as their gradients.
  ///
  /// x: (rows, stride) with the normalized channels first; dy: (rows, C). `relu` as in
  /// `BatchNormKernels.backwardTraining`; `activated` (rows, C), when given with `relu`,
  /// receives relu(x * scale + shift) (`BatchNormKernels.addGradientSums`).
  public static func gradientSums(
    _ x: UnsafePointer<Float>, stride: Int, _ dy: UnsafePointer<Float>, rows: Int,
    channels: Int, mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>,
    relu: (scale: UnsafePointer<Float>, shift: UnsafePointer<Float>)?,
    throughStatistics: Bool, parameters: ParameterSlab, gamma: ParameterID, beta: ParameterID,
    activated: UnsafeMutablePointer<Float>? = nil
  ) -> (sumDy: [Double], sumDyXhat: [Double], rows: Int) {
    let slices = BatchShards.localSlices(rows)
    var local = [Double](repeating: 0, count: slices.count * 2 * channels)
    for (shard, range) in slices.enumerated() {
      var sumDy = [Double](repeating: 0, count: channels)
      var sumDyXhat = [Double](repeating: 0, count: channels)
      BatchNormKernels.addGradientSums(
        x + range.lowerBound * stride, stride: stride, dy + range.lowerBound * channels,
        rows: range.count, channels: channels, mean: mean, invStd: invStd, relu: relu,
        sumDy: &sumDy, sumDyXhat: &sumDyXhat,
        activated: activated.map { $0 + range.lowerBound * channels })
      parameters.selectGradientBank(shard)
      let (dbeta, dgamma) = (parameters.gradientPointer(beta), parameters.gradientPointer(gamma))
      for c in 0..<channels {
        dbeta[c] += Float(sumDy[c])
        dgamma[c] += Float(sumDyXhat[c])
      }
      let block = shard * 2 * channels
      for c in 0..<channels {
        local[block + c] = sumDy[c]
        local[block + channels + c] = sumDyXhat[c]
      }
    }
    parameters.selectGradientBank(0)
    guard throughStatistics else { return ([], [], rows) }
    let both = BatchShards.sumOverShards(local)
    return (Array(both[0..<channels]), Array(both[channels...]), BatchShards.globalCount(rows))
  }

  /// One zeroed block of `channels` doubles per local shard, filled by `fill`, concatenated.
  static func perShard(
    _ slices: [Range<Int>], channels: Int, fill: (Range<Int>, inout [Double]) -> Void
  ) -> [Double] {
    var result: [Double] = []
    result.reserveCapacity(slices.count * channels)
    for range in slices {
      var block = [Double](repeating: 0, count: channels)
      fill(range, &block)
      result += block
    }
    return result
  }
}
