import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Brings a plan's runs to done with up to `jobs` child `reid run` processes at a time, each
/// started once the runs it depends on are done: the seeds of a table side by side.
///
/// A training process at the `ci` scale keeps about one of two cores busy, so two at once
/// finish a table sooner. The bits do not change: each run computes exactly what it computes
/// alone. Each child writes its output to `<results>/logs/<run>.log`; this process says when
/// each starts and ends. A child that fails stops new ones from starting; the others finish.
/// SIGINT and SIGTERM are passed on to the children, which checkpoint and stop.
public struct ParallelRuns {
  /// The runs and their dependencies.
  public var plan: RunPlan
  /// Child processes at a time (at least 1).
  public var jobs: Int
  /// The `reid` executable.
  public var executable: URL
  /// The arguments of the child that trains and evaluates a run (`run NAME --seeds S ...`).
  public var arguments: (PlannedRun) -> [String]
  /// Where the children's logs go.
  public var logFolder: URL
  /// Progress for the user.
  public var log: (String) -> Void

  /// Runs with their child processes and logs.
  public init(
    plan: RunPlan, jobs: Int, executable: URL, logFolder: URL,
    arguments: @escaping (PlannedRun) -> [String], log: @escaping (String) -> Void
  ) {
    self.plan = plan
    self.jobs = max(1, jobs)
    self.executable = executable
    self.logFolder = logFolder
    self.arguments = arguments
    self.log = log
  }

  /// The runs `targets` need, dependencies first: those not done, and the parsing runs whose
  /// weights a pending dependent would load but that are not on disk (a clean checkout).
  public func pending(_ targets: [PlannedRun]) -> [PlannedRun] {
    let waiting = targets.filter { !$0.isDone }
    var labels = Set(waiting.map(\.label))
    for run in waiting {
      for dependency in run.dependencies {
        guard let planned = plan[dependency] else { continue }
        let weights = Trainer.weightsURL(planned.directory).path
        if !planned.isDone || !FileManager.default.fileExists(atPath: weights) {
          labels.insert(dependency)
        }
      }
    }
    return plan.runs.filter { labels.contains($0.label) }
  }

  /// Trains and evaluates every run of `targets` not yet done, and what they depend on.
  ///
  /// - Throws: `ParallelRunsFailure` naming the runs whose process failed and their logs.
  public func execute(_ targets: [PlannedRun]) throws {
    var pending = pending(targets)
    guard !pending.isEmpty else { return }
    try FileManager.default.createDirectory(at: logFolder, withIntermediateDirectories: true)
    StopSignal.install()
    defer { StopSignal.uninstall() }
    var running: [(run: PlannedRun, process: Process, started: Date)] = []
    var failures: [String] = []
    var stopping: Int32?
    while !pending.isEmpty || !running.isEmpty {
      if stopping == nil, let signal = StopSignal.take() {
        stopping = signal
        for child in running { kill(child.process.processIdentifier, signal) }
        log("signal \(signal): the running runs checkpoint and stop; no new one starts")
      }
      while failures.isEmpty, stopping == nil, running.count < jobs,
        let next = pending.firstIndex(where: { run in
          run.dependencies.allSatisfy { dependency in
            !pending.contains { $0.label == dependency }
              && !running.contains { $0.run.label == dependency }
          }
        })
      {
        let run = pending.remove(at: next)
        running.append((run, try start(run), Date()))
      }
      if pending.isEmpty && running.isEmpty { break }
      if !failures.isEmpty || stopping != nil { pending.removeAll() }
      usleep(200_000)
      for (i, child) in running.enumerated().reversed() where !child.process.isRunning {
        running.remove(at: i)
        let minutes = Date().timeIntervalSince(child.started) / 60
        if child.process.terminationStatus == 0 && child.process.terminationReason == .exit {
          log(String(format: "%@ [%@]: done in %.1f min", child.run.label, child.run.id, minutes))
        } else {
          failures.append(child.run.label)
          log(
            "\(child.run.label) [\(child.run.id)]: failed (exit \(child.process.terminationStatus))"
              + "; its log: \(logURL(child.run).path)\n" + tail(logURL(child.run)))
        }
      }
    }
    if let stopping { throw RunsInterrupted(signal: stopping) }
    guard failures.isEmpty else {
      throw ParallelRunsFailure(
        runs: failures,
        logs: failures.compactMap { label in
          plan[label].map { logURL($0).path }
        })
    }
  }

  /// `<logs>/<label>.log` (`can-inception/seed2` as `can-inception-seed2`).
  func logURL(_ run: PlannedRun) -> URL {
    logFolder.appendingPathComponent(run.label.replacingOccurrences(of: "/", with: "-") + ".log")
  }

  /// Starts the child of `run`, its output appended to its log.
  func start(_ run: PlannedRun) throws -> Process {
    let url = logURL(run)
    // A log that cannot be created fails in FileHandle(forWritingTo:) below, naming the file.
    if !FileManager.default.fileExists(atPath: url.path) {
      _ = FileManager.default.createFile(atPath: url.path, contents: nil)
    }
    let handle = try FileHandle(forWritingTo: url)
    try handle.seekToEnd()
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments(run)
    process.standardOutput = handle
    process.standardError = handle
    try process.run()
    log("\(run.label) [\(run.id)]: started (log: \(url.path))")
    return process
  }

  /// The last lines of a log, indented.
  func tail(_ url: URL, lines: Int = 5) -> String {
    let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    return text.split(separator: "\n").suffix(lines).map { "    " + $0 }.joined(separator: "\n")
  }
}

/// Runs whose child process failed.
public struct ParallelRunsFailure: Error, CustomStringConvertible {
  /// Their labels.
  public var runs: [String]
  /// Their logs.
  public var logs: [String]

  public var description: String {
    "\(runs.count) run\(runs.count == 1 ? "" : "s") failed: \(runs.joined(separator: ", "))"
      + " (logs: \(logs.joined(separator: ", ")))"
  }
}

/// Runs stopped by a signal: each wrote a checkpoint; running again resumes them.
public struct RunsInterrupted: Error, CustomStringConvertible {
  /// The signal number.
  public var signal: Int32

  public var description: String {
    "interrupted by signal \(signal); the runs in progress checkpointed; run again to resume"
  }
}
