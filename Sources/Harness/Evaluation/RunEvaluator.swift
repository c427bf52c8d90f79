import Foundation
import ImageIO
import Models
import ReIDData
import ReIDEval
import TensorCore

/// Evaluates a trained run: features of every readout on every test set, CMC and mAP, and
/// re-ranked metrics for the descriptor the run trained; writes `eval.json`. A parsing run is
/// evaluated on LIP's validation split instead (`ParsingEvaluator`).
public enum RunEvaluator {
  /// Evaluates `run` from its `weights.h5`.
  public static func evaluate(_ run: PlannedRun, log: (String) -> Void) throws {
    let config = run.run.config
    if config.train.task == "parsing" {
      try ParsingEvaluator.evaluate(run, log: log)
      return
    }
    let slabs = ModelSlabs()
    let network = try ReIDNetwork.make(config.model, slabs)
    try WeightsFile.load(slabs, from: Trainer.weightsURL(run.directory).path)
    let trained = try ReIDNetwork.readout(config.model.descriptor)
    let options = ReRankingOptions(
      k1: config.eval.rerankK1, k2: config.eval.rerankK2, lambda: Double(config.eval.rerankLambda))
    var datasets: [String: [String: ReadoutMetrics]] = [:]
    let progress = ProgressLine()
    defer { progress.finish() }
    for kind in try ReIDDatasetKind.named(config.eval.datasets, keyPath: "eval.datasets") {
      let name = kind.rawValue
      let dataset = try ReIDDataset.load(kind, dataRoot: run.dataFolder)
      var embedded = 0
      let total = dataset.query.count + dataset.gallery.count
      let report = { (images: Int) in
        embedded = min(total, embedded + images)
        guard Processes.world.isPrimary else { return }
        progress.redraw(
          "\(run.label)  evaluating \(name): \(embedded)/\(total) images embedded",
          force: embedded == total)
      }
      let query = try features(
        dataset.query, network: network, slabs: slabs, config: config, progress: report)
      let gallery = try features(
        dataset.gallery, network: network, slabs: slabs, config: config, progress: report)
      // Every process embedded its share; rank 0 alone computes the metrics and writes.
      guard Processes.world.isPrimary else { continue }
      var byReadout: [String: ReadoutMetrics] = [:]
      for readout in network.readouts {
        guard let q = query[readout], let g = gallery[readout] else { continue }
        let distances = EuclideanDistance.matrix(
          query: q.features, gallery: g.features, threads: config.blas.threads)
        let plain = try Evaluation.evaluate(
          distances: distances, query: q.labels, gallery: g.labels, maxRank: config.eval.maxRank,
          threads: config.blas.threads)
        var rerank: Metrics?
        if readout == trained {
          let reranked = try ReRanking.rerank(
            query: q.features, gallery: g.features, options: options,
            threads: config.blas.threads)
          rerank = metrics(
            try Evaluation.evaluate(
              distances: reranked, query: q.labels, gallery: g.labels,
              maxRank: config.eval.maxRank, threads: config.blas.threads))
        }
        byReadout[readout.tableName] = ReadoutMetrics(plain: metrics(plain), rerank: rerank)
      }
      if config.eval.saveFeatures, var q = query[trained], var g = gallery[trained] {
        q.paths = dataset.query.map(\.path)
        g.paths = dataset.gallery.map(\.path)
        let url = featuresURL(run.directory, dataset: name, readout: trained)
        try FileManager.default.createDirectory(
          at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FeatureFile(query: q, gallery: g).write(to: url.path)
      }
      datasets[name] = byReadout
      if let m = byReadout[trained.tableName]?.plain {
        progress.finish()
        log(
          String(
            format: "%@ %@: rank-1 %.1f%%, mAP %.1f%% (%d queries)", name, trained.tableName,
            m.rank1 * 100, m.mAP * 100, m.queries))
      }
    }
    guard Processes.world.isPrimary else { return }
    try EvalResults(
      runID: run.id, normalize: config.eval.normalize, flip: config.eval.flip,
      rerank: ["k1": Double(options.k1), "k2": Double(options.k2), "lambda": options.lambda],
      datasets: datasets, finished: ISO8601DateFormatter().string(from: Date())
    ).write(to: run.directory)
  }

  /// Where the features of `readout` on `dataset` are saved (`eval.save_features`).
  public static func featuresURL(_ directory: URL, dataset: String, readout: Readout) -> URL {
    directory.appendingPathComponent("features/\(dataset)-\(readout.tableName).h5")
  }

  static func metrics(_ result: EvaluationResult) -> Metrics {
    func round(_ x: Double) -> Double { (x * 1e6).rounded() / 1e6 }
    return Metrics(
      rank1: round(Double(result.rank(1))), rank5: round(Double(result.rank(5))),
      rank10: round(Double(result.rank(10))), mAP: round(result.mAP),
      queries: result.evaluatedQueries, skipped: result.skippedQueries,
      cmc: result.cmc.map { round(Double($0)) })
  }

  /// Every readout's features of `images`, extracted in inference mode in batches. Under
  /// MPI each process embeds its share of the batches (`EvaluationShare`) and every process
  /// returns all the features, in image order.
  ///
  /// - Parameter progress: called after each batch with its image count (every process's
  ///   batches are counted as this process's share, scaled; only rank 0 draws).
  static func features(
    _ images: [ReIDImage], network: ReIDNetwork, slabs: ModelSlabs, config: ExperimentConfig,
    progress: (Int) -> Void = { _ in }
  ) throws -> [Readout: FeatureSplit] {
    let builder = BatchBuilder(
      items: images.map(DataItem.init),
      augmentation: .evaluation(height: config.data.height, width: config.data.width),
      seed: 0, mirrorLabels: false)
    let decoder = try JPEGDecoder()
    let options = FeatureOptions(flipAverage: config.eval.flip, l2Normalize: config.eval.normalize)
    var builders: [Readout: FeatureSplitBuilder] = [:]
    let share = EvaluationShare(count: images.count, batch: config.eval.batch)
    for range in share.localBatches {
      let indices = Array(range)
      let batch = try builder.build(indices: indices, step: 0, decoder: decoder)
      let (readouts, _) = network.forward(batch.images, mode: .inference, slabs)
      let flipped =
        config.eval.flip
        ? network.forward(mirrored(batch.images), mode: .inference, slabs).0 : nil
      let pids = indices.map { Int64(images[$0].pid) }
      let camids = indices.map { Int64(images[$0].camera) }
      for (readout, value) in readouts {
        var split =
          builders[readout] ?? FeatureSplitBuilder(dimension: value.shape[1], options: options)
        split.append(value, flipped: flipped?[readout], pids: pids, camids: camids)
        builders[readout] = split
      }
      progress(indices.count * Processes.world.size)
    }
    let world = Processes.world
    if world.size == 1 { return builders.mapValues { $0.build() } }
    // Every readout in one fixed order on every process (a process may have no batch).
    let labels = IdentityLabels(
      pids: images.map { Int64($0.pid) }, camids: images.map { Int64($0.camera) })
    var splits: [Readout: FeatureSplit] = [:]
    for readout in network.readouts {
      let all = world.allGatherRows(builders[readout]?.build().features.scalars ?? [])
      guard !all.isEmpty, all.count % images.count == 0 else { continue }
      splits[readout] = FeatureSplit(
        features: Tensor(shape: [images.count, all.count / images.count], scalars: all),
        labels: labels)
    }
    return splits
  }

  /// x: (N, H, W, C) mirrored left to right.
  static func mirrored(_ x: Tensor) -> Tensor {
    let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    var y = Tensor(shape: x.shape)
    x.withUnsafePointer { src in
      y.withUnsafeMutablePointer { dst in
        for row in 0..<(n * h) {
          for j in 0..<w {
            (dst + (row * w + j) * c).update(from: src + (row * w + (w - 1 - j)) * c, count: c)
          }
        }
      }
    }
    return y
  }
}

extension Readout {
  /// The readout's name in the registry's tables (`can6` for CAN-6).
  public var tableName: String { self == .can6 ? "can6" : rawValue }
}
