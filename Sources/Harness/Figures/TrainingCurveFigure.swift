import Figures
import Foundation

/// Training curves from `metrics.jsonl`: the loss of each seed against the step, and for
/// parsing runs the pixel accuracy and mean IoU over the batches between logging steps.
enum TrainingCurveFigure {
  /// The loss of every seed of `name`; nil when no seed has logged a step.
  static func loss(_ name: String, runs: [PlannedRun]) -> LinePlot? {
    let series = runs.compactMap { run -> LinePlot.Series? in
      let lines = metrics(run)
      guard !lines.isEmpty else { return nil }
      return LinePlot.Series(
        name: runs.count > 1 ? "seed \(run.seed)" : "loss",
        points: lines.compactMap { line in
          line["loss"].map { LinePlot.Point(x: line["step"] ?? 0, y: $0) }
        })
    }
    guard !series.isEmpty else { return nil }
    let task =
      runs.first?.run.config.train.task == "parsing"
      ? "per-pixel cross-entropy" : "batch-hard triplet loss"
    return LinePlot(
      title: "\(name): training loss", xLabel: "step", yLabel: task, series: series)
  }

  /// Pixel accuracy and mean IoU (%) of a parsing run's training batches.
  static func accuracy(_ name: String, runs: [PlannedRun]) -> LinePlot? {
    var series: [LinePlot.Series] = []
    for run in runs {
      let lines = metrics(run)
      let suffix = runs.count > 1 ? ", seed \(run.seed)" : ""
      for (key, title, dashed) in [
        ("pixel_acc", "pixel accuracy", false), ("miou", "mean IoU", true),
      ] {
        let points = lines.compactMap { line in
          line[key].map { LinePlot.Point(x: line["step"] ?? 0, y: $0 * 100) }
        }
        if !points.isEmpty {
          series.append(LinePlot.Series(name: title + suffix, points: points, dashed: dashed))
        }
      }
    }
    guard !series.isEmpty else { return nil }
    return LinePlot(
      title: "\(name): training batches' pixel accuracy and mean IoU", xLabel: "step",
      yLabel: "percent", series: series)
  }

  /// The numeric fields of each line of the run's `metrics.jsonl` (empty when absent).
  static func metrics(_ run: PlannedRun) -> [[String: Double]] {
    let url = run.directory.appendingPathComponent("metrics.jsonl")
    guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
    return text.split(separator: "\n").compactMap { line in
      guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
      else { return nil }
      return object.compactMapValues { ($0 as? NSNumber)?.doubleValue }
    }
  }
}
