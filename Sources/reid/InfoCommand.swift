import ArgumentParser
import Kernels
import ReIDCommandLine

/// `reid info`: the BLAS runtime this process got (what manifests record).
struct InfoCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "info", abstract: "Print the BLAS core, build configuration and thread count.")

  @OptionGroup var blas: BLASOptions

  func run() throws {
    try blas.apply()
    for (key, value) in BLAS.runtimeDescription.sorted(by: { $0.key < $1.key }) {
      print("\(key): \(value)")
    }
  }
}
