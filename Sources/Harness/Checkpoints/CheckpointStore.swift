import Checkpoint
import Crypto
import Foundation

/// The checkpoints of one run: `step-NNNNNN.h5` files in a folder, written atomically, the
/// last `keep` kept, and resumed from the newest one that verifies.
public struct CheckpointStore: Sendable {
  /// The checkpoint layout version written into every file.
  public static let formatVersion = 1

  /// The folder (`Results/runs/<run-id>/checkpoints`).
  public let directory: URL
  /// How many checkpoints to keep (at least 1).
  public let keep: Int

  /// A store in `directory`, keeping the last `keep` checkpoints.
  public init(directory: URL, keep: Int) {
    self.directory = directory
    self.keep = max(1, keep)
  }

  /// The file of the checkpoint after `step` steps.
  public func path(step: Int) -> URL {
    directory.appendingPathComponent(String(format: "step-%06d.h5", step))
  }

  /// The checkpoints present, newest first.
  public func checkpoints() -> [(step: Int, url: URL)] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return names.compactMap { name -> (Int, URL)? in
      guard name.hasPrefix("step-"), name.hasSuffix(".h5"),
        let step = Int(name.dropFirst(5).dropLast(3))
      else { return nil }
      return (step, directory.appendingPathComponent(name))
    }.sorted { $0.0 > $1.0 }
  }

  /// Writes a checkpoint of `state` (temporary file, fsync, rename, directory fsync), then
  /// deletes all but the newest `keep`.
  @discardableResult
  public func save(_ state: TrainingState, metadata: CheckpointMetadata) throws -> URL {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let url = path(step: state.step)
    try CheckpointFile.write(state, metadata: metadata, to: url.path)
    for old in checkpoints().dropFirst(keep) { try? FileManager.default.removeItem(at: old.url) }
    return url
  }

  /// Restores `state` from the newest checkpoint that opens, verifies and belongs to `runID`.
  ///
  /// A checkpoint that fails is reported through `warn` and moved aside as
  /// `step-NNNNNN.h5.corrupt`: kept for inspection, but no longer the newest checkpoint that
  /// pruning counts (with `keep` 1 it would otherwise outrank, and so delete, every new
  /// checkpoint). Returns the file used, or nil when none is usable (then `state` is
  /// untouched). With `moveAside` false a failing checkpoint is only reported (the other
  /// processes of an MPI launch leave the moving to rank 0).
  public func resume(
    into state: TrainingState, runID: String, moveAside: Bool = true, warn: (String) -> Void
  ) -> URL? {
    for (_, url) in checkpoints() {
      do {
        _ = try CheckpointFile.read(url.path, runID: runID, into: state)
        return url
      } catch {
        guard moveAside else {
          warn("skipping checkpoint \(url.lastPathComponent): \(error)")
          continue
        }
        let aside = url.appendingPathExtension("corrupt")
        try? FileManager.default.removeItem(at: aside)
        let moved = (try? FileManager.default.moveItem(at: url, to: aside)) != nil
        warn(
          "skipping checkpoint \(url.lastPathComponent): \(error)"
            + (moved ? " (moved aside as \(aside.lastPathComponent))" : ""))
      }
    }
    return nil
  }

  /// The metadata of a checkpoint file.
  public static func metadata(of path: String) throws -> CheckpointMetadata {
    let file = try HDF5File.open(path)
    defer { try? file.close() }
    return try CheckpointFile.metadata(of: file, path: path)
  }

  /// One SHA-256 over every parameter tensor (sorted by name: name, shape, float32 bits), so
  /// two checkpoints with the same weights have the same digest whatever else differs.
  public static func parameterDigest(of path: String) throws -> String {
    let file = try HDF5File.open(path)
    defer { try? file.close() }
    var hasher = SHA256()
    for name in try file.openGroup("params").members().map(\.name).sorted() {
      let data = try file.read("params/\(name)", as: Float.self)
      hasher.update(data: Data(name.utf8))
      hasher.update(data: Data(data.shape.description.utf8))
      data.values.withUnsafeBytes { hasher.update(bufferPointer: $0) }
    }
    return hasher.finalize().map { String(format: "%02x", $0) }.joined()
  }
}
