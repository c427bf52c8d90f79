import Foundation

/// One run of a plan: resolved, identified, located.
public struct PlannedRun {
  /// The run's name in the plan, unique within it: the registry name, followed by
  /// `/seed<N>` when the seed comes from a seed list (`can-inception/seed2`).
  public var label: String
  /// Whether its seed comes from the plan's seed list (`seed=N` after the overrides).
  public var isSeeded: Bool
  /// The resolved configuration.
  public var run: ResolvedRun
  /// The content-derived id.
  public var id: String
  /// `<results>/runs/<id>`.
  public var directory: URL
  /// The folder of its datasets.
  public var dataFolder: String
  /// The dataset fingerprint hashed into the id.
  public var fingerprint: String
  /// The runs it depends on (by label).
  public var dependencies: [String]
  /// The seed of every random stream of its training.
  public var seed: UInt64 { run.config.seed }

  /// Whether training finished (`manifest.json` says complete).
  public var isTrained: Bool { (try? Manifest.read(from: directory))?.complete == true }
  /// Whether it has been evaluated as its configuration says (`eval.json`: re-ID metrics, or
  /// LIP's for a parsing run).
  public var isEvaluated: Bool { evaluationProblem == nil }

  /// Why `eval.json` does not answer this configuration: nil when it does; "missing"; or, to
  /// tell the user why evaluation runs again, that it cannot be read or was made with other
  /// evaluation settings (normalization, flip, re-ranking, test sets).
  public var evaluationProblem: String? {
    let file = directory.appendingPathComponent("eval.json")
    guard FileManager.default.fileExists(atPath: file.path) else { return "missing" }
    let eval = run.config.eval
    do {
      if run.config.train.task == "parsing" {
        _ = try ParsingEvalResults.read(from: directory)
        return nil
      }
      let saved = try EvalResults.read(from: directory)
      let rerank = [
        "k1": Double(eval.rerankK1), "k2": Double(eval.rerankK2),
        "lambda": Double(eval.rerankLambda),
      ]
      guard saved.normalize == eval.normalize, saved.flip == eval.flip, saved.rerank == rerank,
        Set(saved.datasets.keys) == Set(eval.datasets)
      else { return "\(file.path) was made with other evaluation settings" }
      guard saved.hasCMCCurves else { return "\(file.path) has no CMC curves" }
      return nil
    } catch {
      return "\(file.path) cannot be read (\(error))"
    }
  }
  /// Whether nothing is left to do.
  public var isDone: Bool { isTrained && isEvaluated }
  /// The step of the newest checkpoint, if any.
  public var checkpointStep: Int? {
    CheckpointStore(directory: directory.appendingPathComponent("checkpoints"), keep: 1)
      .checkpoints().first?.step
  }
}

/// The runs behind a set of names, with their dependencies, in execution order.
public struct RunPlan {
  /// Every run, dependencies before dependents.
  public var runs: [PlannedRun]

  /// Resolves `names` and, recursively, the parsing runs they start from.
  ///
  /// - Parameters:
  ///   - seeds: when set, every re-ID run of `names` is planned once per seed (`seed=N` after
  ///     the overrides, labelled `name/seedN`), in ascending order; the parsing runs they
  ///     start from are planned once, with their configured seed (a `seed=` override does not
  ///     reach them either).
  ///   - dataRoot: where datasets are (synthetic ones are generated when absent).
  ///   - results: the results folder (`Results`).
  public static func make(
    _ names: [String], profile: String, overrides: [String], seeds: [UInt64]? = nil,
    registry: Registry, dataRoot: DataRoot, results: URL, requireData: Bool = true,
    log: (String) -> Void
  ) throws -> RunPlan {
    var planned: [String: PlannedRun] = [:]
    var order: [String] = []
    var fingerprints: [String: String] = [:]
    // A run's seed is its own: the parsing runs it starts from keep theirs, whether the seed
    // comes from the seed list or from `--set seed=N`.
    let dependencyOverrides = overrides.filter { !$0.hasPrefix("seed=") }
    func visit(_ name: String, seed: UInt64?, _ stack: [String]) throws {
      let label = seed.map { "\(name)/seed\($0)" } ?? name
      if planned[label] != nil { return }
      guard !stack.contains(name) else {
        throw ConfigError(
          file: "runs/\(name).yaml", keyPath: "init.parsing_run",
          message: "dependency cycle: \((stack + [name]).joined(separator: " -> "))")
      }
      let run = try registry.resolve(
        run: name, profile: profile,
        overrides: (stack.isEmpty ? overrides : dependencyOverrides)
          + (seed.map { ["seed=\($0)"] } ?? []))
      // Only re-ID runs start from a parsing run (an override of init.parsing_run reaches
      // the parsing run itself too, where it means nothing).
      let dependencies =
        run.config.train.task == "reid"
        ? run.config.initialization.parsingRun.map { [$0] } ?? [] : []
      for dependency in dependencies {
        let task = try registry.resolve(
          run: dependency, profile: profile, overrides: dependencyOverrides
        ).config.train.task
        guard task == "parsing" else {
          let origin = run.tree.origin(at: ["init", "parsing_run"])
          throw ConfigError(
            file: origin.file, line: origin.line, keyPath: "init.parsing_run",
            message: "'\(dependency)' is not a parsing run (its train.task is \(task))")
        }
        try visit(dependency, seed: nil, stack + [name])
      }
      let folder: String
      do {
        folder = try dataRoot.folder(for: run.config.data, log: log)
      } catch let error as DataRoot.MissingDataset where !requireData {
        log("\(label): \(error.description); its run id is provisional")
        folder = "no-data"
        fingerprints[folder] = "no-data"
      }
      let fingerprint: String
      if let known = fingerprints[folder] {
        fingerprint = known
      } else {
        fingerprint = try dataRoot.fingerprint(of: folder)
        fingerprints[folder] = fingerprint
      }
      var dependencyIDs: [String: String] = [:]
      for dependency in dependencies { dependencyIDs[dependency] = planned[dependency]?.id }
      let id = RunID.make(
        config: run.config, datasetFingerprint: fingerprint, dependencies: dependencyIDs)
      planned[label] = PlannedRun(
        label: label, isSeeded: seed != nil, run: run, id: id,
        directory: results.appendingPathComponent("runs/\(id)"),
        dataFolder: folder, fingerprint: fingerprint, dependencies: dependencies)
      order.append(label)
    }
    for name in names {
      let task = try registry.resolve(run: name, profile: profile, overrides: overrides).config
        .train.task
      if let seeds, task == "reid" {
        for seed in seeds.sorted() { try visit(name, seed: seed, []) }
      } else {
        try visit(name, seed: nil, [])
      }
    }
    return RunPlan(runs: order.compactMap { planned[$0] })
  }

  /// The planned run labelled `label` (a registry name, or `name/seedN` for one seed).
  public subscript(label: String) -> PlannedRun? { runs.first { $0.label == label } }

  /// Every seed of the registry run `name`, in the plan's order.
  public func instances(of name: String) -> [PlannedRun] {
    runs.filter { $0.run.name == name }
  }
}
