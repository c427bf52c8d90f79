import Dispatch

/// What a re-ranking run spent and built, for benchmarks and tests.
public struct ReRankingReport: Sendable {
  /// Wall seconds of each stage, in order.
  public var stages: [(name: String, seconds: Double)] = []
  /// Rows whose order had to be recomputed in full after row scaling created ties at the
  /// edge of the candidate lists.
  public var recomputedRows = 0
  /// Stored entries of the k-reciprocal vectors after query expansion (all items).
  public var vectorEntries = 0

  /// Runs `body` and records its wall time as stage `name`.
  mutating func time<R>(_ name: String, _ body: () throws -> R) rethrows -> R {
    let start = DispatchTime.now().uptimeNanoseconds
    let result = try body()
    stages.append((name, Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9))
    return result
  }
}
