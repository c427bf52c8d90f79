import ArgumentParser
import Kernels

/// The BLAS options of the commands that compute outside a run's configuration (`eval`,
/// `forward`, `info`): by default the same kernel family as `Experiments/base.yaml`, so that
/// they reproduce a run's numbers bit for bit.
struct BLASOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "OpenBLAS kernel family (OPENBLAS_CORETYPE) to run under; 'env' keeps the "
        + "environment's choice (the program re-executes itself to change it)."))
  var coreType = BLASSettings.defaultCoreType

  @Option(help: "BLAS threads (and evaluation threads).")
  var threads = 2

  func validate() throws {
    guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
  }

  /// The settings these options name.
  var settings: BLASSettings {
    BLASSettings(coreType: coreType == "env" ? nil : coreType, threads: threads)
  }

  /// Re-executes under the kernel family if needed, then sets threads and subnormal mode.
  func apply() throws {
    try BLASRuntime.relaunchIfNeeded(coreType: settings.coreType, arguments: CommandLine.arguments)
    try BLASRuntime.apply(settings)
  }
}
