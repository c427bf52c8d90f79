import TensorCore

/// The exchanges of a sharded run over MPI: each process holds a contiguous block of shards,
/// so gathering in rank order is gathering in shard order.
final class MPIShardExchange: ShardExchange {
  let group: MPIProcessGroup
  let plan: ShardPlan

  init(group: MPIProcessGroup, plan: ShardPlan) {
    self.group = group
    self.plan = plan
  }

  func allGather(_ local: [Double]) -> [Double] {
    CommunicationMeter.gathered(local.count * plan.processes, scalarBytes: 8)
    return group.allGather(local, what: "per-shard sums (\(local.count) values)")
  }

  func allGather(_ local: [Float]) -> [Float] {
    CommunicationMeter.gathered(local.count * plan.processes, scalarBytes: 4)
    return group.allGather(local, what: "per-shard rows (\(local.count) values)")
  }

  func maximum(_ value: Int32) -> Int32 {
    CommunicationMeter.agreed()
    return group.maximum(value)
  }

  /// Reduce-scatter then all-gather, with the sum in shard order.
  ///
  /// The scalars are cut into one slice per process. Each process receives, for its slice,
  /// every shard's values (an all-to-all: rank i sends its L local banks' part of slice j to
  /// rank j, so they arrive in shard order), sums them left to right exactly as
  /// `BatchShards.sumBanksInOrder` does on one process, and the summed slices are
  /// all-gathered into bank 0. So the bits equal the one-process sum for any process count.
  func sumInShardOrder(_ banks: [UnsafeMutablePointer<Float>], count: Int) {
    let (processes, local) = (plan.processes, plan.localShards)
    checkPrecondition(banks.count == local, "MPIShardExchange: \(banks.count) banks for \(plan)")
    CommunicationMeter.reduced(count)
    let slice = (count + processes - 1) / processes
    let bounds = (0..<processes).map { min(count, $0 * slice)..<min(count, ($0 + 1) * slice) }
    // Send: for each destination j, the L banks' part of slice j, bank after bank.
    let send = UnsafeMutablePointer<Float>.allocate(capacity: max(1, local * count))
    defer { send.deallocate() }
    var sendCounts: [Int32] = []
    var sendDisplacements: [Int32] = []
    var offset = 0
    for range in bounds {
      sendDisplacements.append(Int32(offset))
      for bank in banks {
        (send + offset).update(from: bank + range.lowerBound, count: range.count)
        offset += range.count
      }
      sendCounts.append(Int32(local * range.count))
    }
    // Receive: every rank's L banks of my slice, rank after rank (= shard order).
    let mine = bounds[plan.rank]
    let received = UnsafeMutablePointer<Float>.allocate(capacity: max(1, plan.shards * mine.count))
    defer { received.deallocate() }
    let receiveCounts = [Int32](repeating: Int32(local * mine.count), count: processes)
    let receiveDisplacements = (0..<processes).map { Int32($0 * local * mine.count) }
    group.allToAll(
      send, sendCounts: sendCounts, sendDisplacements: sendDisplacements, into: received,
      receiveCounts: receiveCounts, receiveDisplacements: receiveDisplacements,
      what: "per-shard gradients (\(local * count) values)")
    let shardBlocks = (0..<plan.shards).map { received + $0 * mine.count }
    BatchShards.sumBanksInOrder(shardBlocks, count: mine.count, into: banks[0] + mine.lowerBound)
    group.allGatherInPlace(
      banks[0], counts: bounds.map { Int32($0.count) },
      displacements: bounds.map { Int32($0.lowerBound) },
      what: "summed gradients (\(count) values)")
  }
}
