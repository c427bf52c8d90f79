import ArgumentParser
import Kernels

/// `reid info`: the BLAS runtime this process got (what manifests record).
struct InfoCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "info", abstract: "Print the BLAS core, build configuration and thread count.")

  @Option(help: "Set the BLAS thread count before printing.")
  var threads: Int?

  func run() throws {
    if let threads { BLAS.setThreads(threads) }
    for (key, value) in BLAS.runtimeDescription.sorted(by: { $0.key < $1.key }) {
      print("\(key): \(value)")
    }
  }
}
