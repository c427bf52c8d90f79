import Foundation

/// Which figures a table or a run has: a fixed function of the registry and the plan, never
/// of which files exist, so a table's links are the same wherever it is rendered.
public enum FigureCatalog {
  /// A table's figures: its CMC curves per test set, then for each run it trains (and each
  /// parsing run those start from) that run's figures.
  public static func table(_ name: String, spec: TableSpec, plan: RunPlan) -> [FigureSpec] {
    var figures = spec.datasets.map {
      FigureSpec(
        kind: .cmc, run: nil, dataset: $0, title: TableRenderer.datasetNames[$0] ?? $0,
        path: "\(name)/cmc-\($0).svg")
    }
    var runs: [String] = []
    for runName in spec.runNames {
      for dependency in plan.instances(of: runName).first?.dependencies ?? []
      where !runs.contains(dependency) {
        runs.append(dependency)
      }
      runs.append(runName)
    }
    for run in runs {
      figures += self.run(run, plan: plan, datasets: spec.datasets, withCMC: false)
    }
    return figures
  }

  /// A run's figures: training curves; for a re-ID run its rank lists per test set (and CMC
  /// curves of its readouts when `withCMC`), and its attention maps when it has a parsing
  /// stream; for a parsing run its accuracy curves and parsing results.
  public static func run(
    _ name: String, plan: RunPlan, datasets: [String]? = nil, withCMC: Bool = true
  ) -> [FigureSpec] {
    guard let first = plan.instances(of: name).first else { return [] }
    let config = first.run.config
    var figures = [
      FigureSpec(
        kind: .training, run: name, dataset: nil, title: "loss", path: "\(name)/training.svg")
    ]
    if config.train.task == "parsing" {
      figures += [
        FigureSpec(
          kind: .training, run: name, dataset: "lip", title: "accuracy",
          path: "\(name)/accuracy.svg"),
        FigureSpec(
          kind: .parsing, run: name, dataset: "lip", title: "parsing", path: "\(name)/parsing.png"),
      ]
      return figures
    }
    for dataset in datasets ?? config.eval.datasets {
      let title = TableRenderer.datasetNames[dataset] ?? dataset
      if withCMC {
        figures.append(
          FigureSpec(
            kind: .cmc, run: name, dataset: dataset, title: "CMC \(title)",
            path: "\(name)/cmc-\(dataset).svg"))
      }
      figures.append(
        FigureSpec(
          kind: .ranks, run: name, dataset: dataset, title: "ranks \(title)",
          path: "\(name)/ranks-\(dataset).png"))
    }
    if config.model.descriptor != "baseline" {
      figures.append(
        FigureSpec(
          kind: .attention, run: name, dataset: nil, title: "attention",
          path: "\(name)/attention.png"))
    }
    return figures
  }
}
