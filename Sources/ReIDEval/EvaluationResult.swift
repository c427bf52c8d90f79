import TensorCore

/// CMC and mAP of a distance matrix under the single-query Market protocol.
public struct EvaluationResult: Sendable, Equatable {
  /// CMC(k) for k = 1 ... min(maxRank, gallery size): the fraction of evaluated queries
  /// whose first true match ranks within the top k (float32, as the reference computes it).
  public let cmc: [Float]
  /// The mean over evaluated queries of the non-interpolated average precision.
  public let mAP: Double
  /// Queries with at least one true match, which CMC and mAP average over.
  public let evaluatedQueries: Int
  /// Queries without a true match once same-pid same-camera items are dropped.
  public let skippedQueries: Int
  /// Evaluated queries by the 0-based rank of their first true match, over the whole
  /// gallery (so ranks beyond `cmc.count` are known too).
  public let firstMatchCounts: [Int]

  /// CMC at rank `k` (1-based) for any k, even past `maxRank`: past the gallery size every
  /// evaluated query has found its first match.
  public func rank(_ k: Int) -> Float {
    checkPrecondition(k >= 1, "EvaluationResult.rank: k = \(k)")
    var found = 0
    for r in 0..<min(k, firstMatchCounts.count) { found += firstMatchCounts[r] }
    return Float(found) / Float(evaluatedQueries)
  }
}
