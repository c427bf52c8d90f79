/// How a training step's global batch is cut into fixed shards, and which of them this process
/// computes.
///
/// The global batch of B images is cut into `shards` equal, contiguous shards (shard s holds
/// rows s * B / S ..< (s + 1) * B / S). `processes` processes compute them, each a contiguous
/// block of `shards / processes` shards. Everything a step computes is a function of the shards
/// alone: every GEMM runs on one shard, every reduction over the batch is a per-shard partial
/// followed by a sum over all shards in shard order. So 1, 2 or S processes give the same bits.
public struct ShardPlan: Sendable, Equatable, CustomStringConvertible {
  /// The shards S of every global batch.
  public let shards: Int
  /// The processes R computing them (R divides S).
  public let processes: Int
  /// This process's rank, 0 ..< R.
  public let rank: Int

  /// A plan; R must divide S and the rank be in range.
  public init(shards: Int, processes: Int = 1, rank: Int = 0) {
    checkPrecondition(
      shards >= 1 && processes >= 1 && shards % processes == 0 && (0..<processes).contains(rank),
      "ShardPlan: \(processes) processes (rank \(rank)) for \(shards) shards")
    self.shards = shards
    self.processes = processes
    self.rank = rank
  }

  /// One shard computed by one process: what every step did before sharding existed.
  public static let single = ShardPlan(shards: 1)

  /// The shards this process computes.
  public var localShards: Int { shards / processes }

  /// The global index of this process's first shard.
  public var firstShard: Int { rank * localShards }

  /// The global rows of this process's shards in a global batch of `batch` rows.
  public func localRows(ofBatch batch: Int) -> Range<Int> {
    let perShard = batch / shards
    return firstShard * perShard..<(firstShard + localShards) * perShard
  }

  public var description: String {
    "\(shards) shard\(shards == 1 ? "" : "s") over \(processes) process"
      + "\(processes == 1 ? "" : "es") (rank \(rank))"
  }
}

/// What sharded arithmetic needs to exchange between the processes of one run.
///
/// Each call is collective: every process makes the same calls in the same order. Arrays are
/// blocks of equal length, one block per shard. An exchange that fails (a process died, a
/// timeout) ends the process with a message naming what happened: a step cannot go on with
/// part of the batch.
public protocol ShardExchange: AnyObject {
  /// Which shards this process computes.
  var plan: ShardPlan { get }

  /// Every shard's block, in shard order, from this process's blocks (`plan.localShards`
  /// blocks of `local.count / plan.localShards` values, in local shard order).
  func allGather(_ local: [Double]) -> [Double]

  /// `allGather` of floats.
  func allGather(_ local: [Float]) -> [Float]

  /// Sums per-shard gradients over all shards, in shard order, in place.
  ///
  /// banks: this process's `plan.localShards` gradient banks, each of `count` scalars, in
  /// local shard order. On return `banks[0]` holds, on every process, for each scalar i,
  /// `(((g_0[i] + g_1[i]) + g_2[i]) + ... + g_{S-1}[i])` where g_s is shard s's bank; the other
  /// banks are scratch.
  func sumInShardOrder(_ banks: [UnsafeMutablePointer<Float>], count: Int)

  /// The largest value any process passed (for agreeing on a stop request: the signal
  /// number, 0 for none).
  func maximum(_ value: Int32) -> Int32
}

/// The exchange of a plan computed by one process: every shard is local.
public final class LocalShardExchange: ShardExchange {
  public let plan: ShardPlan

  /// The exchange for `shards` shards, all computed here.
  public init(shards: Int) { plan = ShardPlan(shards: shards) }

  public func allGather(_ local: [Double]) -> [Double] {
    CommunicationMeter.gathered(local.count, scalarBytes: MemoryLayout<Double>.size)
    return local
  }

  public func allGather(_ local: [Float]) -> [Float] {
    CommunicationMeter.gathered(local.count, scalarBytes: MemoryLayout<Float>.size)
    return local
  }

  public func maximum(_ value: Int32) -> Int32 {
    CommunicationMeter.agreed()
    return value
  }

  public func sumInShardOrder(_ banks: [UnsafeMutablePointer<Float>], count: Int) {
    CommunicationMeter.reduced(count)
    BatchShards.sumBanksInOrder(banks, count: count, into: banks[0])
  }
}

/// The sharding of the training step being computed, read by the layers whose arithmetic
/// depends on how the batch is grouped: GEMMs (convolutions, linear layers), batch-norm
/// statistics and losses over the batch.
///
/// Outside a sharded step (`current` nil, evaluation, tests) every layer computes its whole
/// input as one shard, exactly as before sharding existed. The trainer sets `current` around
/// each step; layers run on one thread, so a process-wide value is enough.
public enum BatchShards {
  /// The exchange of the step in progress, if it is sharded.
  nonisolated(unsafe) public static var current: (any ShardExchange)?

  /// Runs `body` with `exchange` as the current sharding.
  public static func with<T>(_ exchange: any ShardExchange, _ body: () throws -> T) rethrows -> T {
    let saved = current
    current = exchange
    defer { current = saved }
    return try body()
  }

  /// The number of shards a local input of `count` leading rows is cut into (1 outside a
  /// sharded step).
  public static var localShards: Int { current?.plan.localShards ?? 1 }

  /// The ranges of the leading dimension (of size `count`) that hold each local shard.
  public static func localSlices(_ count: Int) -> [Range<Int>] {
    let parts = localShards
    checkPrecondition(
      count % parts == 0, "BatchShards: \(count) rows do not split into \(parts) shards")
    let size = count / parts
    return (0..<parts).map { $0 * size..<($0 + 1) * size }
  }

  /// The sum over all shards, in shard order, of per-shard blocks: `local` holds this
  /// process's blocks (see `ShardExchange.allGather`); the result is one block.
  /// With one shard it is that shard's block, unchanged.
  public static func sumOverShards(_ local: [Double]) -> [Double] {
    let all = current?.allGather(local) ?? local
    let shards = current?.plan.shards ?? 1
    let size = all.count / shards
    var total = Array(all[0..<size])
    for s in 1..<max(shards, 1) {
      let block = s * size
      for i in 0..<size { total[i] += all[block + i] }
    }
    return total
  }

  /// The total row count over all shards, given this process's.
  public static func globalCount(_ localCount: Int) -> Int {
    guard let plan = current?.plan else { return localCount }
    return localCount * plan.processes
  }

  /// out[i] = ((banks[0][i] + banks[1][i]) + ...), left to right (out may be banks[0]).
  public static func sumBanksInOrder(
    _ banks: [UnsafeMutablePointer<Float>], count: Int, into out: UnsafeMutablePointer<Float>
  ) {
    guard let first = banks.first else { return }
    if out != first { out.update(from: first, count: count) }
    for bank in banks.dropFirst() {
      for i in 0..<count { out[i] += bank[i] }
    }
  }
}

/// The processes of one command (one `mpirun` or `srun` job step, or this process alone).
///
/// Every process runs the same command; rank 0 alone writes files (checkpoints, logs,
/// results), the others compute their shards. `ProcessGroup.world` is set once at start-up
/// by the executable (to an MPI group when launched by `mpirun` / `srun`).
public protocol ProcessGroup: AnyObject {
  /// This process's rank, 0 ..< size.
  var rank: Int { get }
  /// The number of processes.
  var size: Int { get }
  /// The exchange of a run whose batches are cut into `shards` (size divides shards).
  func exchange(shards: Int) -> any ShardExchange
  /// Waits until every process has called it (after rank 0 wrote what the others read).
  func barrier()
  /// Every process's rows, in rank order: `local` is this process's (possibly empty) block of
  /// whole rows.
  func allGatherRows(_ local: [Float]) -> [Float]
  /// The same for doubles (counts that must stay exact beyond 2^24).
  func allGatherRows(_ local: [Double]) -> [Double]
}

extension ProcessGroup {
  /// Whether this process writes the files (rank 0).
  public var isPrimary: Bool { rank == 0 }
}

/// This process alone.
public final class SingleProcess: ProcessGroup {
  public init() {}
  public var rank: Int { 0 }
  public var size: Int { 1 }
  public func exchange(shards: Int) -> any ShardExchange { LocalShardExchange(shards: shards) }
  public func barrier() {}
  public func allGatherRows(_ local: [Float]) -> [Float] { local }
  public func allGatherRows(_ local: [Double]) -> [Double] { local }
}

/// The process group of this command.
public enum Processes {
  /// Set once at start-up, before any run (an MPI group under `mpirun` / `srun`).
  nonisolated(unsafe) public static var world: any ProcessGroup = SingleProcess()
}
