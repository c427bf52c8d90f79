import TensorCore

/// The batch-hard triplet loss of Hermans et al., "In Defense of the Triplet Loss" (2017), with
/// the semantics of torchreid's `TripletLoss`.
///
/// For every anchor `i` of the batch, the hardest positive is the sample with the same label at
/// the largest distance (the anchor itself is a candidate, at distance ~0, as in torchreid) and
/// the hardest negative is the sample with another label at the smallest distance. The loss is
/// `mean_i max(0, margin + d(i, p_i) - d(i, n_i))`, PyTorch's `MarginRankingLoss` with target 1.
///
/// - Distances are `d(a, b) = sqrt(max(||a - b||^2, 1e-12))` (torchreid's
///   `clamp(min=1e-12).sqrt()`). The squared distance is summed from the differences directly,
///   not from a Gram matrix, so identical embeddings give exactly 0. As in PyTorch's `clamp`,
///   the gradient through a clamped distance is zero, so identical embeddings give a finite
///   (zero) gradient, never NaN. Elsewhere `|d d / d a| = 1`, so the gradient is bounded.
/// - Ties in the hardest positive (argmax) or hardest negative (argmin) pick the lowest sample
///   index. (PyTorch's full `max()` would split the gradient evenly among ties; ties only occur
///   for coincident distances, where the loss is not differentiable anyway.)
/// - An anchor is active, and receives gradient, when `margin + d_ap - d_an > 0`. (PyTorch's
///   `clamp_min` also passes the gradient at exactly 0, a measure-zero difference.)
/// - Every anchor needs a negative. That fails only when all labels of the batch are equal, which
///   is a sampler bug (torchreid would crash on an empty `min()`), so it is a precondition
///   failure rather than a silently zero loss.
public struct BatchHardTripletLoss: Sendable, Equatable {
  /// The margin of the hinge (torchreid's default is 0.3; the paper profile uses 0.1).
  public var margin: Float

  /// The squared distance below which distances are clamped (torchreid's `clamp(min=1e-12)`).
  public static let squaredDistanceFloor = 1e-12

  /// A loss with the given hinge `margin`.
  public init(margin: Float = 0.3) {
    self.margin = margin
  }

  /// What `backward` needs from `forward`, plus the batch statistics for logging.
  public struct Cache: Sendable, Equatable {
    /// The batch size N.
    public let count: Int
    /// The feature dimension D.
    public let dimension: Int
    /// For each anchor, the index of its hardest positive (possibly the anchor itself).
    public let hardestPositive: [Int]
    /// For each anchor, the index of its hardest negative.
    public let hardestNegative: [Int]
    /// For each anchor, the unclamped squared distance to its hardest positive.
    public let positiveSquaredDistance: [Double]
    /// For each anchor, the unclamped squared distance to its hardest negative.
    public let negativeSquaredDistance: [Double]
    /// For each anchor, whether its hinge is positive (it contributes loss and gradient).
    public let active: [Bool]
    /// Batch statistics for logging.
    public let statistics: TripletStatistics
  }

  /// Computes the loss and the cache for `backward`.
  ///
  /// embeddings: (N, D), labels: N identities (any integers) -> loss (Float, summed in Double)
  public func forward(embeddings: Tensor, labels: [Int]) -> (loss: Float, cache: Cache) {
    checkPrecondition(
      embeddings.shape.rank == 2,
      "BatchHardTripletLoss: embeddings must be (N, D), got \(embeddings.shape)")
    let n = embeddings.shape[0]
    let d = embeddings.shape[1]
    checkPrecondition(
      labels.count == n,
      "BatchHardTripletLoss: \(labels.count) labels for embeddings \(embeddings.shape)")
    let hasTwoIdentities = labels.contains { $0 != labels.first }
    checkPrecondition(
      hasTwoIdentities,
      "BatchHardTripletLoss: all \(n) labels are equal, so no anchor has a negative; a batch "
        + "needs at least two identities")

    let squared = embeddings.withUnsafeBufferPointer {
      BatchHardTripletLoss.squaredDistances($0, count: n, dimension: d)
    }
    let floor = BatchHardTripletLoss.squaredDistanceFloor
    var positive = [Int](repeating: 0, count: n)
    var negative = [Int](repeating: 0, count: n)
    var positiveSquared = [Double](repeating: 0, count: n)
    var negativeSquared = [Double](repeating: 0, count: n)
    var active = [Bool](repeating: false, count: n)
    var lossSum = 0.0
    var positiveSum = 0.0
    var negativeSum = 0.0
    var activeCount = 0
    for i in 0..<n {
      var bestPositive = -1
      var bestPositiveDistance = -Double.infinity
      var bestNegative = -1
      var bestNegativeDistance = Double.infinity
      for j in 0..<n {
        let distance = max(squared[i * n + j], floor).squareRoot()
        if labels[j] == labels[i] {
          if distance > bestPositiveDistance {
            bestPositiveDistance = distance
            bestPositive = j
          }
        } else if distance < bestNegativeDistance {
          bestNegativeDistance = distance
          bestNegative = j
        }
      }
      positive[i] = bestPositive
      negative[i] = bestNegative
      positiveSquared[i] = squared[i * n + bestPositive]
      negativeSquared[i] = squared[i * n + bestNegative]
      let hinge = Double(margin) + bestPositiveDistance - bestNegativeDistance
      if hinge > 0 {
        active[i] = true
        activeCount += 1
        lossSum += hinge
      }
      positiveSum += bestPositiveDistance
      negativeSum += bestNegativeDistance
    }
    let statistics = TripletStatistics(
      activeFraction: Float(Double(activeCount) / Double(n)),
      meanPositiveDistance: Float(positiveSum / Double(n)),
      meanNegativeDistance: Float(negativeSum / Double(n)))
    let cache = Cache(
      count: n, dimension: d, hardestPositive: positive, hardestNegative: negative,
      positiveSquaredDistance: positiveSquared, negativeSquaredDistance: negativeSquared,
      active: active, statistics: statistics)
    return (Float(lossSum / Double(n)), cache)
  }

  /// Accumulates `upstream * dLoss/dEmbeddings` into `embeddingsGradient`.
  ///
  /// embeddings: (N, D) as given to `forward`; embeddingsGradient: (N, D), accumulated (+=).
  public func backward(
    embeddings: Tensor, cache: Cache, upstream: Float = 1, embeddingsGradient: inout Tensor
  ) {
    let n = cache.count
    let d = cache.dimension
    checkPrecondition(
      embeddings.shape == Shape(n, d),
      "BatchHardTripletLoss.backward: embeddings \(embeddings.shape), cache is (\(n), \(d))")
    checkPrecondition(
      embeddingsGradient.shape == embeddings.shape,
      "BatchHardTripletLoss.backward: gradient \(embeddingsGradient.shape) for embeddings "
        + "\(embeddings.shape)")
    let scale = Double(upstream) / Double(n)
    let floor = BatchHardTripletLoss.squaredDistanceFloor
    embeddings.withUnsafeBufferPointer { x in
      embeddingsGradient.withUnsafeMutableBufferPointer { g in
        for i in 0..<n where cache.active[i] {
          // d d(a, b) / d a = (a - b) / d(a, b); the hinge adds +d_ap and -d_an.
          let sp = cache.positiveSquaredDistance[i]
          if sp > floor {
            let coefficient = Float(scale / sp.squareRoot())
            BatchHardTripletLoss.addPair(
              x, g, i, cache.hardestPositive[i], dimension: d, coefficient: coefficient)
          }
          let sn = cache.negativeSquaredDistance[i]
          if sn > floor {
            let coefficient = Float(-scale / sn.squareRoot())
            BatchHardTripletLoss.addPair(
              x, g, i, cache.hardestNegative[i], dimension: d, coefficient: coefficient)
          }
        }
      }
    }
  }

  /// g[a] += c (x[a] - x[b]); g[b] -= c (x[a] - x[b]), rows of length `dimension`.
  private static func addPair(
    _ x: UnsafeBufferPointer<Float>, _ g: UnsafeMutableBufferPointer<Float>, _ a: Int, _ b: Int,
    dimension: Int, coefficient: Float
  ) {
    let rowA = a * dimension
    let rowB = b * dimension
    for k in 0..<dimension {
      let step = coefficient * (x[rowA + k] - x[rowB + k])
      g[rowA + k] += step
      g[rowB + k] -= step
    }
  }

  /// The (N, N) matrix of squared distances ||x_i - x_j||^2, symmetric with a zero diagonal.
  ///
  /// Each pair is summed once in SIMD16 Float accumulators whose lanes are then added in Double
  /// in a fixed order, so the bits do not depend on the build flags.
  static func squaredDistances(_ x: UnsafeBufferPointer<Float>, count n: Int, dimension d: Int)
    -> [Double]
  {
    var result = [Double](repeating: 0, count: n * n)
    guard let base = x.baseAddress else { return result }
    let raw = UnsafeRawPointer(base)
    let stride = MemoryLayout<Float>.stride
    let vectorEnd = d - d % 16
    for i in 0..<n {
      for j in (i + 1)..<n {
        var accumulator = SIMD16<Float>()
        var k = 0
        while k < vectorEnd {
          let a = raw.loadUnaligned(fromByteOffset: (i * d + k) * stride, as: SIMD16<Float>.self)
          let b = raw.loadUnaligned(fromByteOffset: (j * d + k) * stride, as: SIMD16<Float>.self)
          let diff = a - b
          accumulator += diff * diff
          k += 16
        }
        var sum = 0.0
        for lane in 0..<16 { sum += Double(accumulator[lane]) }
        while k < d {
          let diff = Double(x[i * d + k]) - Double(x[j * d + k])
          sum += diff * diff
          k += 1
        }
        result[i * n + j] = sum
        result[j * n + i] = sum
      }
    }
    return result
  }
}

/// Batch statistics of a triplet loss evaluation, for logging.
public struct TripletStatistics: Sendable, Equatable {
  /// The fraction of anchors whose hinge is positive.
  public var activeFraction: Float
  /// The mean distance from an anchor to its hardest positive.
  public var meanPositiveDistance: Float
  /// The mean distance from an anchor to its hardest negative.
  public var meanNegativeDistance: Float

  /// Statistics from their values.
  public init(activeFraction: Float, meanPositiveDistance: Float, meanNegativeDistance: Float) {
    self.activeFraction = activeFraction
    self.meanPositiveDistance = meanPositiveDistance
    self.meanNegativeDistance = meanNegativeDistance
  }
}
