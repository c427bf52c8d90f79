import Kernels

/// One run's fully resolved configuration: `Experiments/base.yaml`, then the profile, then the
/// run's file, then `--set` overrides. Every key is documented in `Experiments/base.yaml`.
///
/// Everything here except `eval` and `description` determines the trained weights, so it is
/// hashed into the run id (see `RunID`).
public struct ExperimentConfig: Codable, Equatable, Sendable {
  /// The seed of every named random stream of the run.
  public var seed: UInt64
  public var blas: BLASConfig
  public var data: DataConfig
  public var model: ModelConfig
  public var train: TrainConfig
  public var initialization: InitConfig
  public var eval: EvalConfig

  enum CodingKeys: String, CodingKey {
    case seed, blas, data, model, train, eval
    case initialization = "init"
  }
}

/// BLAS kernel family, threads and convolution algorithm; each changes the bits of a run.
public struct BLASConfig: Codable, Equatable, Sendable {
  /// An `OPENBLAS_CORETYPE` name, or nil for the environment's choice.
  public var coreType: String?
  public var threads: Int
  /// Flush subnormal floats to zero (`SubnormalMode`).
  public var flushSubnormals: Bool
  /// How convolutions that are not pointwise run (`ConvolutionAlgorithm`).
  public var convolution: ConvolutionAlgorithm

  enum CodingKeys: String, CodingKey {
    case coreType = "core_type"
    case threads
    case flushSubnormals = "flush_subnormals"
    case convolution = "conv"
  }

  /// The settings `BLASRuntime` applies to the process.
  public var settings: BLASSettings {
    BLASSettings(
      coreType: coreType, threads: threads, flushSubnormals: flushSubnormals,
      convolution: convolution)
  }
}

/// Which images a run trains on and how they are sampled and augmented.
public struct DataConfig: Codable, Equatable, Sendable {
  /// `synthetic` (generated on first use under the data root) or `real`.
  public var source: String
  /// The synthetic preset (`smoke`, `ci`).
  public var syntheticPreset: String
  /// The seed of the synthetic generator (part of the dataset, so of its fingerprint).
  public var syntheticSeed: UInt64
  /// The re-ID training sets, mixed with disjoint identity labels.
  public var trainSets: [String]
  /// Input height and width in pixels.
  public var height: Int
  public var width: Int
  /// Identities per batch (P) and images per identity (K).
  public var identitiesPerBatch: Int
  public var imagesPerIdentity: Int
  /// Batch size for parsing pretraining on LIP.
  public var parsingBatch: Int
  /// Augmentation: horizontal flip probability, padding before a random crop (pixels),
  /// random-erasing probability.
  public var flipProbability: Float
  public var cropPadding: Int
  public var randomErasing: Float
  /// Batches decoded ahead on the background thread.
  public var prefetch: Int

  enum CodingKeys: String, CodingKey {
    case source
    case syntheticPreset = "synthetic_preset"
    case syntheticSeed = "synthetic_seed"
    case trainSets = "train_sets"
    case height, width
    case identitiesPerBatch = "p"
    case imagesPerIdentity = "k"
    case parsingBatch = "parsing_batch"
    case flipProbability = "flip"
    case cropPadding = "crop_padding"
    case randomErasing = "random_erasing"
    case prefetch
  }
}

/// The network: backbone, scale and the CAN options.
public struct ModelConfig: Codable, Equatable, Sendable {
  /// `inception_v3` or `densenet121`.
  public var backbone: String
  /// Width and depth multipliers (1 = torchvision's network).
  public var widthMultiplier: Float
  public var depthMultiplier: Float
  /// Whether the appearance backbone's last grid reduction runs at stride 1 with the blocks
  /// after it dilated by 2, as the parsing stream's always does (F at twice the resolution).
  public var appearanceDilated: Bool
  /// The descriptor the loss trains: `baseline`, `canpt`, `can`, `can6`, or `s1`...`s6`.
  public var descriptor: String
  /// How part features are pooled: `gap`, `gmp` or `mask_average`.
  public var partPooling: String
  /// Whether the parsing stream is fine-tuned with the re-ID loss (false: frozen).
  public var parsingTrainable: Bool
  /// Whether the five part attention blocks share weights.
  public var attentionShared: Bool
  /// Whether BN + ReLU precede the attention sigmoid (torchreid's HA-CNN does this).
  public var attentionBNReLU: Bool

  enum CodingKeys: String, CodingKey {
    case backbone
    case widthMultiplier = "width_multiplier"
    case depthMultiplier = "depth_multiplier"
    case appearanceDilated = "appearance_dilated"
    case descriptor
    case partPooling = "part_pooling"
    case parsingTrainable = "parsing_trainable"
    case attentionShared = "attention_shared"
    case attentionBNReLU = "attention_bn_relu"
  }
}

/// The optimization.
public struct TrainConfig: Codable, Equatable, Sendable {
  /// `reid` (triplet loss on Market + Duke) or `parsing` (per-pixel loss on LIP).
  public var task: String
  public var iterations: Int
  /// Triplet margin (Euclidean distance).
  public var margin: Float
  public var optimizer: OptimizerConfig
  public var schedule: ScheduleConfig
  /// Steps between metrics lines, and between checkpoints; checkpoints kept.
  public var logEvery: Int
  public var checkpointEvery: Int
  public var keepCheckpoints: Int
  /// The fixed shards each global batch is cut into (`ShardPlan`): what a step computes
  /// depends on them alone, not on how many processes compute them.
  public var shards: Int

  enum CodingKeys: String, CodingKey {
    case task, iterations, margin, optimizer, schedule, shards
    case logEvery = "log_every"
    case checkpointEvery = "checkpoint_every"
    case keepCheckpoints = "keep_checkpoints"
  }

  public func encode(to encoder: any Encoder) throws {
    try encode(to: encoder, includingShards: true)
  }

  /// The configuration as a run id hashes it: `shards` 1 is left out, because one shard's
  /// arithmetic is the trainer's from before sharding existed, so those runs keep their ids.
  struct Hashed: Encodable {
    let train: TrainConfig
    func encode(to encoder: any Encoder) throws {
      try train.encode(to: encoder, includingShards: train.shards != 1)
    }
  }

  func encode(to encoder: any Encoder, includingShards: Bool) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(task, forKey: .task)
    try container.encode(iterations, forKey: .iterations)
    try container.encode(margin, forKey: .margin)
    try container.encode(optimizer, forKey: .optimizer)
    try container.encode(schedule, forKey: .schedule)
    try container.encode(logEvery, forKey: .logEvery)
    try container.encode(checkpointEvery, forKey: .checkpointEvery)
    try container.encode(keepCheckpoints, forKey: .keepCheckpoints)
    if includingShards { try container.encode(shards, forKey: .shards) }
  }
}

/// The optimizer and its hyper-parameters.
public struct OptimizerConfig: Codable, Equatable, Sendable {
  /// `sgd`, `adam` or `adamw`.
  public var name: String
  public var lr: Float
  public var momentum: Float
  public var nesterov: Bool
  public var weightDecay: Float
  public var beta1: Float
  public var beta2: Float

  enum CodingKeys: String, CodingKey {
    case name, lr, momentum, nesterov
    case weightDecay = "weight_decay"
    case beta1 = "beta1"
    case beta2 = "beta2"
  }
}

/// The learning-rate schedule.
public struct ScheduleConfig: Codable, Equatable, Sendable {
  /// `constant`, `multistep`, `poly` or `cosine`.
  public var decay: String
  /// Multi-step: iterations where the rate is multiplied by `gamma`.
  public var milestones: [Int]
  public var gamma: Float
  /// Poly: the exponent.
  public var power: Float
  /// Cosine: the final rate.
  public var minimumLR: Float
  /// Linear warm-up from `warmup_factor` x lr over `warmup_iterations`.
  public var warmupIterations: Int
  public var warmupFactor: Float

  enum CodingKeys: String, CodingKey {
    case decay, milestones, gamma, power
    case minimumLR = "min_lr"
    case warmupIterations = "warmup_iterations"
    case warmupFactor = "warmup_factor"
  }
}

/// Where the weights start from.
public struct InitConfig: Codable, Equatable, Sendable {
  /// ImageNet weights converted with `scripts/convert_torchvision.py`, or nil for random init.
  public var imagenet: String?
  /// The run whose parsing stream initializes this one (a dependency of the plan), or nil.
  public var parsingRun: String?

  enum CodingKeys: String, CodingKey {
    case imagenet
    case parsingRun = "parsing_run"
  }
}

/// How a trained run is evaluated (not hashed into the run id).
public struct EvalConfig: Codable, Equatable, Sendable {
  /// Test sets: `market1501`, `dukemtmc`.
  public var datasets: [String]
  /// Average the features of the image and its mirror.
  public var flip: Bool
  /// L2-normalize features before distances.
  public var normalize: Bool
  /// Images per extraction batch.
  public var batch: Int
  /// k-reciprocal re-ranking parameters.
  public var rerankK1: Int
  public var rerankK2: Int
  public var rerankLambda: Float
  /// CMC ranks reported.
  public var maxRank: Int
  /// Write the trained readout's features of each test set as a feature file.
  public var saveFeatures: Bool

  enum CodingKeys: String, CodingKey {
    case datasets, flip, normalize, batch
    case saveFeatures = "save_features"
    case rerankK1 = "rerank_k1"
    case rerankK2 = "rerank_k2"
    case rerankLambda = "rerank_lambda"
    case maxRank = "max_rank"
  }
}
