import ArgumentParser
import Foundation
import Harness

/// `reid submit TABLE|RUN`: the runs that are not done, as Slurm jobs with dependencies.
struct SubmitCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "submit",
    abstract: "Submit a table's (or one run's) missing runs to Slurm, then render the table.",
    discussion: """
      One job per run not done, after the jobs of the runs it starts from; for a table, a last
      job evaluates what is missing and renders it. Jobs are requeued with a checkpoint before
      their time limit. Defaults come from Experiments/cluster.yaml when it exists.
      """)

  @Argument(help: "A table (table1, table2, table3) or a run of the registry.")
  var target: String

  @OptionGroup var options: RegistryOptions

  @Option(help: "Slurm partition.") var partition: String?
  @Option(help: "Time limit of each run's job (Slurm syntax, e.g. 2-00:00:00).") var time: String?
  @Option(help: "Nodes per run's job.") var nodes: Int?
  @Option(help: "Tasks (MPI processes) per node.") var ntasksPerNode: Int?
  @Option(help: "CPUs per task (set it to blas.threads).") var cpusPerTask: Int?
  @Option(help: "Slurm account.") var account: String?
  @Option(help: "Seconds before the time limit at which jobs checkpoint (SIGUSR1).")
  var signalLead: Int?
  @Option(help: "An extra sbatch argument (repeatable), e.g. --sbatch-arg=--qos=long.")
  var sbatchArg: [String] = []

  @Flag(help: "Print the scripts and the dependency graph; submit nothing.")
  var dryRun = false

  func run() throws {
    let registry = try options.checkedRegistry()
    let isTable = registry.tableNames.contains(target)
    let names = isTable ? try registry.table(target).runNames : [target]
    let plan = try options.runner().plan(names)
    var slurm = try SlurmOptions.load(experiments: absolute(options.experiments))
    if let partition { slurm.partition = partition }
    if let time { slurm.time = time }
    if let nodes { slurm.nodes = nodes }
    if let ntasksPerNode { slurm.tasksPerNode = ntasksPerNode }
    if let cpusPerTask { slurm.cpusPerTask = cpusPerTask }
    if let account { slurm.account = account }
    if let signalLead { slurm.signalLead = signalLead }
    slurm.extraArguments += sbatchArg
    for run in plan.runs where !run.isDone {
      let shards = run.run.config.train.shards
      guard shards % slurm.tasks == 0 else {
        throw ValidationError(
          "\(run.label): \(slurm.tasks) tasks per job cannot share train.shards \(shards); "
            + "set --nodes/--ntasks-per-node to a divisor of the shards")
      }
      let threads = run.run.config.blas.threads
      if let cpus = slurm.cpusPerTask, cpus != threads {
        print(
          "warning: \(run.label): --cpus-per-task \(cpus) but blas.threads \(threads): "
            + (cpus < threads ? "the threads will share cores" : "cores will stay idle")
            + " (--set blas.threads=\(cpus) uses them, with other bits and another run id)")
      }
    }
    let submission = SlurmSubmission(
      plan: plan, table: isTable ? target : nil, profile: options.profile,
      overrides: options.overrides, requestedSeeds: options.seeds,
      results: absolute(options.results),
      experiments: absolute(options.experiments),
      dataRoot: absolute(ProcessInfo.processInfo.environment["DATA_ROOT"] ?? "data").path,
      executable: URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path,
      workingDirectory: FileManager.default.currentDirectoryPath, options: slurm)
    let jobs = submission.jobs
    for run in plan.runs where run.isDone { print("\(run.label) [\(run.id)]: done (cached)") }
    if dryRun {
      for job in jobs { print("# \(job.scriptURL.path)\n\(job.script)") }
      print("# dependency graph\n\(submission.graph(jobs))")
      return
    }
    let log: (String) -> Void = { print($0) }
    _ = try submission.submit(log: log)
  }

  func absolute(_ path: String) -> URL {
    URL(
      fileURLWithPath: path,
      relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    )
    .standardizedFileURL
  }
}
