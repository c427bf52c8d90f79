import Foundation

/// The Slurm jobs that bring a plan's runs to done: one batch script per run not yet done,
/// with `afterok` dependencies on the jobs of the runs it starts from, and (for a table) a last
/// job that evaluates what is missing and renders the table.
///
/// Every run's job is `--requeue`d with `--signal=B:USR1@lead`: the script forwards the signal
/// to `reid run`, which writes a checkpoint and exits with status 75; the script then requeues
/// its own job (`scontrol requeue`), and the requeued job resumes from that checkpoint.
public struct SlurmSubmission {
  /// One batch job.
  public struct Job {
    /// The run's label (`can-inception/seed2`), or `table:<name>` for the rendering job.
    public var key: String
    /// The batch script.
    public var script: String
    /// Where the script, its log and the job record are written.
    public var scriptURL: URL
    public var logURL: URL
    public var recordURL: URL
    /// The keys of the jobs this one starts after.
    public var dependencies: [String]
  }

  public var plan: RunPlan
  /// The table rendered by the last job, if any.
  public var table: String?
  public var profile: String
  public var overrides: [String]
  /// The `--seeds` given to `reid submit`, passed on to the table's job (each run's job
  /// trains its one seed).
  public var requestedSeeds: [UInt64]?
  /// Absolute paths: results, registry, data root, the `reid` executable, the project folder.
  public var results: URL
  public var experiments: URL
  public var dataRoot: String
  public var executable: String
  public var workingDirectory: String
  public var options: SlurmOptions

  public init(
    plan: RunPlan, table: String?, profile: String, overrides: [String],
    requestedSeeds: [UInt64]? = nil, results: URL, experiments: URL, dataRoot: String,
    executable: String, workingDirectory: String, options: SlurmOptions
  ) {
    self.plan = plan
    self.table = table
    self.profile = profile
    self.overrides = overrides
    self.requestedSeeds = requestedSeeds
    self.results = results
    self.experiments = experiments
    self.dataRoot = dataRoot
    self.executable = executable
    self.workingDirectory = workingDirectory
    self.options = options
  }

  /// `DIR/slurm/`: the scripts, logs and the submission lock.
  public var folder: URL { results.appendingPathComponent("slurm") }

  /// The jobs, in dependency order: every run not done, then the table's.
  public var jobs: [Job] {
    var jobs: [Job] = []
    var submitted = Set<String>()
    for run in plan.runs where !run.isDone {
      let stem = "\(run.run.name)-\(run.id)"
      let dependencies = run.dependencies.filter { submitted.contains($0) }
      jobs.append(
        Job(
          key: run.label, script: runScript(run, stem: stem),
          scriptURL: folder.appendingPathComponent("\(stem).sbatch"),
          logURL: folder.appendingPathComponent("\(stem).log"),
          recordURL: run.directory.appendingPathComponent("slurm-job.json"),
          dependencies: dependencies))
      submitted.insert(run.label)
    }
    if let table {
      jobs.append(
        Job(
          key: "table:\(table)", script: tableScript(table),
          scriptURL: folder.appendingPathComponent("\(table)-\(profile).sbatch"),
          logURL: folder.appendingPathComponent("\(table)-\(profile).log"),
          recordURL: folder.appendingPathComponent("\(table)-\(profile)-job.json"),
          dependencies: jobs.map(\.key)))
    }
    return jobs
  }

  /// The dependency graph, one line per job: `key <- dependencies`.
  public func graph(_ jobs: [Job]) -> String {
    jobs.map { job in
      job.key
        + (job.dependencies.isEmpty ? "" : "  (after \(job.dependencies.joined(separator: ", ")))")
    }.joined(separator: "\n")
  }

  /// The `reid` arguments shared by every job (each run's job adds its seed, the table's job
  /// the seeds asked for).
  var commonArguments: [String] {
    ["--profile", profile, "--results", results.path, "--experiments", experiments.path]
      + overrides.flatMap { ["--set", $0] }
  }

  func header(name: String, log: URL, requeue: Bool, tasks: Int) -> [String] {
    var lines = [
      "#!/usr/bin/env bash",
      "# Written by reid submit; resubmitting the table reuses this job while it is active.",
      "#SBATCH --job-name=reid-\(name)",
      "#SBATCH --output=\(log.path)",
      "#SBATCH --open-mode=append",
    ]
    if requeue {
      lines += ["#SBATCH --requeue", "#SBATCH --signal=B:USR1@\(options.signalLead)"]
    }
    var directives = options.directives
    if tasks == 1 {
      directives =
        directives.filter {
          !$0.hasPrefix("--nodes=") && !$0.hasPrefix("--ntasks-per-node=")
        } + ["--ntasks=1"]
    }
    lines += directives.map { "#SBATCH \($0)" }
    lines += [
      "set -uo pipefail",
      "cd \(Self.quoted(workingDirectory))",
      "export DATA_ROOT=\(Self.quoted(dataRoot))",
      "echo \"reid submit: job $SLURM_JOB_ID (restart ${SLURM_RESTART_COUNT:-0}) on "
        + "$(hostname) at $(date -u +%FT%TZ)\"",
    ]
    return lines
  }

  func runScript(_ run: PlannedRun, stem: String) -> String {
    let launcher = options.tasks > 1 ? "mpirun -np \"$SLURM_NTASKS\" " : ""
    let command =
      launcher
      + ([executable, "run", run.run.name] + commonArguments
      + (run.isSeeded ? ["--seeds", "\(run.seed)"] : [])).map(Self.quoted).joined(
        separator: " ")
    return
      (header(
        name: run.label, log: folder.appendingPathComponent("\(stem).log"), requeue: true,
        tasks: options.tasks) + [
        "# SIGUSR1 (the time limit is near) goes to reid, which checkpoints and exits 75.",
        "\(command) &",
        "child=$!",
        "trap 'kill -USR1 \"$child\" 2>/dev/null' USR1",
        "while :; do wait \"$child\"; status=$?; kill -0 \"$child\" 2>/dev/null || break; done",
        "if [ \"$status\" -eq 75 ]; then",
        "  echo \"reid submit: checkpoint written before the time limit; requeueing $SLURM_JOB_ID\"",
        "  scontrol requeue \"$SLURM_JOB_ID\"",
        "  exit 0",
        "fi",
        "exit \"$status\"",
      ]).joined(separator: "\n") + "\n"
  }

  func tableScript(_ table: String) -> String {
    let seeds = requestedSeeds.map { ["--seeds", $0.map(String.init).joined(separator: ",")] }
    let command = ([executable, "table", table] + commonArguments + (seeds ?? [])).map(
      Self.quoted
    ).joined(separator: " ")
    return
      (header(
        name: table, log: folder.appendingPathComponent("\(table)-\(profile).log"),
        requeue: false, tasks: 1) + [command]).joined(separator: "\n") + "\n"
  }

  /// `text` as one shell word.
  static func quoted(_ text: String) -> String {
    let safe = text.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:+,@%".contains($0) }
    return safe && !text.isEmpty
      ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}

/// The job `reid submit` submitted for a run (`<run>/slurm-job.json`) or a table.
public struct SlurmJobRecord: Codable, Equatable, Sendable {
  public var jobID: String
  public var script: String
  public var log: String
  public var submitted: String

  enum CodingKeys: String, CodingKey {
    case jobID = "job_id"
    case script, log, submitted
  }

  /// The record at `url`, if one is there and reads.
  public static func read(_ url: URL) -> SlurmJobRecord? {
    guard let data = try? Data(contentsOf: url) else { return nil }
    return try? JSONDecoder().decode(SlurmJobRecord.self, from: data)
  }

  /// Writes the record atomically.
  public func write(to url: URL) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    try FileManager.default.createDirectory(
      at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try encoder.encode(self).write(to: url, options: .atomic)
  }
}

extension SlurmSubmission {
  /// What a submission did with one job.
  public enum Outcome: Equatable {
    /// Submitted as a new job.
    case submitted(String)
    /// A job submitted before is still pending or running: not submitted again.
    case active(String, state: String)
  }

  /// Writes every job's script and submits it, in dependency order, under a lock on the
  /// results folder. A job whose recorded job is still active is not submitted again (its id
  /// serves the dependents); a record of a job Slurm no longer runs is named as stale and
  /// replaced.
  /// - Throws: `Slurm.Failure` (a missing command, an unknown partition, sbatch's refusal).
  public func submit(log: (String) -> Void) throws -> [(Job, Outcome)] {
    _ = try Slurm.locate("sbatch")
    if let partition = options.partition {
      let known = try Slurm.partitions()
      guard known.contains(partition) else {
        throw Slurm.Failure(
          description: "unknown partition '\(partition)': this cluster has "
            + (known.isEmpty ? "none" : known.joined(separator: ", ")))
      }
    }
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return try Slurm.withLock(folder.appendingPathComponent(".submit.lock")) {
      var ids: [String: String] = [:]
      var outcomes: [(Job, Outcome)] = []
      let formatter = ISO8601DateFormatter()
      for job in jobs {
        if let record = SlurmJobRecord.read(job.recordURL) {
          let state = Slurm.state(of: record.jobID)
          if Slurm.isActive(state), let state {
            log("\(job.key): job \(record.jobID) is \(state); not submitting a second copy")
            ids[job.key] = record.jobID
            outcomes.append((job, .active(record.jobID, state: state)))
            continue
          }
          log(
            "\(job.key): the recorded job \(record.jobID) is stale ("
              + (state.map { "\($0)" } ?? "unknown to Slurm") + "; log \(record.log)); "
              + "submitting a new one")
        }
        try job.script.write(to: job.scriptURL, atomically: true, encoding: .utf8)
        let after = job.dependencies.compactMap { ids[$0] }
        let id = try Slurm.submit(job.scriptURL, after: after)
        try SlurmJobRecord(
          jobID: id, script: job.scriptURL.path, log: job.logURL.path,
          submitted: formatter.string(from: Date())
        ).write(to: job.recordURL)
        ids[job.key] = id
        log(
          "\(job.key): submitted job \(id)"
            + (after.isEmpty ? "" : " after \(after.joined(separator: ", "))"))
        outcomes.append((job, .submitted(id)))
      }
      return outcomes
    }
  }
}
