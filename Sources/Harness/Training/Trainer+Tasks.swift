import Foundation
import Layers
import Losses
import Models
import ReIDData
import TensorCore

extension Trainer {
  /// The re-ID loop: batch-hard triplet loss on the configured descriptor.
  static func trainReID(
    _ job: TrainingJob, network: ReIDNetwork, slabs: ModelSlabs, streams: RandomStreams,
    store: CheckpointStore, configText: String
  ) throws -> Int {
    let config = job.run.config
    let readout = try ReIDNetwork.readout(config.model.descriptor)
    let (sampler, builder) = try reIDData(config, folder: job.dataFolder)
    let loss = BatchHardTripletLoss(margin: config.train.margin)
    return try optimize(
      job, slabs: slabs, streams: streams, store: store, configText: configText,
      sampler: sampler, builder: builder,
      frozenPrefixes: config.model.parsingTrainable ? [] : ["parsing."],
      architecture: "reid:\(config.model.backbone):\(config.model.descriptor)"
    ) { batch, _ in
      let (readouts, cache) = network.forward(batch.images, mode: .training, slabs)
      guard let local = readouts[readout] else {
        throw ConfigError(
          file: ExperimentConfig.unlocated, keyPath: "model.descriptor",
          message: "this network has no \(readout) readout")
      }
      // Batch-hard mining over the whole batch: every rank gathers every shard's embeddings,
      // computes the same loss, and back-propagates its own rows.
      let embeddings = gatherRows(local, batchRows: batch.labels.count)
      let (value, lossCache) = loss.forward(embeddings: embeddings, labels: batch.labels)
      var gradient = Tensor(shape: embeddings.shape)
      loss.backward(embeddings: embeddings, cache: lossCache, embeddingsGradient: &gradient)
      network.backward(
        Self.rows(batch.rows, of: gradient), readout: readout, input: batch.images, cache: cache,
        slabs)
      let stats = lossCache.statistics
      return [
        "loss": Double(value), "active": Double(stats.activeFraction),
        "d_ap": Double(stats.meanPositiveDistance), "d_an": Double(stats.meanNegativeDistance),
      ]
    }
  }

  /// The parsing loop: per-pixel cross-entropy on LIP, at the logits' resolution (label maps
  /// are subsampled by nearest neighbour).
  static func trainParsing(
    _ job: TrainingJob, stream: ParsingStream, slabs: ModelSlabs, streams: RandomStreams,
    store: CheckpointStore, configText: String
  ) throws -> Int {
    let config = job.run.config
    let lip = try LIPDataset.load(dataRoot: job.dataFolder)
    let sampler = try makeSampler(
      labels: Array(repeating: 0, count: lip.train.count),
      strategy: .shuffled(batchSize: config.data.parsingBatch),
      seed: derivedSeed(config.seed, "sampler"), keyPath: "data.parsing_batch")
    var augmentation = augmentation(config)
    augmentation.erasingProbability = 0
    let builder = BatchBuilder(
      items: lip.train.map(DataItem.init), augmentation: augmentation,
      seed: derivedSeed(config.seed, "augment"), mirrorLabels: true)
    let loss = PixelCrossEntropy(ignoreLabel: 255)
    let classes = ParsingStream.lipClasses
    return try optimize(
      job, slabs: slabs, streams: streams, store: store, configText: configText,
      sampler: sampler, builder: builder, frozenPrefixes: [],
      architecture: "parsing:\(config.model.backbone)"
    ) { batch, state in
      let (logits, cache) = stream.network.forward(batch.images, mode: .training, slabs)
      let labels = subsample(batch.labelMaps ?? [], from: batch.images.shape, to: logits.shape)
      let (value, lossCache) = loss.forward(logits: logits, labels: labels)
      var gradient = Tensor(shape: logits.shape)
      loss.backward(logits: logits, cache: lossCache, logitsGradient: &gradient)
      var none: Tensor? = nil
      stream.network.backward(gradient, input: batch.images, cache: cache, into: &none, slabs)
      // The training curve's pixel accuracy and mean IoU: over every batch since the last
      // logged step, from the logits the step computes anyway. The window holds the global
      // batches' counts (every process the same) and is checkpointed with the state, so a
      // resumed run logs what an uninterrupted one does.
      var local = ParsingConfusion(classes: classes)
      local.add(logits: logits, labels: labels)
      var window = ParsingConfusion(classes: classes)
      if !state.logWindow.isEmpty { window.add(counts: state.logWindow.map { Int($0) }) }
      window.add(counts: summedOverProcesses(local).counts)
      var metrics = ["loss": Double(value)]
      let step = batch.step + 1
      if step % config.train.logEvery == 0 || step == config.train.iterations {
        let curve = window.metrics(images: 0)
        metrics["pixel_acc"] = curve.pixelAccuracy
        metrics["miou"] = curve.meanIoU
        state.logWindow = []
      } else {
        state.logWindow = window.counts.map(Int64.init)
      }
      return metrics
    }
  }

  /// Every process's counts of the current sharded step, summed (exactly: integers), so the
  /// logged curve does not depend on the process count.
  static func summedOverProcesses(_ local: ParsingConfusion) -> ParsingConfusion {
    // sumOverShards adds one block per shard: this process's counts stand in its first.
    let zeros = [Double](repeating: 0, count: local.counts.count)
    var blocks = local.counts.map(Double.init)
    for _ in 1..<max(1, BatchShards.localShards) { blocks += zeros }
    var total = ParsingConfusion(classes: local.classes)
    total.add(counts: BatchShards.sumOverShards(blocks).map { Int($0) })
    return total
  }

  /// What both tasks share: the optimizer and schedule, resuming, the metrics log, the
  /// prefetching source and the loop, and the final weights. `gradients` runs one batch's
  /// forward and backward (into zeroed gradients) and returns its metrics; the optimizer
  /// step follows it. It may keep counts between logging steps in the state's `logWindow`.
  ///
  /// - Returns: the steps trained in this process.
  static func optimize(
    _ job: TrainingJob, slabs: ModelSlabs, streams: RandomStreams, store: CheckpointStore,
    configText: String, sampler: BatchSampler, builder: BatchBuilder, frozenPrefixes: [String],
    architecture: String, gradients: (Batch, TrainingState) throws -> [String: Double]
  ) throws -> Int {
    let config = job.run.config
    var sampler = sampler
    let optimizer = try OptimizerFactory.make(
      config.train, parameters: slabs.parameters, frozenPrefixes: frozenPrefixes)
    let schedule = try OptimizerFactory.schedule(config.train)
    let state = TrainingState(
      parameters: slabs.parameters, buffers: slabs.buffers, optimizer: optimizer,
      streams: streams)
    let start = try resume(job, store: store, state: state, sampler: &sampler)
    // Rank 0 alone writes the log, checkpoints and weights; every rank computes its shards.
    let world = Processes.world
    let exchange = world.exchange(shards: config.train.shards)
    // Every process must resume from the same step: a shared file system that shows one node
    // an older listing of the checkpoints (NFS attribute caching) would otherwise silently
    // mix steps.
    let latest = exchange.maximum(Int32(start))
    let earliest = -exchange.maximum(-Int32(start))
    guard latest == earliest else {
      throw CheckpointDisagreement(
        description: "the processes of \(job.runID) found checkpoints of different steps "
          + "(\(earliest) to \(latest)) in \(store.directory.path): every process must see "
          + "the same files; rerun when the shared file system has settled")
    }
    let log =
      world.isPrimary
      ? try RunLog(
        metricsURL: job.directory.appendingPathComponent("metrics.jsonl"), label: job.label,
        totalSteps: config.train.iterations, resumedStep: start) : nil
    defer { log?.close() }
    let exchanged = gradientSpans(slabs.parameters, frozenPrefixes: frozenPrefixes)
    let banks = exchange.plan.localShards
    if banks > 1 { slabs.parameters.setGradientBankCount(banks) }
    defer { slabs.parameters.setGradientBankCount(1) }
    let source = PrefetchingBatchSource(
      sampler: sampler, builder: builder, shards: exchange.plan,
      depth: max(1, config.data.prefetch))
    defer { source.stop() }
    let loop = TrainingLoop(
      runID: job.runID, config: config, configText: configText, store: store, state: state,
      exchange: exchange)
    let timing = try loop.run(source: source, log: log) { batch in
      slabs.parameters.zeroGradients()
      var metrics = try BatchShards.with(exchange) { try gradients(batch, state) }
      sumGradients(slabs.parameters, over: exchange, spans: exchanged)
      let lr = schedule.lr(at: state.step)
      optimizer.step(lr: lr)
      metrics["lr"] = Double(lr)
      return metrics
    }
    if world.isPrimary {
      if timing.steps > 0 { job.log(timing.summary) }
      try WeightsFile.save(slabs, architecture: architecture, to: weightsURL(job.directory).path)
    }
    world.barrier()
    return config.train.iterations - start
  }

  /// The runs of the parameter slab whose gradients can be non-zero: the parameters not under
  /// a frozen prefix, adjacent ones merged. Frozen parameters get no gradient (a re-ID run's
  /// parsing stream runs in inference mode, with no backward), so their zeros need not be
  /// exchanged: at the paper's scale that halves a CAN step's traffic.
  static func gradientSpans(_ parameters: ParameterSlab, frozenPrefixes: [String])
    -> [Range<Int>]
  {
    var spans: [Range<Int>] = []
    for entry in parameters.entries.sorted(by: { $0.offset < $1.offset })
    where !frozenPrefixes.contains(where: { entry.name.hasPrefix($0) }) {
      let range = entry.offset..<entry.offset + entry.count
      if let last = spans.last, last.upperBound == range.lowerBound {
        spans[spans.count - 1] = last.lowerBound..<range.upperBound
      } else {
        spans.append(range)
      }
    }
    return spans
  }

  /// Sums every shard's gradients of `spans` in shard order into bank 0 (a no-op with one
  /// shard, whose gradients are already in bank 0).
  static func sumGradients(
    _ parameters: ParameterSlab, over exchange: any ShardExchange, spans: [Range<Int>]
  ) {
    guard exchange.plan.shards > 1 else { return }
    let banks = parameters.gradientBanks
    for span in spans {
      exchange.sumInShardOrder(banks.map { $0 + span.lowerBound }, count: span.count)
    }
  }

  /// The batch's rows of every process, (batchRows, D), from this process's rows of them
  /// (the current shards' exchange; unchanged when one process holds the whole batch).
  static func gatherRows(_ local: Tensor, batchRows: Int) -> Tensor {
    // (Exchanged even when this process holds every row, so that the communication meter
    // counts the same volume for any process count.)
    guard let exchange = BatchShards.current else { return local }
    let all = exchange.allGather(local.withUnsafeBufferPointer { Array($0) })
    return Tensor(shape: Shape(batchRows, local.shape[1]), scalars: all)
  }

  /// Rows `rows` of x (N, D): (rows.count, D).
  static func rows(_ rows: Range<Int>, of x: Tensor) -> Tensor {
    guard rows != 0..<x.shape[0] else { return x }
    let width = x.shape[1]
    return x.withUnsafeBufferPointer { all in
      Tensor(
        shape: Shape(rows.count, width),
        scalars: Array(all[rows.lowerBound * width..<rows.upperBound * width]))
    }
  }

  /// Label maps (N, H, W) subsampled to the logits' (N, h, w) by nearest neighbour (the
  /// source pixel of output (i, j) is floor((i + 0.5) * H / h)).
  static func subsample(_ maps: [UInt8], from image: Shape, to logits: Shape) -> [UInt8] {
    let (n, h, w) = (image[0], image[1], image[2])
    let (ho, wo) = (logits[1], logits[2])
    checkPrecondition(
      maps.count == n * h * w, "Trainer.subsample: \(maps.count) labels for \(image)")
    var result = [UInt8](repeating: 255, count: n * ho * wo)
    for b in 0..<n {
      for i in 0..<ho {
        let si = min(h - 1, (2 * i + 1) * h / (2 * ho))
        for j in 0..<wo {
          let sj = min(w - 1, (2 * j + 1) * w / (2 * wo))
          result[(b * ho + i) * wo + j] = maps[(b * h + si) * w + sj]
        }
      }
    }
    return result
  }
}

/// The processes of one run resumed from different checkpoints.
public struct CheckpointDisagreement: Error, CustomStringConvertible {
  public var description: String
}
