import Foundation

/// Renders a table of the paper from the results cache: our value, the paper's and the
/// difference per cell, with a header saying where the numbers come from.
///
/// The output depends only on the registry and the cache (dates and commits come from the
/// runs' own files), so re-rendering an unchanged cache gives the same bytes.
public struct TableRenderer {
  public var name: String
  public var spec: TableSpec
  public var profile: String
  public var plan: RunPlan

  static let datasetNames = ["market1501": "Market-1501", "dukemtmc": "DukeMTMC-reID"]
  static let metricNames = ["rank1": "R-1", "rank5": "R-5", "rank10": "R-10", "mAP": "mAP"]

  /// A renderer for table `name` over the runs of `plan`.
  public init(name: String, spec: TableSpec, profile: String, plan: RunPlan) {
    self.name = name
    self.spec = spec
    self.profile = profile
    self.plan = plan
  }

  /// The Markdown text.
  public func render() -> String {
    var runs: [String: (PlannedRun, EvalResults?, Manifest?)] = [:]
    for name in spec.runNames {
      guard let run = plan[name] else { continue }
      runs[name] = (
        run, try? EvalResults.read(from: run.directory), try? Manifest.read(from: run.directory)
      )
    }
    var lines = ["# \(title): \(spec.title)", ""]
    if profile != "paper" {
      lines += [
        "> **Not comparable with the paper.** These numbers come from the `\(profile)` profile "
          + "(scaled-down backbones, short training, \(dataDescription(runs.values.map(\.0))))"
          + ". They check that the pipeline works end to end; the paper's values are shown for "
          + "reference. Run `make \(name) PROFILE=paper` on the real datasets to reproduce the paper.",
        "",
      ]
    }
    let manifests = runs.values.compactMap(\.2)
    let commits = Set(manifests.map(\.commit)).sorted()
    let dates = runs.values.compactMap { $0.1?.finished.prefix(10) }.map(String.init).sorted()
    lines += [
      "- Profile: `\(profile)`; data: \(dataDescription(runs.values.map(\.0)))",
      "- Runs: "
        + spec.runNames.map { name in
          runs[name].map { "`\(name)` (`\($0.0.id)`\($0.1 == nil ? ", not evaluated" : ""))" }
            ?? "`\(name)` (not planned)"
        }.joined(separator: ", "),
      "- Trained at commit: \(commits.isEmpty ? "none yet" : commits.joined(separator: ", "))"
        + "; evaluated: \(dates.last ?? "not yet")",
    ]
    lines += parsingLines(runs.values.map(\.0))
    lines += [
      "- Cells: ours / paper (ours − paper), in percent. Rows without a run are results the "
        + "paper quotes from the literature, shown as reported.",
      "",
    ]
    var header = "| Method |"
    var rule = "|---|"
    for dataset in spec.datasets {
      for metric in spec.metrics {
        header +=
          " \(Self.datasetNames[dataset] ?? dataset) \(Self.metricNames[metric] ?? metric) |"
        rule += "---:|"
      }
    }
    lines += [header, rule]
    for row in spec.rows {
      var line = "| \(row.name) |"
      for dataset in spec.datasets {
        for metric in spec.metrics {
          let paper = row.paper[dataset]?[metric] ?? nil
          line += " \(cell(row, dataset: dataset, metric: metric, paper: paper, runs: runs)) |"
        }
      }
      lines.append(line)
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// One line per parsing run the table's runs start from: its LIP validation metrics, so a
  /// reader can tell whether the part masks mean anything.
  func parsingLines(_ runs: [PlannedRun]) -> [String] {
    let names = Set(runs.flatMap(\.dependencies)).sorted()
    return names.compactMap { name in
      guard let run = plan[name] else { return nil }
      guard let results = try? ParsingEvalResults.read(from: run.directory) else {
        return "- Parsing stream `\(name)` (`\(run.id)`): not evaluated"
      }
      let m = results.metrics
      return String(
        format: "- Parsing stream `%@` (`%@`), LIP val at the logits' resolution: "
          + "pixel accuracy %.1f, mean IoU %.1f", name, run.id, m.pixelAccuracy * 100,
        m.meanIoU * 100)
    }
  }

  var title: String {
    name.hasPrefix("table") ? "Table \(name.dropFirst(5))" : name
  }

  func dataDescription(_ runs: [PlannedRun]) -> String {
    let sources = Set(
      runs.map { run -> String in
        let data = run.run.config.data
        return data.source == "synthetic"
          ? "synthetic (preset `\(data.syntheticPreset)`, seed \(data.syntheticSeed), "
            + "fingerprint `\(run.fingerprint)`)"
          : "real Market-1501 / DukeMTMC-reID (fingerprint `\(run.fingerprint)`)"
      })
    return sources.isEmpty ? "none" : sources.sorted().joined(separator: "; ")
  }

  func cell(
    _ row: TableRow, dataset: String, metric: String, paper: Double?,
    runs: [String: (PlannedRun, EvalResults?, Manifest?)]
  ) -> String {
    let paperText = paper.map { format($0) } ?? "–"
    guard let runName = row.run, let readout = row.readout else {
      return "\(paperText) (reported)"
    }
    guard let results = runs[runName]?.1, let metrics = results.datasets[dataset]?[readout]
    else { return "not run / \(paperText)" }
    // Evaluation re-ranks only the readout the run trains.
    guard let chosen = row.rerank == true ? metrics.rerank : metrics.plain else {
      return "not re-ranked / \(paperText)"
    }
    guard let value = chosen.value(metric) else { return "not run / \(paperText)" }
    let ours = value * 100
    guard let paper else { return "\(format(ours)) / –" }
    let difference = ours - paper
    return
      "\(format(ours)) / \(paperText) (\(difference >= 0 ? "+" : "−")\(format(abs(difference))))"
  }

  func format(_ x: Double) -> String { String(format: "%.1f", x) }
}
