/// What the shard exchanges of this process have moved and waited for, since the last reset:
/// the figures of `make bench-scale` and the communication part of `reid plan`'s cluster
/// estimate.
///
/// Two kinds of figures. The *volume* is what the step asked to exchange, the same for any
/// process count: the bytes of every all-gather's whole result and of every gradient sum over
/// shards. `networkBytes(processes:shards:)` turns it into the bytes each process must receive
/// from the others when R processes share the shards. The *transport* figures are what this
/// process really received from other processes and how long it waited in MPI (zero on one
/// process).
public struct CommunicationTally: Sendable, Equatable {
  /// Collective calls (each pays the network's latency at least once).
  public var collectives = 0
  /// Bytes of all-gathered results (all shards' blocks).
  public var gatheredBytes = 0
  /// Bytes of one bank of every gradient sum over shards.
  public var reducedBytes = 0
  /// Bytes this process received from the other processes.
  public var receivedBytes = 0
  /// Seconds this process spent in collectives (including waiting for slower peers).
  public var seconds = 0.0

  public init() {}

  /// The bytes each of R processes sharing S shards receives from the others for this
  /// volume: (R - 1) / R of every gathered result, and for each gradient sum the other
  /// processes' banks of its slice (all-to-all, S / R banks each) plus the other slices of the
  /// sum (all-gather).
  public func networkBytes(processes: Int, shards: Int) -> Double {
    let r = Double(processes)
    let others = (r - 1) / r
    let localBanks = Double(shards) / r
    return Double(gatheredBytes) * others + Double(reducedBytes) * (localBanks + 1) * others
  }

  /// What happened between two readings of the meter.
  public static func - (later: CommunicationTally, earlier: CommunicationTally)
    -> CommunicationTally
  {
    var result = CommunicationTally()
    result.collectives = later.collectives - earlier.collectives
    result.gatheredBytes = later.gatheredBytes - earlier.gatheredBytes
    result.reducedBytes = later.reducedBytes - earlier.reducedBytes
    result.receivedBytes = later.receivedBytes - earlier.receivedBytes
    result.seconds = later.seconds - earlier.seconds
    return result
  }

  /// Adds another tally to this one.
  public static func += (total: inout CommunicationTally, more: CommunicationTally) {
    total.collectives += more.collectives
    total.gatheredBytes += more.gatheredBytes
    total.reducedBytes += more.reducedBytes
    total.receivedBytes += more.receivedBytes
    total.seconds += more.seconds
  }

  /// The tally divided by `steps` (per-step figures).
  public func perStep(_ steps: Int) -> CommunicationTally {
    let n = max(1, steps)
    var result = CommunicationTally()
    result.collectives = collectives / n
    result.gatheredBytes = gatheredBytes / n
    result.reducedBytes = reducedBytes / n
    result.receivedBytes = receivedBytes / n
    result.seconds = seconds / Double(n)
    return result
  }
}

/// The process-wide tally (exchanges run on the main thread only).
public enum CommunicationMeter {
  nonisolated(unsafe) public static var tally = CommunicationTally()

  /// Counts an all-gather whose whole result is `count` scalars of `scalarBytes` bytes.
  public static func gathered(_ count: Int, scalarBytes: Int) {
    tally.collectives += 1
    tally.gatheredBytes += count * scalarBytes
  }

  /// Counts a gradient sum over shards of banks of `count` floats.
  public static func reduced(_ count: Int) {
    tally.collectives += 2
    tally.reducedBytes += count * MemoryLayout<Float>.size
  }

  /// Counts a small agreement (a stop request, a barrier): latency only.
  public static func agreed() { tally.collectives += 1 }
}
