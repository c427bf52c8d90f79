import ArgumentParser
import Foundation
import Harness
import Kernels
import TensorCore

/// Options shared by the commands that resolve runs.
struct RegistryOptions: ParsableArguments {
  @Option(help: "Profile: paper, ci or smoke.")
  var profile = "ci"

  @Option(name: .customLong("set"), help: "Override a config key, e.g. --set train.iterations=200.")
  var overrides: [String] = []

  @Option(
    help: ArgumentHelp(
      "Seeds to train each re-ID run with, e.g. 1,2,3 (default: the profile's seeds).",
      valueName: "n,n,..."),
    transform: SeedList.parse)
  var seeds: [UInt64]?

  @Option(help: "Results folder.")
  var results = "Results"

  @Option(help: "Experiment registry folder.")
  var experiments = "Experiments"

  var registry: Registry { Registry(root: URL(fileURLWithPath: experiments)) }

  /// The registry, checked to be one; the results folder, checked not to be a file.
  func checkedRegistry() throws -> Registry {
    try registry.checkLayout()
    var isFolder: ObjCBool = false
    if FileManager.default.fileExists(atPath: results, isDirectory: &isFolder),
      !isFolder.boolValue
    {
      throw OptionError(description: "\(results): the results folder is a file")
    }
    return registry
  }
  var resultsURL: URL { URL(fileURLWithPath: results) }

  /// Applies the BLAS settings of the runs `names` and the parsing runs they start from
  /// (re-executing under another core type if needed).
  ///
  /// BLAS settings hold for the whole process, so the runs must agree on them: a run whose
  /// own file set other ones would otherwise train under settings its id does not describe.
  func applyBLAS(for names: [String]) throws {
    var settings: [(name: String, blas: BLASConfig)] = []
    var pending = names
    while let name = pending.popLast() {
      guard !settings.contains(where: { $0.name == name }) else { continue }
      let config = try registry.resolve(run: name, profile: profile, overrides: overrides).config
      settings.append((name, config.blas))
      if let parsing = config.initialization.parsingRun { pending.append(parsing) }
    }
    guard let first = settings.first else { return }
    if let other = settings.first(where: { $0.blas != first.blas }) {
      func text(_ b: BLASConfig) -> String {
        "core_type \(b.coreType ?? "null"), threads \(b.threads), "
          + "flush_subnormals \(b.flushSubnormals), conv \(b.convolution.rawValue)"
      }
      throw BLASConflict(
        description: "runs \(first.name) and \(other.name) ask for different BLAS settings "
          + "(\(text(first.blas)); \(text(other.blas))), which hold for the whole process: "
          + "set blas.* in the profile or with --set, or run them one at a time")
    }
    try BLASRuntime.relaunchIfNeeded(
      coreType: first.blas.coreType, arguments: CommandLine.arguments)
    try BLASRuntime.apply(first.blas.settings)
    // After the re-exec above: MPI starts once, in the process that stays.
    try ClusterLaunch.join()
  }

  /// Runs of one invocation asking for different process-wide BLAS settings.
  struct BLASConflict: Error, CustomStringConvertible {
    var description: String
  }

  /// An option naming a path that cannot be what it should be.
  struct OptionError: Error, CustomStringConvertible {
    var description: String
  }

  func runner() -> Runner {
    let log: @Sendable (String) -> Void = { FileHandle.standardError.write(Data("\($0)\n".utf8)) }
    return Runner(
      registry: registry, profile: profile, overrides: overrides, requestedSeeds: seeds,
      results: resultsURL, log: log, evaluate: { try RunEvaluator.evaluate($0, log: log) })
  }
}

/// `reid run NAME`: trains (or resumes) one run (each of its seeds) and its dependencies,
/// then evaluates it.
struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run", abstract: "Train and evaluate one run of the registry (resumes).")

  @Argument(help: "The run's name (a file stem in Experiments/runs).")
  var name: String

  @OptionGroup var options: RegistryOptions

  func run() throws {
    try options.applyBLAS(for: [name])
    defer { ClusterLaunch.leave() }
    let plan = try RequeueStatus.mapping { try options.runner().execute([name]) }
    guard Processes.world.isPrimary else { return }
    for run in plan.instances(of: name) {
      print("\(run.label) \(run.id) \(run.directory.path)")
    }
  }
}
