import Models
import ReIDData
import TensorCore
import Yams

extension ExperimentConfig {
  /// Checks what decoding cannot: finite numbers, values in range, names the trainer knows,
  /// an input the backbone can take. Errors are located in the file (and line) that set the
  /// key, before any run folder is written.
  ///
  /// - Parameter tree: the merged tree the configuration was decoded from.
  /// - Throws: `ConfigError`.
  func validate(in tree: ConfigTree) throws {
    try Self.checkFinite(tree, path: [])
    do {
      try checkRanges()
      try checkNames()
    } catch let error as ConfigError where error.file == Self.unlocated {
      let origin = tree.origin(at: error.keyPath.split(separator: ".").map(String.init))
      throw ConfigError(
        file: origin.file, line: origin.line, keyPath: error.keyPath, message: error.message)
    }
  }

  /// The file name the trainer's own checks give (they see a configuration, not its files).
  static let unlocated = "config"

  /// Rejects NaN and infinities (YAML `.nan`, `.inf`): they would make every run id alike.
  static func checkFinite(_ tree: ConfigTree, path: [String]) throws {
    switch tree {
    case .leaf(let node, let origin):
      if let value = node.float, !value.isFinite {
        throw ConfigError(
          file: origin.file, line: origin.line, keyPath: path.joined(separator: "."),
          message: "expected a finite number, found \(node.string ?? "\(value)")")
      }
    case .mapping(let pairs, _):
      for (key, value) in pairs { try checkFinite(value, path: path + [key]) }
    case .sequence(let items, _):
      for (i, item) in items.enumerated() { try checkFinite(item, path: path + ["\(i)"]) }
    }
  }

  func checkRanges() throws {
    func require(_ ok: Bool, _ keyPath: String, _ expected: String) throws {
      guard ok else {
        throw ConfigError(file: Self.unlocated, keyPath: keyPath, message: "expected \(expected)")
      }
    }
    let positive: [(String, Int)] = [
      ("blas.threads", blas.threads), ("data.height", data.height), ("data.width", data.width),
      ("data.p", data.identitiesPerBatch), ("data.k", data.imagesPerIdentity),
      ("data.parsing_batch", data.parsingBatch), ("train.iterations", train.iterations),
      ("train.log_every", train.logEvery), ("train.checkpoint_every", train.checkpointEvery),
      ("train.keep_checkpoints", train.keepCheckpoints), ("train.shards", train.shards),
      ("eval.batch", eval.batch),
      ("eval.rerank_k1", eval.rerankK1), ("eval.rerank_k2", eval.rerankK2),
      ("eval.max_rank", eval.maxRank),
    ]
    for (keyPath, value) in positive { try require(value > 0, keyPath, "a positive integer") }
    let nonNegative: [(String, Int)] = [
      ("data.crop_padding", data.cropPadding), ("data.prefetch", data.prefetch),
      ("train.schedule.warmup_iterations", train.schedule.warmupIterations),
    ]
    for (keyPath, value) in nonNegative { try require(value >= 0, keyPath, "an integer >= 0") }
    let probabilities: [(String, Float)] = [
      ("data.flip", data.flipProbability), ("data.random_erasing", data.randomErasing),
      ("eval.rerank_lambda", eval.rerankLambda),
    ]
    for (keyPath, value) in probabilities {
      try require((0...1).contains(value), keyPath, "a number in [0, 1]")
    }
    try require(model.widthMultiplier > 0, "model.width_multiplier", "a number > 0")
    try require(model.depthMultiplier > 0, "model.depth_multiplier", "a number > 0")
    try require(train.optimizer.lr >= 0, "train.optimizer.lr", "a number >= 0")
    try require(train.margin >= 0, "train.margin", "a number >= 0")
    let batch =
      train.task == "parsing" ? data.parsingBatch : data.identitiesPerBatch * data.imagesPerIdentity
    let batchKeys = train.task == "parsing" ? "data.parsing_batch" : "data.p x data.k"
    try require(
      batch % train.shards == 0, "train.shards",
      "a divisor of the batch (\(batchKeys) = \(batch)): every shard holds the same images")
    let smallest = BackboneFamily(rawValue: model.backbone)?.smallestInput ?? 1
    try require(
      data.height >= smallest, "data.height", "at least \(smallest) for \(model.backbone)")
    try require(data.width >= smallest, "data.width", "at least \(smallest) for \(model.backbone)")
  }

  /// The names the trainer and evaluator resolve, checked by the same code they use.
  func checkNames() throws {
    _ = try DataRoot.checkSource(data.source)
    _ = try ReIDNetwork.canConfig(model)
    _ = try ReIDNetwork.readout(model.descriptor)
    _ = try OptimizerFactory.make(train, parameters: ParameterSlab(), frozenPrefixes: [])
    _ = try OptimizerFactory.schedule(train)
    _ = try ReIDDatasetKind.named(data.trainSets, keyPath: "data.train_sets")
    _ = try ReIDDatasetKind.named(eval.datasets, keyPath: "eval.datasets")
  }
}

extension ReIDDatasetKind {
  /// The kinds of configured dataset names.
  /// - Throws: `ConfigError` at `keyPath` for a name that is not a re-ID dataset.
  static func named(_ names: [String], keyPath: String) throws -> [ReIDDatasetKind] {
    try names.map { name in
      guard let kind = ReIDDatasetKind(rawValue: name) else {
        throw ConfigError(
          file: ExperimentConfig.unlocated, keyPath: keyPath,
          message: "'\(name)' is not one of "
            + ReIDDatasetKind.allCases.map(\.rawValue).joined(separator: ", "))
      }
      return kind
    }
  }
}
