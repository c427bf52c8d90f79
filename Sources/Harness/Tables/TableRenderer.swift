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
  /// Figures shown under the table (`FigureCatalog.table`), linked as `figures/<path>`
  /// relative to the table's file.
  public var figures: [FigureSpec] = []

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
    let results = TableResults(spec: spec, plan: plan)
    let instances = results.instances
    let runs = instances.map(\.run)
    var lines = ["# \(title): \(spec.title)", ""]
    if profile != "paper" {
      lines += [
        "> **Not comparable with the paper.** These numbers come from the `\(profile)` profile "
          + "(scaled-down backbones, short training, \(dataDescription(runs)))"
          + ". They check that the pipeline works end to end; the paper's values are shown for "
          + "reference. Run `make \(name) PROFILE=paper` on the real datasets to reproduce the paper.",
        "",
      ]
    }
    let commits = Set(instances.compactMap(\.manifest?.commit)).sorted()
    let dates = instances.compactMap { $0.eval?.finished.prefix(10) }.map(String.init).sorted()
    let seeds = results.seeds
    lines += [
      "- Profile: `\(profile)`; data: \(dataDescription(runs))",
      seeds.count > 1
        ? "- Seeds: \(seeds.map(String.init).joined(separator: ", ")), each its own training run "
          + "(the parsing streams are pretrained once)"
        : "- Seed: \(seeds.first.map(String.init) ?? "none")",
      "- Runs: "
        + spec.runNames.map { name in
          runLine(name, results.runs[name] ?? [])
        }.joined(separator: ", "),
      "- Trained at commit: \(commits.isEmpty ? "none yet" : commits.joined(separator: ", "))"
        + "; evaluated: \(dates.last ?? "not yet")",
    ]
    lines += parsingLines(runs)
    lines += [
      seeds.count > 1
        ? "- Cells: ours / paper (ours − paper), in percent; ours is the mean ± sample standard "
          + "deviation over the seeds, (n=k) where only k seeds have a value. Rows without a "
          + "run are results the paper quotes from the literature, shown as reported."
        : "- Cells: ours / paper (ours − paper), in percent. Rows without a run are results the "
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
          line +=
            " \(cell(row, dataset: dataset, metric: metric, paper: paper, results: results)) |"
        }
      }
      lines.append(line)
    }
    if !spec.claims.isEmpty {
      lines += [""] + ClaimsSection(spec: spec, results: results).lines
    }
    if !figures.isEmpty {
      lines += [""] + FiguresSection(figures: figures, seeds: seeds).lines
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// `name` (`id`) for one seed; `name` (seed 1 `id`, seed 2 `id`, ...) for several.
  func runLine(_ name: String, _ instances: [TableResults.Instance]) -> String {
    guard !instances.isEmpty else { return "`\(name)` (not planned)" }
    let parts = instances.map { instance in
      let seed = instances.count == 1 ? "" : "seed \(instance.run.seed) "
      return "\(seed)`\(instance.run.id)`\(instance.eval == nil ? ", not evaluated" : "")"
    }
    return "`\(name)` (\(parts.joined(separator: ", ")))"
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

  var title: String { Self.title(of: name) }

  /// "Table 1" for `table1`; other names as they are.
  static func title(of name: String) -> String {
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
    _ row: TableRow, dataset: String, metric: String, paper: Double?, results: TableResults
  ) -> String {
    let paperText = paper.map { format($0) } ?? "–"
    guard let runName = row.run else { return "\(paperText) (reported)" }
    let summary = SeedSummary(results.values(row, dataset: dataset, metric: metric))
    guard let mean = summary.mean else {
      return "\(results.missingReason(row, dataset: dataset)) / \(paperText)"
    }
    let planned = results.runs[runName]?.count ?? 0
    var ours = format(mean)
    if let sd = summary.standardDeviation { ours += " ± \(format(sd))" }
    if summary.count < planned { ours += " (n=\(summary.count))" }
    guard let paper else { return "\(ours) / –" }
    return "\(ours) / \(paperText) (\(signed(mean - paper)))"
  }

  /// x with one decimal and a sign (− for negative, as typeset).
  func signed(_ x: Double) -> String {
    let text = format(abs(x))
    return (x < 0 && text != "0.0" ? "−" : "+") + text
  }

  func format(_ x: Double) -> String { String(format: "%.1f", x) }
}
