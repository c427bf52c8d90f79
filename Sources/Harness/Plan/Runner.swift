import Foundation
import Kernels
import TensorCore

/// Executes a plan: each run not yet done is trained (resuming from its checkpoints) and
/// evaluated; finished runs are skipped. Dependencies whose weights are not on disk (a fresh
/// clone has only the committed results) are trained again when a dependent needs them.
public struct Runner {
  public var registry: Registry
  public var profile: String
  public var overrides: [String]
  /// Seeds asked for on the command line (`--seeds`), over the profile's `seeds`.
  public var requestedSeeds: [UInt64]?
  public var results: URL
  public var dataRoot: DataRoot
  /// Progress and warnings for the user.
  public var log: (String) -> Void
  /// Evaluates a trained run (writes its `eval.json`); nil skips evaluation.
  public var evaluate: ((PlannedRun) throws -> Void)?

  /// A runner over the registry and results folder.
  public init(
    registry: Registry, profile: String, overrides: [String] = [],
    requestedSeeds: [UInt64]? = nil, results: URL, dataRoot: DataRoot = DataRoot(),
    log: @escaping (String) -> Void, evaluate: ((PlannedRun) throws -> Void)? = nil
  ) {
    self.registry = registry
    self.profile = profile
    self.overrides = overrides
    self.requestedSeeds = requestedSeeds
    self.results = results
    self.dataRoot = dataRoot
    self.log = log
    self.evaluate = evaluate
  }

  /// The seeds each re-ID run is trained with (nil: once, with its configured seed).
  public func seeds() throws -> [UInt64]? {
    try registry.seeds(profile: profile, overrides: overrides, requested: requestedSeeds)
  }

  /// The plan of `names` under this runner's profile, overrides and seeds.
  ///
  /// - Parameter requireData: when false, runs whose real data is absent are still planned,
  ///   with the fingerprint `no-data` (so their ids are provisional).
  public func plan(_ names: [String], requireData: Bool = true) throws -> RunPlan {
    try RunPlan.make(
      names, profile: profile, overrides: overrides, seeds: seeds(), registry: registry,
      dataRoot: dataRoot, results: results, requireData: requireData, log: log)
  }

  /// Brings every run of `names` (each of its seeds) to done.
  @discardableResult
  public func execute(_ names: [String]) throws -> RunPlan {
    let plan = try plan(names)
    for name in names {
      for run in plan.instances(of: name) { try complete(run, plan: plan) }
    }
    return plan
  }

  func complete(_ run: PlannedRun, plan: RunPlan) throws {
    if run.isDone {
      log("\(run.label) [\(run.id)]: done (cached)")
      return
    }
    if !run.isTrained || !hasWeights(run) && !run.isEvaluated {
      try train(run, plan: plan)
    }
    try evaluateIfNeeded(run)
  }

  func evaluateIfNeeded(_ run: PlannedRun) throws {
    guard let problem = run.evaluationProblem, let evaluate else { return }
    // Every process of an MPI launch embeds its share of the images; rank 0 writes eval.json,
    // which the others wait for.
    let world = Processes.world
    if world.isPrimary {
      if problem != "missing" {
        log("\(run.label) [\(run.id)]: \(problem); evaluating again")
      }
      log("\(run.label) [\(run.id)]: evaluating")
    }
    try evaluate(run)
    world.barrier()
  }

  func hasWeights(_ run: PlannedRun) -> Bool {
    FileManager.default.fileExists(atPath: Trainer.weightsURL(run.directory).path)
  }

  func train(_ run: PlannedRun, plan: RunPlan) throws {
    var parsingWeights: URL?
    for dependency in run.dependencies {
      guard let planned = plan[dependency] else { continue }
      if !(planned.isTrained && hasWeights(planned)) { try train(planned, plan: plan) }
      try evaluateIfNeeded(planned)
      parsingWeights = Trainer.weightsURL(planned.directory)
    }
    // Rank 0 alone writes the run's files; every process of an MPI launch trains.
    let world = Processes.world
    if world.isPrimary {
      try Self.makeWritableFolder(run.directory)
      try YAMLText.of(run.run.tree).write(
        to: run.directory.appendingPathComponent("config.yaml"), atomically: true,
        encoding: .utf8)
      log("\(run.label) [\(run.id)]: training \(run.run.config.train.iterations) steps")
    }
    world.barrier()
    let started = Date()
    let steps = try Trainer.train(
      TrainingJob(
        run: run.run, runID: run.id, directory: run.directory, dataFolder: run.dataFolder,
        parsingWeights: parsingWeights, label: run.label,
        log: { [log] in log("\(run.label): \($0)") }))
    guard world.isPrimary else { return }
    var dependencyIDs: [String: String] = [:]
    for dependency in run.dependencies { dependencyIDs[dependency] = plan[dependency]?.id }
    let formatter = ISO8601DateFormatter()
    try Manifest(
      runID: run.id, name: run.run.name, profile: run.run.profile,
      description: run.run.description, commit: Manifest.currentCommit(),
      build: "swift release, -march=x86-64-v3", blasCore: BLAS.coreName,
      blasConfig: BLAS.configString, blasThreads: BLAS.threads,
      subnormals: SubnormalMode.isFlushingOnThisThread ? "flushed" : "exact",
      datasetFolder: run.dataFolder, datasetFingerprint: run.fingerprint,
      seed: run.run.config.seed, trainerFormat: RunID.trainerFormatVersion,
      steps: run.run.config.train.iterations, stepsThisProcess: steps,
      wallSeconds: (Date().timeIntervalSince(started) * 10).rounded() / 10,
      finished: formatter.string(from: Date()), complete: true, dependencies: dependencyIDs
    ).write(to: run.directory)
  }
}

extension Runner {
  /// Creates `folder` (and its parents) and checks it can be written, with a clear error.
  static func makeWritableFolder(_ folder: URL) throws {
    let manager = FileManager.default
    do {
      try manager.createDirectory(at: folder, withIntermediateDirectories: true)
    } catch {
      let reason = (error as NSError).userInfo[NSUnderlyingErrorKey].map { "\($0)" } ?? "\(error)"
      throw RunnerError(
        description: "cannot create the results folder \(folder.path): "
          + (reason.contains("Not a directory") ? "a file is in the way" : reason))
    }
    guard manager.isWritableFile(atPath: folder.path) else {
      throw RunnerError(description: "\(folder.path): the results folder is not writable")
    }
  }
}

/// A results folder problem.
public struct RunnerError: Error, CustomStringConvertible {
  public var description: String
}
