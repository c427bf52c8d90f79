import Foundation

/// A paper's claim checked against our seeds: the paired difference per seed, its spread,
/// and a verdict by a written-down criterion.
///
/// For each seed s: d_s = the mean over the claim's test sets of (row − other) in points,
/// where "other" is the compared row, or the best of the compared rows, of that seed and
/// test set. The claim is *supported* when the 95 % t-interval of the mean of d lies inside
/// the claimed range, *contradicted* when it lies wholly outside it, and *cannot tell*
/// otherwise, or with fewer than two seeds.
public struct ClaimCheck {
  /// What the numbers say of a claim.
  public enum Verdict: String, Sendable {
    case supported = "supported"
    case contradicted = "contradicted"
    case cannotTell = "cannot tell"
    case notRun = "not run"
  }

  /// The claim checked.
  public var claim: ClaimSpec
  /// The test sets averaged over.
  public var datasets: [String]
  /// d by seed (seeds with every value the claim needs).
  public var differences: SeedSummary
  /// The same difference from the paper's own table, nil where it lacks a value.
  public var paperDifference: Double?

  /// Checks `claim` against `results`.
  public init(_ claim: ClaimSpec, results: TableResults) {
    self.claim = claim
    let spec = results.spec
    datasets = claim.datasets ?? spec.datasets
    let row = spec.row(named: claim.row)
    let others = claim.others.compactMap(spec.row(named:))
    var bySeed: [UInt64: Double] = [:]
    for seed in results.seeds {
      let perDataset = datasets.map { dataset -> Double? in
        guard let row,
          let value = results.values(row, dataset: dataset, metric: claim.metric)[seed]
        else { return nil }
        let compared = others.map {
          results.values($0, dataset: dataset, metric: claim.metric)[seed]
        }
        return Self.difference(value, compared)
      }
      if let all = Self.complete(perDataset) { bySeed[seed] = all.reduce(0, +) / Double(all.count) }
    }
    differences = SeedSummary(bySeed)
    let paper = datasets.map { dataset -> Double? in
      guard let value = row?.paper[dataset]?[claim.metric] ?? nil else { return nil }
      return Self.difference(value, others.map { $0.paper[dataset]?[claim.metric] ?? nil })
    }
    paperDifference = Self.complete(paper).map { $0.reduce(0, +) / Double($0.count) }
  }

  /// value − the best of `compared`; nil when any is missing (or none is given).
  static func difference(_ value: Double, _ compared: [Double?]) -> Double? {
    guard let values = complete(compared), let best = values.max() else { return nil }
    return value - best
  }

  /// The values when none is missing.
  static func complete(_ values: [Double?]) -> [Double]? {
    let present = values.compactMap { $0 }
    return present.count == values.count && !present.isEmpty ? present : nil
  }

  /// The verdict of the criterion above.
  public var verdict: Verdict {
    guard differences.count > 0 else { return .notRun }
    guard let interval = differences.interval95 else { return .cannotTell }
    let range = claim.expect
    if range.contains(interval.lowerBound) && range.contains(interval.upperBound) {
      return .supported
    }
    let belowRange = range.above.map { interval.upperBound <= $0 } ?? false
    let aboveRange = range.below.map { interval.lowerBound >= $0 } ?? false
    return belowRange || aboveRange ? .contradicted : .cannotTell
  }

  /// How many seeds' own difference lies in the claimed range.
  public var seedsInRange: Int {
    differences.values.filter { claim.expect.contains($0.value) }.count
  }
}
