import ArgumentParser
import Kernels

/// `reid info`: the BLAS runtime this process got (what manifests record).
struct InfoCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "info", abstract: "Print the BLAS core, build configuration and thread count.")

  @Option(help: "BLAS threads.")
  var threads = 2

  @Option(help: "An OPENBLAS_CORETYPE to run under (the program re-executes itself).")
  var coreType: String?

  func run() throws {
    try BLASRuntime.relaunchIfNeeded(coreType: coreType, arguments: CommandLine.arguments)
    try BLASRuntime.apply(BLASSettings(coreType: coreType, threads: threads))
    for (key, value) in BLAS.runtimeDescription.sorted(by: { $0.key < $1.key }) {
      print("\(key): \(value)")
    }
  }
}
