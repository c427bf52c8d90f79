/// One table of the paper: its rows, each either one of our runs read out one way, or a
/// literature result the paper quotes.
public struct TableSpec: Decodable, Equatable, Sendable {
  public var title: String
  /// Metric columns: `rank1`, `rank5`, `rank10`, `mAP`.
  public var metrics: [String]
  /// Test sets, one column group each: `market1501`, `dukemtmc`.
  public var datasets: [String]
  public var rows: [TableRow]
  /// The claims the paper makes about the table, checked under it.
  public var claims: [ClaimSpec]

  enum CodingKeys: String, CodingKey {
    case title, metrics, datasets, rows, claims
  }

  /// A table from its parts.
  public init(
    title: String, metrics: [String], datasets: [String], rows: [TableRow],
    claims: [ClaimSpec] = []
  ) {
    self.title = title
    self.metrics = metrics
    self.datasets = datasets
    self.rows = rows
    self.claims = claims
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    title = try c.decode(String.self, forKey: .title)
    metrics = try c.decode([String].self, forKey: .metrics)
    datasets = try c.decode([String].self, forKey: .datasets)
    rows = try c.decode([TableRow].self, forKey: .rows)
    claims = try c.decodeIfPresent([ClaimSpec].self, forKey: .claims) ?? []
  }

  /// The row called `name`.
  public func row(named name: String) -> TableRow? { rows.first { $0.name == name } }

  /// The runs the table needs, in first-use order.
  public var runNames: [String] {
    var seen = Set<String>()
    return rows.compactMap(\.run).filter { seen.insert($0).inserted }
  }
}

/// One row of a table.
public struct TableRow: Decodable, Equatable, Sendable {
  /// The row label, as in the paper.
  public var name: String
  /// Our run, or nil for a literature row (shown as reported).
  public var run: String?
  /// The descriptor read out: `baseline`, `canpt`, `can`, `can6`, `s1`...`s6`.
  public var readout: String?
  /// Whether k-reciprocal re-ranking is applied.
  public var rerank: Bool?
  /// The paper's values in percent, by dataset and metric (null: not reported).
  public var paper: [String: [String: Double?]]

  /// Whether the row is one of ours (trained and evaluated here).
  public var isOurs: Bool { run != nil }
}

extension Registry {
  static let tableKeys: Set<String> = ["title", "metrics", "datasets", "rows", "claims"]
  static let claimKeys: Set<String> = [
    "claim", "quote", "row", "versus", "versus_best_of", "metric", "datasets", "expect",
  ]
  static let rowKeys: Set<String> = ["name", "run", "readout", "rerank", "paper"]
  /// The metric columns `eval.json` has, in its spelling.
  static let metrics = ["rank1", "rank5", "rank10", "mAP"]
  /// The test sets a table can show.
  static let datasets = ["market1501", "dukemtmc"]
  static let readouts: Set<String> = [
    "baseline", "canpt", "can", "can6", "s1", "s2", "s3", "s4", "s5", "s6",
  ]

  /// Loads and checks a table: known keys, rows naming existing runs and known readouts, and
  /// paper values for each of the table's datasets and metrics.
  public func table(_ name: String) throws -> TableSpec {
    let path = try file("tables", name, kind: "table", known: tableNames)
    let tree = try load(path)
    try ConfigDecoding.checkKeys(tree, allowed: Self.tableKeys, path: [])
    if case .sequence(let rows, _)? = tree["rows"] {
      for (i, row) in rows.enumerated() {
        try ConfigDecoding.checkKeys(row, allowed: Self.rowKeys, path: ["rows", String(i)])
      }
    }
    if case .sequence(let claims, _)? = tree["claims"] {
      for (i, claim) in claims.enumerated() {
        try ConfigDecoding.checkKeys(claim, allowed: Self.claimKeys, path: ["claims", String(i)])
        if let expect = claim["expect"] {
          try ConfigDecoding.checkKeys(
            expect, allowed: ["above", "below"], path: ["claims", String(i), "expect"])
        }
      }
    }
    let spec = try ConfigDecoding.decode(TableSpec.self, from: tree)
    for (key, values, known) in [
      ("metrics", spec.metrics, Self.metrics), ("datasets", spec.datasets, Self.datasets),
    ] {
      if let unknown = values.first(where: { !known.contains($0) }) {
        let origin = tree.origin(at: [key])
        throw ConfigError(
          file: origin.file, line: origin.line, keyPath: key,
          message: "'\(unknown)' is not one of \(known.joined(separator: ", "))")
      }
    }
    let runs = Set(runNames)
    for (i, row) in spec.rows.enumerated() {
      let origin = tree.origin(at: ["rows", String(i)])
      func fail(_ key: String, _ message: String) -> ConfigError {
        ConfigError(
          file: origin.file, line: origin.line, keyPath: "rows.\(i).\(key)", message: message)
      }
      if let run = row.run {
        guard runs.contains(run) else {
          throw fail("run", "no run named '\(run)'; known: \(runNames.joined(separator: ", "))")
        }
        guard let readout = row.readout, Self.readouts.contains(readout) else {
          throw fail(
            "readout", "expected one of \(Self.readouts.sorted().joined(separator: ", "))")
        }
      }
      for dataset in spec.datasets {
        guard let values = row.paper[dataset], Set(values.keys) == Set(spec.metrics) else {
          throw fail(
            "paper", "expected values for \(dataset): \(spec.metrics.joined(separator: ", "))")
        }
      }
    }
    for (i, claim) in spec.claims.enumerated() {
      try check(claim, in: spec, at: tree.origin(at: ["claims", String(i)]), index: i)
    }
    return spec
  }

  /// Throws unless `claim` compares rows of ours in the table, on its test sets, with one
  /// comparison and a range.
  func check(_ claim: ClaimSpec, in spec: TableSpec, at origin: ConfigOrigin, index: Int) throws {
    func fail(_ key: String, _ message: String) -> ConfigError {
      ConfigError(
        file: origin.file, line: origin.line, keyPath: "claims.\(index).\(key)", message: message)
    }
    guard (claim.versus == nil) != (claim.versusBestOf == nil), !claim.others.isEmpty else {
      throw fail(
        "versus", "give either versus (one row) or versus_best_of (a non-empty list of rows)")
    }
    let ours = spec.rows.filter(\.isOurs).map(\.name)
    for (key, name) in [("row", claim.row)] + claim.others.map({ ("versus", $0) }) {
      guard ours.contains(name) else {
        throw fail(key, "no row of ours named '\(name)'; known: \(ours.joined(separator: ", "))")
      }
    }
    guard Self.metrics.contains(claim.metric) else {
      throw fail(
        "metric", "'\(claim.metric)' is not one of \(Self.metrics.joined(separator: ", "))")
    }
    if let unknown = (claim.datasets ?? []).first(where: { !spec.datasets.contains($0) }) {
      throw fail(
        "datasets",
        "'\(unknown)' is not a test set of this table (\(spec.datasets.joined(separator: ", ")))")
    }
    if claim.datasets?.isEmpty == true {
      throw fail("datasets", "expected at least one test set (or no key: all of the table's)")
    }
    let bounds = [claim.expect.above, claim.expect.below].compactMap { $0 }
    guard !bounds.isEmpty, bounds.allSatisfy(\.isFinite) else {
      throw fail("expect", "expected finite numbers for above:, below: or both")
    }
    if let above = claim.expect.above, let below = claim.expect.below, above >= below {
      throw fail("expect", "above (\(above)) must be less than below (\(below))")
    }
  }
}
