import Figures
import Foundation

/// Draws figures (`FigureSpec`) into `<results>/figures/`: each from the results cache, the
/// run's saved features or weights, and the dataset's images.
///
/// A figure whose inputs are not on this machine (a clean checkout has the committed
/// eval.json and metrics.jsonl, not the weights or features) is skipped with the reason, and
/// a copy already there is kept.
public struct FigureWriter {
  /// What became of one figure.
  public enum Outcome: Equatable, Sendable {
    case written
    case skipped(String)
  }

  /// The runs the figures are drawn from.
  public var plan: RunPlan
  /// The table whose rows the CMC figures show (nil: a run's readouts).
  public var table: (name: String, spec: TableSpec)?
  /// `<results>/figures`.
  public var folder: URL

  /// A writer over `plan` (and the table it renders, if any) into `folder`.
  public init(plan: RunPlan, table: (name: String, spec: TableSpec)?, folder: URL) {
    self.plan = plan
    self.table = table
    self.folder = folder
  }

  /// Draws `figure`, creating its folder; the file is replaced atomically.
  public func write(_ figure: FigureSpec) throws -> Outcome {
    let url = folder.appendingPathComponent(figure.path)
    try FileManager.default.createDirectory(
      at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    let runs = figure.run.map { plan.instances(of: $0) } ?? []
    switch figure.kind {
    case .cmc:
      let plot: LinePlot?
      if let table, figure.run == nil {
        plot = CMCFigure.table(
          table.name, spec: table.spec, plan: plan, dataset: figure.dataset ?? "")
      } else {
        plot = CMCFigure.run(figure.run ?? "", runs: runs, dataset: figure.dataset ?? "")
      }
      guard let plot else { return .skipped("no evaluated CMC curve") }
      try plot.write(to: url.path)
    case .training:
      let plot =
        figure.dataset == "lip"
        ? TrainingCurveFigure.accuracy(figure.run ?? "", runs: runs)
        : TrainingCurveFigure.loss(figure.run ?? "", runs: runs)
      guard let plot else {
        return .skipped(
          figure.dataset == "lip"
            ? "metrics.jsonl logs no pixel accuracy (runs trained before 2026-12-07)"
            : "no metrics.jsonl")
      }
      try plot.write(to: url.path)
    case .ranks:
      guard let run = runs.first else { return .skipped("not planned") }
      return try RankListFigure.write(run, dataset: figure.dataset ?? "", to: url)
    case .attention, .parsing:
      guard let run = runs.first else { return .skipped("not planned") }
      let weights = Trainer.weightsURL(run.directory)
      guard FileManager.default.fileExists(atPath: weights.path) else {
        return .skipped("\(weights.path) is not here")
      }
      return figure.kind == .attention
        ? try AttentionFigure.write(run, weights: weights, to: url)
        : try ParsingFigure.write(run, weights: weights, to: url)
    }
    return .written
  }
}
