import ArgumentParser
import Foundation
import Harness
import Kernels

/// Options shared by the commands that resolve runs.
struct RegistryOptions: ParsableArguments {
  @Option(help: "Profile: paper, ci or smoke.")
  var profile = "ci"

  @Option(name: .customLong("set"), help: "Override a config key, e.g. --set train.iterations=200.")
  var overrides: [String] = []

  @Option(help: "Results folder.")
  var results = "Results"

  @Option(help: "Experiment registry folder.")
  var experiments = "Experiments"

  var registry: Registry { Registry(root: URL(fileURLWithPath: experiments)) }
  var resultsURL: URL { URL(fileURLWithPath: results) }

  /// Applies the profile's BLAS settings (re-executing under another core type if needed).
  func applyBLAS() throws {
    let config = try registry.resolve(
      run: registry.runNames.first ?? "", profile: profile, overrides: overrides
    ).config
    try BLASRuntime.relaunchIfNeeded(
      coreType: config.blas.coreType, arguments: CommandLine.arguments)
    try BLASRuntime.apply(config.blas.settings)
  }

  func runner() -> Runner {
    let log: @Sendable (String) -> Void = { FileHandle.standardError.write(Data("\($0)\n".utf8)) }
    return Runner(
      registry: registry, profile: profile, overrides: overrides, results: resultsURL, log: log,
      evaluate: { try RunEvaluator.evaluate($0, log: log) })
  }
}

/// `reid run NAME`: trains (or resumes) one run and its dependencies, then evaluates it.
struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run", abstract: "Train and evaluate one run of the registry (resumes).")

  @Argument(help: "The run's name (a file stem in Experiments/runs).")
  var name: String

  @OptionGroup var options: RegistryOptions

  func run() throws {
    try options.applyBLAS()
    let plan = try options.runner().execute([name])
    if let run = plan[name] { print("\(name) \(run.id) \(run.directory.path)") }
  }
}
