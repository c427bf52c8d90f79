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

  @Option(
    help: "Runs trained at once, each in a child process (the same bits as one at a time).")
  var jobs = 1

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

  /// Brings the runs of `names` (every seed) to done, `jobs` child processes at a time when
  /// `jobs` > 1 (else in this process), and returns the plan as it is afterwards.
  func execute(_ names: [String]) throws -> RunPlan {
    let runner = runner()
    guard jobs > 1 else { return try runner.execute(names) }
    guard Processes.world.size == 1 else {
      throw OptionError(description: "--jobs runs child processes: not under mpirun or srun")
    }
    let plan = try runner.plan(names)
    let parallel = ParallelRuns(
      plan: plan, jobs: jobs,
      executable: URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath(),
      logFolder: resultsURL.appendingPathComponent("logs"),
      arguments: { run in
        [
          "run", run.run.name, "--profile", profile, "--results", results, "--experiments",
          experiments,
        ] + (run.isSeeded ? ["--seeds", "\(run.seed)"] : [])
          + overrides.flatMap { ["--set", $0] }
      },
      log: runner.log)
    try parallel.execute(names.flatMap(plan.instances(of:)))
    // The states on disk now.
    return try runner.plan(names)
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
    let plan = try RequeueStatus.mapping { try options.execute([name]) }
    guard Processes.world.isPrimary else { return }
    for run in plan.instances(of: name) {
      print("\(run.label) \(run.id) \(run.directory.path)")
    }
  }
}
