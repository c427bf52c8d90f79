import Foundation
import ImageIO
import Models
import ReIDData
import TensorCore

/// How well a parsing run segments LIP's validation images, as fractions in [0, 1].
///
/// Computed at the logits' resolution against nearest-neighbour subsampled label maps (the
/// resolution the stream is trained and its part masks are read at), not at LIP's original
/// image sizes as the LIP benchmark does; pixels labelled 255 are ignored.
public struct ParsingMetrics: Codable, Equatable, Sendable {
  /// Validation images evaluated.
  public var images: Int
  /// Correctly labelled pixels over all labelled pixels.
  public var pixelAccuracy: Double
  /// The mean over classes present in the labels of their recall.
  public var meanAccuracy: Double
  /// The mean over classes present in the labels or predictions of IoU.
  public var meanIoU: Double
  /// IoU per LIP class (0 = background), nil where the class is in neither.
  public var classIoU: [Double?]

  enum CodingKeys: String, CodingKey {
    case images
    case pixelAccuracy = "pixel_accuracy"
    case meanAccuracy = "mean_accuracy"
    case meanIoU = "mean_iou"
    case classIoU = "class_iou"
  }

  /// The metrics of a confusion matrix, `confusion[label * classes + prediction]`.
  public init(confusion: [Int], classes: Int, images: Int) {
    checkPrecondition(
      confusion.count == classes * classes,
      "ParsingMetrics: \(confusion.count) counts for \(classes) classes")
    func round(_ x: Double) -> Double { (x * 1e6).rounded() / 1e6 }
    var correct = 0
    var total = 0
    var recalls: [Double] = []
    var ious: [Double?] = []
    for c in 0..<classes {
      let truePositive = confusion[c * classes + c]
      let labelled = (0..<classes).reduce(0) { $0 + confusion[c * classes + $1] }
      let predicted = (0..<classes).reduce(0) { $0 + confusion[$1 * classes + c] }
      correct += truePositive
      total += labelled
      if labelled > 0 { recalls.append(Double(truePositive) / Double(labelled)) }
      let union = labelled + predicted - truePositive
      ious.append(union > 0 ? Double(truePositive) / Double(union) : nil)
    }
    let present = ious.compactMap { $0 }
    self.images = images
    pixelAccuracy = total > 0 ? round(Double(correct) / Double(total)) : 0
    meanAccuracy = recalls.isEmpty ? 0 : round(recalls.reduce(0, +) / Double(recalls.count))
    meanIoU = present.isEmpty ? 0 : round(present.reduce(0, +) / Double(present.count))
    classIoU = ious.map { $0.map(round) }
  }
}

/// `eval.json` of a parsing run: its LIP validation metrics.
public struct ParsingEvalResults: Codable, Equatable, Sendable {
  public var runID: String
  /// The split evaluated (`lip/val`).
  public var dataset: String
  public var metrics: ParsingMetrics
  /// When evaluation finished, ISO 8601.
  public var finished: String

  enum CodingKeys: String, CodingKey {
    case runID = "run_id"
    case dataset, metrics, finished
  }

  /// Reads `<directory>/eval.json`.
  public static func read(from directory: URL) throws -> ParsingEvalResults {
    try JSONDecoder().decode(
      ParsingEvalResults.self, from: Data(contentsOf: EvalResults.url(directory)))
  }

  /// Writes `<directory>/eval.json` atomically.
  public func write(to directory: URL) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try (encoder.encode(self) + Data("\n".utf8)).write(
      to: EvalResults.url(directory), options: .atomic)
  }
}

/// Evaluates a parsing run on LIP's validation split.
enum ParsingEvaluator {
  /// Segments every validation image with the run's `weights.h5` and writes `eval.json`.
  static func evaluate(_ run: PlannedRun, log: (String) -> Void) throws {
    let config = run.run.config
    let slabs = ModelSlabs()
    let stream = try ReIDNetwork.parsingStream(config.model, slabs)
    try WeightsFile.load(slabs, from: Trainer.weightsURL(run.directory).path)
    let lip = try LIPDataset.load(dataRoot: run.dataFolder)
    let progress = ProgressLine()
    var segmented = 0
    let metrics = try evaluate(stream, slabs: slabs, samples: lip.val, config: config) { images in
      segmented = min(lip.val.count, segmented + images)
      guard Processes.world.isPrimary else { return }
      progress.redraw(
        "\(run.label)  evaluating lip val: \(segmented)/\(lip.val.count) images segmented",
        force: segmented == lip.val.count)
    }
    progress.finish()
    guard Processes.world.isPrimary else { return }
    log(
      String(
        format: "lip val: pixel accuracy %.1f%%, mean IoU %.1f%% (%d images)",
        metrics.pixelAccuracy * 100, metrics.meanIoU * 100, metrics.images))
    try ParsingEvalResults(
      runID: run.id, dataset: "lip/val", metrics: metrics,
      finished: ISO8601DateFormatter().string(from: Date())
    ).write(to: run.directory)
  }

  /// The metrics of `stream` on `samples`, in inference mode, at the configured input size.
  /// Under MPI each process segments its share of the batches and the counts are summed.
  ///
  /// - Parameter progress: called after each batch with its image count, times the process
  ///   count.
  static func evaluate(
    _ stream: ParsingStream, slabs: ModelSlabs, samples: [LIPSample], config: ExperimentConfig,
    progress: (Int) -> Void = { _ in }
  ) throws -> ParsingMetrics {
    let classes = ParsingStream.lipClasses
    let builder = BatchBuilder(
      items: samples.map(DataItem.init),
      augmentation: .evaluation(height: config.data.height, width: config.data.width),
      seed: 0, mirrorLabels: false)
    let decoder = try JPEGDecoder()
    var confusion = ParsingConfusion(classes: classes)
    for range in EvaluationShare(count: samples.count, batch: config.eval.batch).localBatches {
      let indices = Array(range)
      let batch = try builder.build(indices: indices, step: 0, decoder: decoder)
      let (logits, _) = stream.network.forward(batch.images, mode: .inference, slabs)
      confusion.add(
        logits: logits,
        labels: Trainer.subsample(batch.labelMaps ?? [], from: batch.images.shape, to: logits.shape)
      )
      progress(indices.count * Processes.world.size)
    }
    let world = Processes.world
    if world.size > 1 {
      // Integer counts: their sum is exact in any order.
      let all = world.allGatherRows(confusion.counts.map(Double.init))
      var total = ParsingConfusion(classes: classes)
      for rank in 0..<world.size {
        let block = all[rank * classes * classes..<(rank + 1) * classes * classes]
        total.add(counts: block.map { Int($0) })
      }
      confusion = total
    }
    return confusion.metrics(images: samples.count)
  }
}
