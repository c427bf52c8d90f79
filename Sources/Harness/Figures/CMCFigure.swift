import Figures
import Foundation

/// CMC curves as line plots: a table's rows on one test set, or a run's readouts; each the
/// mean over seeds, with a band of ± one standard deviation where there are two or more.
enum CMCFigure {
  /// Every row of ours of `spec` on `dataset` (re-ranked rows from their re-ranked CMC); nil
  /// when no row has an evaluated curve.
  static func table(_ name: String, spec: TableSpec, plan: RunPlan, dataset: String)
    -> LinePlot?
  {
    let results = TableResults(spec: spec, plan: plan)
    let rows = spec.rows.filter(\.isOurs).map { row in
      (row.name, results.cmc(row, dataset: dataset).sorted { $0.key < $1.key }.map(\.value))
    }
    let series = rows.compactMap { self.series($0.0, curves: $0.1) }
    // The seeds behind the curves, not those planned (some may not be evaluated yet).
    let seeds = rows.map(\.1.count).max() ?? 0
    return plot(
      title: "\(TableRenderer.title(of: name)): CMC on "
        + "\(TableRenderer.datasetNames[dataset] ?? dataset)"
        + (seeds > 1 ? " (mean of \(seeds) seeds, band ± sd)" : ""),
      series: series)
  }

  /// Every readout of a run's seeds on `dataset` (and the re-ranked trained readout).
  static func run(_ name: String, runs: [PlannedRun], dataset: String) -> LinePlot? {
    let evals = runs.compactMap { try? EvalResults.read(from: $0.directory) }
    var readouts = Set(evals.flatMap { $0.datasets[dataset]?.keys ?? [:].keys })
    // A CAN model's baseline readout is its S6: one line for both.
    if readouts.contains("s6") { readouts.remove("baseline") }
    var series: [LinePlot.Series] = []
    for readout in readouts.sorted() {
      let byRun = evals.compactMap { $0.datasets[dataset]?[readout] }
      if let s = self.series(readout, curves: byRun.compactMap { $0.plain.cmc.map(percent) }) {
        series.append(s)
      }
      if let s = self.series(
        "\(readout) + re-ranking", curves: byRun.compactMap { $0.rerank?.cmc.map(percent) })
      {
        series.append(s)
      }
    }
    return plot(
      title: "\(name): CMC on \(TableRenderer.datasetNames[dataset] ?? dataset)"
        + (evals.count > 1 ? " (mean of \(evals.count) seeds, band ± sd)" : ""),
      series: series)
  }

  /// The mean curve over `curves` (each in percent, rank 1 first; cut to the shortest), with
  /// a ± sd band from two curves on.
  static func series(_ name: String, curves: [[Double]]) -> LinePlot.Series? {
    guard let length = curves.map(\.count).min(), length > 0 else { return nil }
    var means: [Double] = []
    var band: [LinePlot.Interval] = []
    for rank in 0..<length {
      let summary = SeedSummary(
        Dictionary(uniqueKeysWithValues: curves.enumerated().map { (UInt64($0), $1[rank]) }))
      let mean = summary.mean ?? .nan
      means.append(mean)
      let sd = summary.standardDeviation ?? 0
      // A rate stays within 0...100 whatever the spread.
      band.append(LinePlot.Interval(lower: max(0, mean - sd), upper: min(100, mean + sd)))
    }
    return LinePlot.Series(
      name: name, x: (1...length).map(Double.init), y: means,
      band: curves.count > 1 ? band : nil, markers: length <= 20)
  }

  /// Fractions as percentages.
  static func percent(_ fractions: [Double]) -> [Double] { fractions.map { $0 * 100 } }

  static func plot(title: String, series: [LinePlot.Series]) -> LinePlot? {
    guard !series.isEmpty else { return nil }
    let ranks = Double(series.map(\.points.count).max() ?? 1)
    return LinePlot(
      title: title, xLabel: "rank", yLabel: "matching rate (%)", series: series,
      xRange: 1...max(2, ranks), yRange: 0...100)
  }
}
