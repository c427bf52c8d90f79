import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Slurm's client commands (`sbatch`, `squeue`, `sinfo`, `scontrol`), run as processes.
public enum Slurm {
  /// A Slurm command that is missing or failed.
  public struct Failure: Error, CustomStringConvertible {
    public var description: String
  }

  /// The states of a job that will still run (or is running): a second copy must not start.
  static let activeStates: Set<String> = [
    "PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "REQUEUED", "REQUEUE_HOLD",
    "REQUEUE_FED", "RESIZING", "SUSPENDED", "SIGNALING", "STAGE_OUT",
  ]

  /// The absolute path of `command` on PATH.
  /// - Throws: `Failure` naming the command and what provides it.
  public static func locate(_ command: String) throws -> String {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for folder in path.split(separator: ":") {
      let candidate = "\(folder)/\(command)"
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    throw Failure(
      description: "\(command) not found on PATH: reid submit needs Slurm's client commands "
        + "(Debian slurm-client; make deps installs it) on a machine of the cluster")
  }

  /// Runs `command arguments`; returns its standard output and error and exit status.
  static func run(_ command: String, _ arguments: [String]) throws -> (
    output: String, error: String, status: Int32
  ) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try locate(command))
    process.arguments = arguments
    let output = Pipe()
    let error = Pipe()
    process.standardOutput = output
    process.standardError = error
    try process.run()
    let out = output.fileHandleForReading.readDataToEndOfFile()
    let err = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (
      String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self),
      process.terminationStatus
    )
  }

  /// The cluster's partitions.
  public static func partitions() throws -> [String] {
    let result = try run("sinfo", ["-h", "-o", "%R"])
    guard result.status == 0 else {
      throw Failure(description: "sinfo failed: \(result.error.trimmed)")
    }
    return result.output.split(separator: "\n").map { String($0).trimmed }
  }

  /// Submits `script` after the jobs `after` succeeded; returns the job id.
  static func submit(_ script: URL, after: [String]) throws -> String {
    var arguments = ["--parsable"]
    if !after.isEmpty { arguments.append("--dependency=afterok:" + after.joined(separator: ":")) }
    let result = try run("sbatch", arguments + [script.path])
    let id = result.output.trimmed.split(separator: ";").first.map(String.init) ?? ""
    guard result.status == 0, !id.isEmpty, id.allSatisfy(\.isNumber) else {
      throw Failure(
        description: "sbatch rejected \(script.path): "
          + (result.error.trimmed.isEmpty ? result.output.trimmed : result.error.trimmed))
    }
    return id
  }

  /// A job's state (`RUNNING`, `COMPLETED`, ...), or nil when Slurm no longer knows it.
  public static func state(of jobID: String) -> String? {
    if let result = try? run("squeue", ["-h", "-j", jobID, "-o", "%T"]), result.status == 0,
      let state = result.output.split(separator: "\n").first.map({ String($0).trimmed }),
      !state.isEmpty
    {
      return state
    }
    // Finished jobs leave squeue; scontrol knows them for a while (MinJobAge).
    guard let result = try? run("scontrol", ["show", "job", jobID, "-o"]), result.status == 0
    else { return nil }
    for field in result.output.split(separator: " ") where field.hasPrefix("JobState=") {
      return String(field.dropFirst("JobState=".count))
    }
    return nil
  }

  /// Whether `state` is one of a job that is still to run or running.
  public static func isActive(_ state: String?) -> Bool {
    state.map { activeStates.contains($0) } ?? false
  }

  /// Runs `body` holding an exclusive lock on `url` (so two submissions of one results
  /// folder do not both submit a run).
  static func withLock<T>(_ url: URL, _ body: () throws -> T) throws -> T {
    try FileManager.default.createDirectory(
      at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    let fd = open(url.path, O_CREAT | O_RDWR, 0o644)
    guard fd >= 0 else { throw Failure(description: "cannot open the lock \(url.path)") }
    defer { close(fd) }
    guard flock(fd, LOCK_EX) == 0 else {
      throw Failure(description: "cannot lock \(url.path)")
    }
    defer { flock(fd, LOCK_UN) }
    return try body()
  }
}

extension String {
  var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
