import Foundation

/// The evaluated results behind a table: for each row of ours, the metrics of every seed of
/// its run, read from the results cache.
public struct TableResults {
  /// One seed of a run: where it is, and what it wrote.
  public struct Instance {
    /// The planned run (one seed).
    public var run: PlannedRun
    /// Its `eval.json`, nil while not evaluated (or unreadable).
    public var eval: EvalResults?
    /// Its `manifest.json`, nil while not trained.
    public var manifest: Manifest?
  }

  /// The table.
  public var spec: TableSpec
  /// The plan its runs come from.
  public var plan: RunPlan
  /// Registry run name -> its seeds, in plan order.
  public var runs: [String: [Instance]]

  /// Reads the cache of every run the table needs.
  public init(spec: TableSpec, plan: RunPlan) {
    self.spec = spec
    self.plan = plan
    var runs: [String: [Instance]] = [:]
    for name in spec.runNames {
      runs[name] = plan.instances(of: name).map { run in
        Instance(
          run: run, eval: try? EvalResults.read(from: run.directory),
          manifest: try? Manifest.read(from: run.directory))
      }
    }
    self.runs = runs
  }

  /// Every instance of every run, in the table's run order.
  public var instances: [Instance] { spec.runNames.flatMap { runs[$0] ?? [] } }

  /// The seeds the table's runs are planned with, ascending.
  public var seeds: [UInt64] { Set(instances.map(\.run.seed)).sorted() }

  /// Why a row of ours has no value on `dataset`: "not run" or "not re-ranked" (evaluated,
  /// but only without re-ranking).
  public func missingReason(_ row: TableRow, dataset: String) -> String {
    let evaluated = (runs[row.run ?? ""] ?? []).compactMap {
      $0.eval?.datasets[dataset]?[row.readout ?? ""]
    }
    return row.rerank == true && !evaluated.isEmpty ? "not re-ranked" : "not run"
  }

  /// The row's metrics on `dataset` for each seed that has them (re-ranked when the row
  /// says so); empty for a literature row.
  public func metrics(_ row: TableRow, dataset: String) -> [UInt64: Metrics] {
    guard let name = row.run, let readout = row.readout else { return [:] }
    var result: [UInt64: Metrics] = [:]
    for instance in runs[name] ?? [] {
      guard let readoutMetrics = instance.eval?.datasets[dataset]?[readout],
        let chosen = row.rerank == true ? readoutMetrics.rerank : readoutMetrics.plain
      else { continue }
      result[instance.run.seed] = chosen
    }
    return result
  }

  /// The row's `metric` on `dataset` in percent, by seed.
  public func values(_ row: TableRow, dataset: String, metric: String) -> [UInt64: Double] {
    metrics(row, dataset: dataset).compactMapValues { $0.value(metric).map { $0 * 100 } }
  }

  /// The row's CMC curve on `dataset` in percent (rank 1 first), by seed.
  public func cmc(_ row: TableRow, dataset: String) -> [UInt64: [Double]] {
    metrics(row, dataset: dataset).compactMapValues { $0.cmc?.map { $0 * 100 } }
  }
}
