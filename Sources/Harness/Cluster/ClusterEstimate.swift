import TensorCore

/// The wall time of a plan's runs on a cluster, from steps measured on this machine: what
/// `reid plan --nodes N --cores-per-node C --network-gbps G` prints.
///
/// The model, stated so that its figures can be checked:
/// - a run of `train.shards` S is computed by R = S processes (one shard each, the fastest
///   layout its bits allow), spread over min(R, N) nodes; each process gets the node's cores
///   divided among the processes on it;
/// - compute per step is the core-seconds measured here (seconds per step x BLAS threads)
///   divided by the cluster cores the run holds: linear scaling, an optimistic bound (on this
///   machine's small `ci` shapes a second thread gave less than a second process did);
/// - communication per step is the bytes each process receives for the measured exchange
///   volume (`CommunicationTally.networkBytes`) at the stated bandwidth, plus one latency per
///   collective; nothing overlaps the compute (the trainer does not overlap either); processes
///   on one node exchange at no cost;
/// - evaluation is split over the run's processes like training;
/// - runs start when the runs they depend on have finished and enough nodes are free, in plan
///   order (list scheduling); data loading, checkpoints and start-up are not counted.
public struct ClusterEstimate {
  /// The cluster: identical nodes joined by one network.
  public struct Cluster: Sendable, Equatable {
    public var nodes: Int
    public var coresPerNode: Int
    /// Bandwidth per node, gigabits per second.
    public var networkGbps: Double
    /// Latency of one collective, seconds.
    public var latency: Double

    public init(nodes: Int, coresPerNode: Int, networkGbps: Double, latency: Double) {
      self.nodes = nodes
      self.coresPerNode = coresPerNode
      self.networkGbps = networkGbps
      self.latency = latency
    }
  }

  /// What one run costs, measured on this machine.
  public struct RunCost: Sendable {
    public var name: String
    /// The runs it starts after (by name).
    public var dependencies: [String]
    public var steps: Int
    public var shards: Int
    /// Seconds of one training step times the BLAS threads that ran it.
    public var coreSecondsPerStep: Double
    /// Core-seconds of embedding every test image (with flips).
    public var evaluationCoreSeconds: Double
    /// What one step exchanges between its shards.
    public var communication: CommunicationTally

    public init(
      name: String, dependencies: [String], steps: Int, shards: Int, coreSecondsPerStep: Double,
      evaluationCoreSeconds: Double, communication: CommunicationTally
    ) {
      self.name = name
      self.dependencies = dependencies
      self.steps = steps
      self.shards = shards
      self.coreSecondsPerStep = coreSecondsPerStep
      self.evaluationCoreSeconds = evaluationCoreSeconds
      self.communication = communication
    }
  }

  /// One run placed on the cluster.
  public struct Placement: Sendable {
    public var run: RunCost
    public var nodes: Int
    public var processes: Int
    public var threadsPerProcess: Int
    public var computeSecondsPerStep: Double
    public var communicationSecondsPerStep: Double
    /// Seconds from the start of the plan.
    public var start: Double
    public var finish: Double

    /// The share of a step spent exchanging.
    public var communicationShare: Double {
      communicationSecondsPerStep / max(1e-12, computeSecondsPerStep + communicationSecondsPerStep)
    }
  }

  public var cluster: Cluster
  /// The runs in plan order (dependencies first).
  public var placements: [Placement]

  /// When the last run finishes.
  public var wallSeconds: Double { placements.map(\.finish).max() ?? 0 }

  /// The longest chain of dependent runs, each as placed: the wall time with unlimited nodes.
  public var criticalPathSeconds: Double {
    var finish: [String: Double] = [:]
    for placement in placements {
      let ready = placement.run.dependencies.compactMap { finish[$0] }.max() ?? 0
      finish[placement.run.name] = ready + placement.finish - placement.start
    }
    return finish.values.max() ?? 0
  }

  /// Places `runs` (in plan order) on `cluster`.
  public init(runs: [RunCost], cluster: Cluster) {
    self.cluster = cluster
    var nodeFree = [Double](repeating: 0, count: max(1, cluster.nodes))
    var finished: [String: Double] = [:]
    placements = []
    for run in runs {
      let processes = max(1, run.shards)
      let nodes = min(processes, nodeFree.count)
      let perNode = (processes + nodes - 1) / nodes
      let threads = max(1, cluster.coresPerNode / perNode)
      let cores = Double(processes * threads)
      let compute = run.coreSecondsPerStep / cores
      let bytes = run.communication.networkBytes(processes: processes, shards: run.shards)
      let communication =
        nodes > 1
        ? bytes * 8 / (cluster.networkGbps * 1e9)
          + Double(run.communication.collectives) * cluster.latency
        : 0
      let duration =
        Double(run.steps) * (compute + communication) + run.evaluationCoreSeconds / cores
      // The `nodes` nodes free soonest, once the dependencies are done.
      let order = nodeFree.indices.sorted { nodeFree[$0] < nodeFree[$1] }
      let chosen = order.prefix(nodes)
      let ready = run.dependencies.compactMap { finished[$0] }.max() ?? 0
      let start = max(ready, chosen.map { nodeFree[$0] }.max() ?? 0)
      for node in chosen { nodeFree[node] = start + duration }
      finished[run.name] = start + duration
      placements.append(
        Placement(
          run: run, nodes: nodes, processes: processes, threadsPerProcess: threads,
          computeSecondsPerStep: compute, communicationSecondsPerStep: communication,
          start: start, finish: start + duration))
    }
  }
}
