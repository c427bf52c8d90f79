import ArgumentParser
import Kernels

extension ConvolutionAlgorithm: ExpressibleByArgument {}

/// The BLAS options of the programs that compute outside a run's configuration (`reid eval`,
/// `forward`, `info`, and `reid-bench`): by default the same kernel family as
/// `Experiments/base.yaml`, so that they reproduce a run's numbers bit for bit.
public struct BLASOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "OpenBLAS kernel family (OPENBLAS_CORETYPE) to run under; 'env' keeps the "
        + "environment's choice (the program re-executes itself to change it)."))
  public var coreType = BLASSettings.defaultCoreType

  @Option(help: "BLAS threads (and evaluation threads).")
  public var threads = 2

  @Option(
    help: ArgumentHelp(
      "How convolutions other than 1x1 run: direct or im2col (as a run's blas.conv).",
      valueName: "algorithm"))
  public var conv = ConvolutionAlgorithm.direct

  public init() {}

  public func validate() throws {
    guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
  }

  /// The settings these options name.
  public var settings: BLASSettings {
    BLASSettings(
      coreType: coreType == "env" ? nil : coreType, threads: threads, convolution: conv)
  }

  /// Re-executes under the kernel family if needed, then sets threads and subnormal mode.
  public func apply() throws {
    try BLASRuntime.relaunchIfNeeded(coreType: settings.coreType, arguments: CommandLine.arguments)
    try BLASRuntime.apply(settings)
  }
}
