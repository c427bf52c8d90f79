import Foundation
import Kernels
import Layers
import Losses
import Models
import ReIDData
import TensorCore

/// What a training run needs besides its configuration.
public struct TrainingJob {
  /// The resolved run.
  public var run: ResolvedRun
  /// Its content-derived id.
  public var runID: String
  /// `Results/runs/<run-id>`.
  public var directory: URL
  /// The folder holding the datasets.
  public var dataFolder: String
  /// The final weights of the parsing run this run starts from, if any.
  public var parsingWeights: URL?
  /// The run's label in its plan (`can-inception/seed2`), shown in the progress line.
  public var label: String
  /// Messages for the user (resumes, warnings).
  public var log: (String) -> Void
}

/// Trains one run to its configured iterations, resuming from its newest valid checkpoint,
/// and writes its final weights to `weights.h5`.
public enum Trainer {
  /// Where the final weights of a run go.
  public static func weightsURL(_ directory: URL) -> URL {
    directory.appendingPathComponent("weights.h5")
  }

  /// Trains `job` and returns the number of steps taken in this process.
  public static func train(_ job: TrainingJob) throws -> Int {
    let config = job.run.config
    let processes = Processes.world.size
    guard config.train.shards % processes == 0 else {
      throw ConfigError(
        file: ExperimentConfig.unlocated, keyPath: "train.shards",
        message: "\(processes) processes cannot share \(config.train.shards) shard"
          + "\(config.train.shards == 1 ? "" : "s"): launch a number of processes that divides "
          + "train.shards, or set train.shards to a multiple of \(processes)")
    }
    StopSignal.install()
    defer { StopSignal.uninstall() }
    BufferPool.shared.enable(capacityBytes: BufferPool.trainingCapacityBytes)
    defer { BufferPool.shared.enable(capacityBytes: 0) }
    let slabs = ModelSlabs()
    var streams = RandomStreams(seed: config.seed)
    let store = CheckpointStore(
      directory: job.directory.appendingPathComponent("checkpoints"),
      keep: config.train.keepCheckpoints)
    let configText = try YAMLText.of(job.run.tree)
    switch config.train.task {
    case "parsing":
      let stream = try ReIDNetwork.parsingStream(config.model, slabs)
      var initStream = streams["init"]
      stream.initialize(slabs, using: &initStream)
      streams["init"] = initStream
      try loadImageNet(config, into: slabs, prefixes: ["backbone."], log: job.log)
      return try trainParsing(
        job, stream: stream, slabs: slabs, streams: streams, store: store, configText: configText)
    default:
      let network = try ReIDNetwork.make(config.model, slabs)
      var initStream = streams["init"]
      network.initialize(slabs, using: &initStream)
      streams["init"] = initStream
      try loadImageNet(
        config, into: slabs,
        prefixes: network.hasParsingStream
          ? ["appearance.", "parsing.backbone."] : ["appearance."],
        log: job.log)
      if network.hasParsingStream, let weights = job.parsingWeights {
        try WeightsFile.load(slabs, from: weights.path, prefix: "parsing.")
      }
      return try trainReID(
        job, network: network, slabs: slabs, streams: streams, store: store,
        configText: configText)
    }
  }

  /// Loads converted ImageNet weights into every backbone of the model.
  static func loadImageNet(
    _ config: ExperimentConfig, into slabs: ModelSlabs, prefixes: [String],
    log: (String) -> Void
  ) throws {
    guard let template = config.initialization.imagenet else { return }
    let path = template.replacingOccurrences(of: "{backbone}", with: config.model.backbone)
    guard FileManager.default.fileExists(atPath: path) else {
      throw DataRoot.MissingDataset(
        description: "ImageNet weights not found at \(path) (init.imagenet). Convert "
          + "torchvision's with: scripts/convert_torchvision.py \(config.model.backbone).pth \(path)"
      )
    }
    for prefix in prefixes {
      let report = try WeightsFile.load(slabs, from: path, prefix: prefix, partial: true)
      guard report.missing.isEmpty else {
        throw WeightsFileMismatch(
          description: "\(path): no tensors for \(report.missing.prefix(5).joined(separator: ", "))"
            + (report.missing.count > 5 ? " and \(report.missing.count - 5) more" : ""))
      }
      log("loaded ImageNet weights from \(path) into \(prefix)*")
    }
  }

  /// The training set, sampler and batch builder of a re-ID run.
  static func reIDData(_ config: ExperimentConfig, folder: String) throws -> (
    BatchSampler, BatchBuilder
  ) {
    let datasets = try ReIDDatasetKind.named(config.data.trainSets, keyPath: "data.train_sets")
      .map { try ReIDDataset.load($0, dataRoot: folder) }
    let training = TrainingSet(mixing: datasets)
    let sampler = try makeSampler(
      labels: training.labels,
      strategy: .identityBalanced(
        p: config.data.identitiesPerBatch, k: config.data.imagesPerIdentity),
      seed: derivedSeed(config.seed, "sampler"), keyPath: "data.p")
    let builder = BatchBuilder(
      items: training.images.map(DataItem.init), augmentation: augmentation(config),
      seed: derivedSeed(config.seed, "augment"), mirrorLabels: false)
    return (sampler, builder)
  }

  static func augmentation(_ config: ExperimentConfig) -> AugmentationConfig {
    var augmentation = AugmentationConfig.training(
      height: config.data.height, width: config.data.width)
    augmentation.flipProbability = config.data.flipProbability
    augmentation.padding = config.data.cropPadding
    augmentation.erasingProbability = config.data.randomErasing
    return augmentation
  }

  /// The batch sampler of a run; a batch shape the data cannot supply is a configuration
  /// error at `keyPath`.
  static func makeSampler(
    labels: [Int], strategy: BatchSampler.Strategy, seed: UInt64, keyPath: String
  ) throws -> BatchSampler {
    do {
      return try BatchSampler(labels: labels, strategy: strategy, seed: seed)
    } catch {
      throw ConfigError(file: ExperimentConfig.unlocated, keyPath: keyPath, message: "\(error)")
    }
  }

  /// A seed for a component, drawn from the run seed's stream of that name.
  static func derivedSeed(_ seed: UInt64, _ name: String) -> UInt64 {
    var stream = RandomStream(seed: seed, name: name)
    return stream.nextUInt64()
  }

  /// Restores the newest valid checkpoint into `state` and `sampler`; returns the step.
  static func resume(
    _ job: TrainingJob, store: CheckpointStore, state: TrainingState, sampler: inout BatchSampler
  ) throws -> Int {
    let primary = Processes.world.isPrimary
    guard
      let used = store.resume(
        into: state, runID: job.runID, moveAside: primary, warn: primary ? job.log : { _ in })
    else { return 0 }
    if primary { job.log("resuming from \(used.lastPathComponent) (step \(state.step))") }
    if !state.samplerState.isEmpty {
      try sampler.restore(JSONDecoder().decode(BatchSampler.State.self, from: state.samplerState))
    }
    return state.step
  }
}

/// Weights that do not cover the model.
public struct WeightsFileMismatch: Error, CustomStringConvertible {
  public var description: String
}
