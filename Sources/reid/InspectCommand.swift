import ArgumentParser
import Harness

/// `reid inspect CKPT.h5`: a checkpoint's metadata, and optionally its parameter digest.
struct InspectCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "inspect", abstract: "Print a training checkpoint's metadata.")

  @Argument(help: "A checkpoint file (Results/runs/<id>/checkpoints/step-NNNNNN.h5).")
  var checkpoint: String

  @Flag(help: "Print only one SHA-256 over all parameter tensors.")
  var digest = false

  func run() throws {
    if digest {
      print(try CheckpointStore.parameterDigest(of: checkpoint))
      return
    }
    let metadata = try CheckpointStore.metadata(of: checkpoint)
    print("run:           \(metadata.runID)")
    print("step:          \(metadata.step)")
    print("format:        \(metadata.formatVersion)")
    print("blas:          \(metadata.blasCore), \(metadata.blasThreads) threads")
    print("digest:        \(try CheckpointStore.parameterDigest(of: checkpoint))")
    print("config:")
    print(metadata.config.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
  }
}
