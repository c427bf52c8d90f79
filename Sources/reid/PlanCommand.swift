import ArgumentParser
import Foundation
import Harness
import Kernels
import ReIDData

/// `reid plan TABLE`: the runs a table needs, their dependencies and cache state, and an
/// estimate of the time and memory of training them on this machine (from two real training
/// steps of each run's network on random inputs).
struct PlanCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plan", abstract: "List a table's runs and estimate their cost on this machine.")

  @Argument(help: "A table (table1, table2, table3) or a run name.")
  var name: String

  @Flag(help: "Do not time training steps (just list the runs).")
  var noTiming = false

  @OptionGroup var options: RegistryOptions

  @Option(
    help:
      "Estimate the wall time on a cluster of this many nodes (each run on train.shards MPI processes)."
  )
  var nodes: Int?

  @Option(help: "Cores per node of that cluster.")
  var coresPerNode = 32

  @Option(help: "Network bandwidth per node, Gb/s.")
  var networkGbps = 10.0

  @Option(help: "Latency of one collective on that network, microseconds.")
  var latencyMicroseconds = 20.0

  func validate() throws {
    if let nodes, nodes < 1 { throw ValidationError("--nodes must be at least 1") }
    guard coresPerNode >= 1, networkGbps > 0, latencyMicroseconds >= 0 else {
      throw ValidationError(
        "--cores-per-node must be at least 1, --network-gbps above 0, --latency-microseconds "
          + "at least 0")
    }
    if nodes != nil && noTiming {
      throw ValidationError("--nodes estimates from timed steps: it cannot go with --no-timing")
    }
  }

  func run() throws {
    let registry = options.registry
    let names =
      registry.tableNames.contains(name) ? try registry.table(name).runNames : [name]
    // First: a different kernel family re-executes the program, and planning again would
    // repeat every warning.
    try options.applyBLAS(for: names)
    let plan = try options.runner().plan(names, requireData: false)
    var totalSeconds = 0.0
    var peak = 0
    var costs: [ClusterEstimate.RunCost] = []
    // The seeds of a run take the same time per step: time one.
    var timed: [String: StepTimer.Estimate] = [:]
    for run in plan.runs {
      let state =
        run.isDone ? "done" : run.checkpointStep.map { "partial (step \($0))" } ?? "missing"
      let dependencies =
        run.dependencies.isEmpty ? "" : " after \(run.dependencies.joined(separator: ", "))"
      print("\(run.label) [\(run.id)]\(dependencies): \(state)")
      guard !noTiming, !run.isDone else { continue }
      let estimate = try timed[run.run.name] ?? StepTimer.measure(run.run)
      timed[run.run.name] = estimate
      let config = run.run.config
      let training = estimate.secondsPerStep * Double(config.train.iterations)
      let evaluation =
        config.train.task == "parsing"
        ? 0
        : estimate.secondsPerInferenceImage * Double(Self.testImages(run))
          * (config.eval.flip ? 2 : 1)
      totalSeconds += training + evaluation
      peak = max(peak, estimate.peakBytes)
      let threads = Double(BLAS.threads)
      costs.append(
        ClusterEstimate.RunCost(
          name: run.label, dependencies: run.dependencies,
          steps: config.train.iterations, shards: config.train.shards,
          coreSecondsPerStep: estimate.secondsPerStep * threads,
          evaluationCoreSeconds: evaluation * threads, communication: estimate.communication))
      print(
        String(
          format: "  %.2f s/step x %d steps = %@ training, about %@ evaluation; peak %.1f GiB",
          estimate.secondsPerStep, config.train.iterations, Self.duration(training),
          Self.duration(evaluation), Double(estimate.peakBytes) / Double(1 << 30)))
    }
    if !noTiming {
      print(
        String(
          format: "estimated total: %@ on this machine, peak memory %.1f GiB (re-ranking and "
            + "data loading not included)", Self.duration(totalSeconds),
          Double(peak) / Double(1 << 30)))
    }
    if let nodes {
      printCluster(
        ClusterEstimate(
          runs: costs,
          cluster: .init(
            nodes: nodes, coresPerNode: coresPerNode, networkGbps: networkGbps,
            latency: latencyMicroseconds * 1e-6)))
    }
  }

  func printCluster(_ estimate: ClusterEstimate) {
    let cluster = estimate.cluster
    print(
      String(
        format: "on %d nodes x %d cores at %.0f Gb/s (%.0f us per collective), each run on "
          + "train.shards processes:", cluster.nodes, cluster.coresPerNode, cluster.networkGbps,
        cluster.latency * 1e6))
    for placement in estimate.placements {
      let run = placement.run
      print(
        String(
          format: "  %@: %d processes x %d threads on %d node%@; %.3f s/step compute + %.3f s "
            + "exchanges (%.1f%%, %.1f MB received per process per step); %@ to %@",
          run.name, placement.processes, placement.threadsPerProcess, placement.nodes,
          placement.nodes == 1 ? "" : "s", placement.computeSecondsPerStep,
          placement.communicationSecondsPerStep, placement.communicationShare * 100,
          run.communication.networkBytes(processes: placement.processes, shards: run.shards)
            / 1e6, Self.duration(placement.start), Self.duration(placement.finish)))
    }
    print(
      "estimated wall time on the cluster: \(Self.duration(estimate.wallSeconds)) (critical "
        + "path of the dependency chain \(Self.duration(estimate.criticalPathSeconds)); "
        + "linear scaling over cores assumed; data loading and checkpoints not included)")
    if estimate.placements.contains(where: { $0.run.shards == 1 }) {
      print(
        "note: runs with train.shards 1 use one process; --set train.shards=S spreads each "
          + "over S processes (S must divide the batch)")
    }
  }

  /// Query and gallery images of the run's test sets: counted on disk when the data is there,
  /// the published counts otherwise.
  static func testImages(_ run: PlannedRun) -> Int {
    run.run.config.eval.datasets.reduce(0) { total, name in
      guard let kind = ReIDDatasetKind(rawValue: name) else { return total }
      if let dataset = try? ReIDDataset.load(kind, dataRoot: run.dataFolder) {
        return total + dataset.query.count + dataset.gallery.count
      }
      return total + kind.expectedCounts.query + kind.expectedCounts.gallery
    }
  }

  static func duration(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    if s >= 86_400 { return "\(s / 86_400)d \(s % 86_400 / 3600)h" }
    if s >= 3600 { return "\(s / 3600)h \(s % 3600 / 60)m" }
    return s >= 60 ? "\(s / 60)m \(s % 60)s" : "\(s)s"
  }
}
