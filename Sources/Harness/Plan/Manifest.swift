import Foundation
import Kernels

/// `manifest.json`: what a run is and how it was computed (committed with the results).
public struct Manifest: Codable, Equatable, Sendable {
  public var runID: String
  public var name: String
  public var profile: String
  public var description: String
  /// The commit of the code that trained it (with `-dirty` when the tree had changes).
  public var commit: String
  /// Compiler and numeric flags of the build.
  public var build: String
  public var blasCore: String
  public var blasConfig: String
  public var blasThreads: Int
  /// `flushed` when subnormal floats were flushed to zero, `exact` otherwise.
  public var subnormals: String
  public var datasetFolder: String
  public var datasetFingerprint: String
  public var seed: UInt64
  public var trainerFormat: Int
  /// Steps trained in total, and in the process that finished it.
  public var steps: Int
  public var stepsThisProcess: Int
  /// Training wall time of the finishing process, seconds.
  public var wallSeconds: Double
  /// When training finished, ISO 8601.
  public var finished: String
  /// Whether training reached its configured iterations.
  public var complete: Bool
  /// Ids of the runs it started from.
  public var dependencies: [String: String]

  enum CodingKeys: String, CodingKey {
    case runID = "run_id"
    case name, profile, description, commit, build
    case blasCore = "blas_core"
    case blasConfig = "blas_config"
    case blasThreads = "blas_threads"
    case subnormals
    case datasetFolder = "dataset_folder"
    case datasetFingerprint = "dataset_fingerprint"
    case seed
    case trainerFormat = "trainer_format"
    case steps
    case stepsThisProcess = "steps_this_process"
    case wallSeconds = "wall_seconds"
    case finished, complete, dependencies
  }

  static func url(_ directory: URL) -> URL { directory.appendingPathComponent("manifest.json") }

  /// Reads `<directory>/manifest.json`.
  public static func read(from directory: URL) throws -> Manifest {
    try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: url(directory)))
  }

  /// Writes `<directory>/manifest.json` atomically.
  public func write(to directory: URL) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    try (encoder.encode(self) + Data("\n".utf8)).write(to: Self.url(directory), options: .atomic)
  }

  /// The current commit, from git (`unknown` outside a checkout).
  public static func currentCommit() -> String {
    func git(_ arguments: [String]) -> String? {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      process.arguments = ["git"] + arguments
      let pipe = Pipe()
      process.standardOutput = pipe
      process.standardError = FileHandle.nullDevice
      guard (try? process.run()) != nil else { return nil }
      let data = pipe.fileHandleForReading.readDataToEndOfFile()
      process.waitUntilExit()
      guard process.terminationStatus == 0 else { return nil }
      return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
    guard let head = git(["rev-parse", "--short=12", "HEAD"]) else { return "unknown" }
    let dirty = !(git(["status", "--porcelain", "--untracked-files=no"]) ?? "").isEmpty
    return dirty ? head + "-dirty" : head
  }
}
