import TensorCore

/// Chooses the dataset indices of each training batch, epoch after epoch, resumably.
///
/// Each epoch's plan is a pure function of (seed, epoch): it is drawn from the stream named
/// `sampler/epoch/<epoch>`. The state is therefore just a position (epoch, batch within it,
/// global step) plus what the plan depends on; saving it mid-epoch and restoring it gives
/// exactly the batches an uninterrupted run would have given.
///
/// Epochs (`identityBalanced`, the P x K sampler, as torchreid's RandomIdentitySampler):
/// each identity's images are shuffled and cut into groups of K (an identity with fewer than
/// K images gives one group drawn with replacement; a last partial group is dropped). Batches
/// then take P distinct identities at random among those with groups left, one group each,
/// until fewer than P identities have groups left. An epoch so sees nearly every training
/// image once, in about N / (P K) batches. Within a batch, identity i's K images are
/// positions i K ..< (i + 1) K.
///
/// Epochs (`shuffled`): a random permutation of all items cut into batches; the last partial
/// batch is dropped.
public struct BatchSampler: Sendable {
  /// How batches are formed.
  public enum Strategy: Sendable, Codable, Equatable {
    /// P identities x K images each.
    case identityBalanced(p: Int, k: Int)
    /// Uniformly shuffled items, `batchSize` per batch.
    case shuffled(batchSize: Int)
  }

  /// Where a sampler is, and what its plans depend on (checked on restore).
  public struct State: Sendable, Codable, Equatable {
    /// The batch strategy.
    public var strategy: Strategy
    /// The seed of the per-epoch streams.
    public var seed: UInt64
    /// Number of items sampled from.
    public var itemCount: Int
    /// FNV-1a hash of the labels, so a restore onto another dataset is refused.
    public var labelsHash: UInt64
    /// The current epoch (0-based).
    public var epoch: Int
    /// Batches of the current epoch already produced.
    public var batchInEpoch: Int
    /// Batches produced since the start (the global step of the next batch).
    public var step: Int
  }

  /// The state after the last batch produced.
  public private(set) var state: State
  private let labels: [Int]
  private var plan: [[Int]]

  /// A sampler over items with the given labels (identity labels for `identityBalanced`).
  /// - Throws: `SamplerError.impossible` when P or K is not positive or there are fewer than P
  ///   identities, or when the batch size is not positive or larger than the item count.
  public init(labels: [Int], strategy: Strategy, seed: UInt64) throws {
    switch strategy {
    case .identityBalanced(let p, let k):
      let identities = Set(labels).count
      guard p > 0 && k > 0 && p <= identities else {
        throw SamplerError.impossible(
          "P \(p) x K \(k) needs P, K > 0 and at least P identities; the data has \(identities)")
      }
    case .shuffled(let batchSize):
      guard batchSize > 0 && batchSize <= labels.count else {
        throw SamplerError.impossible(
          "batches of \(batchSize) need a positive size of at most the \(labels.count) items")
      }
    }
    self.labels = labels
    state = State(
      strategy: strategy, seed: seed, itemCount: labels.count,
      labelsHash: BatchSampler.hash(labels), epoch: 0, batchInEpoch: 0, step: 0)
    plan = BatchSampler.plan(labels: labels, strategy: strategy, seed: seed, epoch: 0)
  }

  /// The number of batches in the current epoch.
  public var batchesInEpoch: Int { plan.count }

  /// The indices of the next batch.
  public mutating func next() -> [Int] {
    if state.batchInEpoch == plan.count {
      state.epoch += 1
      state.batchInEpoch = 0
      plan = BatchSampler.plan(
        labels: labels, strategy: state.strategy, seed: state.seed, epoch: state.epoch)
    }
    let batch = plan[state.batchInEpoch]
    state.batchInEpoch += 1
    state.step += 1
    return batch
  }

  /// Continues from a saved `state`.
  /// - Throws: `SamplerError.mismatch` when the state belongs to another strategy, seed or
  ///   dataset.
  public mutating func restore(_ saved: State) throws {
    guard saved.strategy == state.strategy, saved.seed == state.seed,
      saved.itemCount == state.itemCount, saved.labelsHash == state.labelsHash
    else {
      throw SamplerError.mismatch(
        "saved sampler (\(saved.strategy), seed \(saved.seed), \(saved.itemCount) items) does not "
          + "match this one (\(state.strategy), seed \(state.seed), \(state.itemCount) items)")
    }
    let newPlan = BatchSampler.plan(
      labels: labels, strategy: saved.strategy, seed: saved.seed, epoch: saved.epoch)
    guard saved.batchInEpoch >= 0, saved.batchInEpoch <= newPlan.count else {
      throw SamplerError.mismatch(
        "saved position \(saved.batchInEpoch) beyond the epoch's \(newPlan.count) batches")
    }
    plan = newPlan
    state = saved
  }

  /// The batches of one epoch.
  static func plan(labels: [Int], strategy: Strategy, seed: UInt64, epoch: Int) -> [[Int]] {
    var random = RandomStream(seed: seed, name: "sampler/epoch/\(epoch)")
    switch strategy {
    case .shuffled(let batchSize):
      let order = random.permutation(labels.count)
      return stride(from: 0, through: labels.count - batchSize, by: batchSize).map {
        Array(order[$0..<($0 + batchSize)])
      }
    case .identityBalanced(let p, let k):
      var byIdentity = [Int: [Int]]()
      for (index, label) in labels.enumerated() { byIdentity[label, default: []].append(index) }
      let identities = byIdentity.keys.sorted()
      var groups = [Int: [[Int]]]()
      for identity in identities {
        let members = byIdentity[identity] ?? []
        var drawn: [Int]
        if members.count < k {
          drawn = (0..<k).map { _ in members[random.nextInt(below: members.count)] }
        } else {
          drawn = members
          random.shuffle(&drawn)
        }
        groups[identity] = stride(from: 0, through: drawn.count - k, by: k).map {
          Array(drawn[$0..<($0 + k)])
        }
      }
      var available = identities
      var batches = [[Int]]()
      while available.count >= p {
        var candidates = available
        random.shuffle(&candidates)
        var batch = [Int]()
        for identity in candidates[0..<p] {
          batch += groups[identity]?.removeFirst() ?? []
        }
        batches.append(batch)
        available.removeAll { groups[$0]?.isEmpty ?? true }
      }
      return batches
    }
  }

  static func hash(_ labels: [Int]) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for label in labels {
      var v = UInt64(bitPattern: Int64(label))
      for _ in 0..<8 {
        h ^= v & 0xff
        h = h &* 0x0000_0100_0000_01b3
        v >>= 8
      }
    }
    return h
  }
}

/// A sampler state that cannot be restored here.
public enum SamplerError: Error, Equatable, CustomStringConvertible {
  /// The saved state belongs to another configuration or dataset.
  case mismatch(String)
  /// The batch shape cannot be drawn from these items.
  case impossible(String)

  /// The reason.
  public var description: String {
    switch self {
    case .mismatch(let reason): return "sampler state: \(reason)"
    case .impossible(let reason): return "sampler: \(reason)"
    }
  }
}
