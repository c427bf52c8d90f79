/// A claim the paper makes about a table, as data: "row beats other by a range of points".
///
/// The comparison is paired by seed: for each seed, the row's value minus the other row's
/// (or minus the best of several rows), in points, averaged over the named test sets.
public struct ClaimSpec: Decodable, Equatable, Sendable {
  /// The claim in short (the heading of its check).
  public var claim: String
  /// The paper's own words, quoted.
  public var quote: String
  /// The row the claim is about.
  public var row: String
  /// The row it is compared with; or, with `versusBestOf`, nil.
  public var versus: String?
  /// Rows whose best value (per seed and test set) it is compared with.
  public var versusBestOf: [String]?
  /// The metric compared (`rank1`, `rank5`, `rank10`, `mAP`).
  public var metric: String
  /// Test sets averaged over (default: every test set of the table).
  public var datasets: [String]?
  /// The range the difference must lie in for the claim to hold.
  public var expect: ClaimRange

  enum CodingKeys: String, CodingKey {
    case claim, quote, row, versus, metric, datasets, expect
    case versusBestOf = "versus_best_of"
  }

  /// The rows compared with `row`.
  public var others: [String] { versus.map { [$0] } ?? versusBestOf ?? [] }
}
