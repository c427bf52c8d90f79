import Foundation
import Yams

/// How `reid submit` asks Slurm for resources: the defaults, then `Experiments/cluster.yaml`
/// (optional), then the command line.
public struct SlurmOptions: Sendable, Equatable {
  /// `--partition` (nil: the cluster's default).
  public var partition: String?
  /// `--time` of each run's job, Slurm's syntax (`2-00:00:00`); nil: the partition's limit.
  public var time: String?
  /// `--nodes` and `--ntasks-per-node` of each run's job; more than one task runs the run
  /// under `mpirun` (the run's `train.shards` must be a multiple of the tasks).
  public var nodes = 1
  public var tasksPerNode = 1
  /// `--cpus-per-task` (nil: Slurm's default); set it to the run's `blas.threads`.
  public var cpusPerTask: Int?
  /// `--account`.
  public var account: String?
  /// Seconds before the time limit at which Slurm sends SIGUSR1 (`--signal=B:USR1@lead`):
  /// enough for the step in progress to finish and a checkpoint to be written.
  public var signalLead = 300
  /// More `sbatch` arguments, passed through as they are (`--qos=long`, `--mem=20G`).
  public var extraArguments: [String] = []

  /// The defaults.
  public init() {}

  /// The keys of `cluster.yaml`.
  static let keys = [
    "partition", "time", "nodes", "ntasks_per_node", "cpus_per_task", "account", "signal_lead",
    "sbatch_args",
  ]

  /// The defaults overridden by `<experiments>/cluster.yaml`, if the file exists.
  /// - Throws: `ConfigError` naming the file and key of a wrong type or unknown key.
  public static func load(experiments: URL) throws -> SlurmOptions {
    var options = SlurmOptions()
    let url = experiments.appendingPathComponent("cluster.yaml")
    guard FileManager.default.fileExists(atPath: url.path) else { return options }
    let file = url.path
    let text: String
    do {
      text = try String(contentsOf: url, encoding: .utf8)
    } catch {
      throw ConfigError(file: file, keyPath: "", message: "cannot read: \(error)")
    }
    let loaded: Any?
    do {
      loaded = try Yams.load(yaml: text)
    } catch {
      throw ConfigError(file: file, keyPath: "", message: "not valid YAML: \(error)")
    }
    guard let mapping = (loaded ?? [String: Any]()) as? [String: Any] else {
      throw ConfigError(file: file, keyPath: "", message: "expected a mapping of Slurm options")
    }
    for key in mapping.keys.sorted() where !keys.contains(key) {
      throw ConfigError(
        file: file, keyPath: key, message: "unknown key; allowed: \(keys.joined(separator: ", "))")
    }
    func string(_ key: String) throws -> String? {
      guard let value = mapping[key], !(value is NSNull) else { return nil }
      if let text = value as? String { return text }
      if let number = value as? Int { return String(number) }
      throw ConfigError(file: file, keyPath: key, message: "expected a string")
    }
    func count(_ key: String) throws -> Int? {
      guard let value = mapping[key], !(value is NSNull) else { return nil }
      guard let number = value as? Int, number > 0 else {
        throw ConfigError(file: file, keyPath: key, message: "expected a positive integer")
      }
      return number
    }
    options.partition = try string("partition")
    options.time = try string("time")
    options.account = try string("account")
    options.nodes = try count("nodes") ?? options.nodes
    options.tasksPerNode = try count("ntasks_per_node") ?? options.tasksPerNode
    options.cpusPerTask = try count("cpus_per_task")
    options.signalLead = try count("signal_lead") ?? options.signalLead
    if let arguments = mapping["sbatch_args"] {
      guard let list = arguments as? [String] else {
        throw ConfigError(file: file, keyPath: "sbatch_args", message: "expected a list of strings")
      }
      options.extraArguments = list
    }
    return options
  }

  /// The processes of each run's job.
  public var tasks: Int { nodes * tasksPerNode }

  /// The `#SBATCH` lines these options give.
  var directives: [String] {
    var lines = ["--nodes=\(nodes)", "--ntasks-per-node=\(tasksPerNode)"]
    if let cpusPerTask { lines.append("--cpus-per-task=\(cpusPerTask)") }
    if let partition { lines.append("--partition=\(partition)") }
    if let time { lines.append("--time=\(time)") }
    if let account { lines.append("--account=\(account)") }
    return lines + extraArguments
  }
}
