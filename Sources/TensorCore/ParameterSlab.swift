/// A handle to one named tensor inside a `ParameterSlab`.
public struct ParameterID: Hashable, Sendable {
  /// The registration index.
  public let index: Int
}

/// One named tensor of a slab: its name, shape and position.
public struct ParameterEntry: Sendable, Equatable {
  /// The PyTorch-style dotted name, for example `features.conv0.weight`.
  public let name: String
  /// The tensor's shape in PyTorch's layout (conv weights are (Cout, Cin, kh, kw)).
  public let shape: Shape
  /// The offset of the first scalar in the slab.
  public let offset: Int
  /// The number of scalars.
  public var count: Int { shape.count }
}

/// All parameters (or all buffers) of a model in one contiguous slab, with named views and,
/// optionally, a parallel gradient slab.
///
/// Layers register their tensors while the model is built and keep the returned
/// `ParameterID`. The optimizer sees one flat array, and a checkpoint is name -> tensor.
/// The pointers the accessors return stay valid until the next `register` call; layers fetch
/// them at each forward or backward call and never store them.
public final class ParameterSlab: @unchecked Sendable {
  /// Every registered tensor, in registration order.
  public private(set) var entries: [ParameterEntry] = []
  /// Whether the slab keeps gradients (false for BN running statistics).
  public let hasGradients: Bool
  private var indexByName: [String: Int] = [:]
  private var valueBuffer = AlignedBuffer(count: 0)
  private var gradientBuffer = AlignedBuffer(count: 0)
  /// Gradient banks 1 ..< `gradientBankCount` (bank 0 is `gradientBuffer`): one per shard of a
  /// sharded step, so each shard's gradient is summed on its own before the shards are added
  /// in shard order (`BatchShards`).
  private var extraGradientBanks: [AlignedBuffer] = []
  /// The bank that `gradients`, `gradientPointer` and layers' accumulation address.
  public private(set) var activeGradientBank = 0

  /// The number of scalars in all tensors.
  public private(set) var count = 0

  /// An empty slab; `hasGradients` adds the parallel gradient slab.
  public init(hasGradients: Bool = true) { self.hasGradients = hasGradients }

  /// Adds a zero-filled tensor called `name` and returns its handle.
  public func register(_ name: String, shape: Shape) -> ParameterID {
    checkPrecondition(indexByName[name] == nil, "ParameterSlab: \(name) is registered twice")
    checkPrecondition(
      extraGradientBanks.isEmpty, "ParameterSlab: \(name) registered after gradient banks")
    let entry = ParameterEntry(name: name, shape: shape, offset: count)
    let newCount = count + shape.count
    if newCount > valueBuffer.count {
      let capacity = max(newCount, valueBuffer.count * 2, 1024)
      valueBuffer = ParameterSlab.grow(valueBuffer, to: capacity, keeping: count)
      if hasGradients {
        gradientBuffer = ParameterSlab.grow(gradientBuffer, to: capacity, keeping: count)
      }
    }
    entries.append(entry)
    indexByName[name] = entries.count - 1
    count = newCount
    return ParameterID(index: entries.count - 1)
  }

  private static func grow(_ old: AlignedBuffer, to capacity: Int, keeping used: Int)
    -> AlignedBuffer
  {
    let new = AlignedBuffer(count: capacity)
    new.baseAddress.update(from: old.baseAddress, count: used)
    return new
  }

  /// The handle of the tensor called `name`, if registered.
  public func id(of name: String) -> ParameterID? {
    indexByName[name].map(ParameterID.init(index:))
  }

  /// Every tensor's handle, in registration order (parallel to `entries`).
  public var ids: [ParameterID] { entries.indices.map(ParameterID.init(index:)) }

  /// The entry of `id`.
  public func entry(_ id: ParameterID) -> ParameterEntry { entries[id.index] }

  /// The values of one tensor (valid until the next `register`).
  public func values(_ id: ParameterID) -> UnsafeMutableBufferPointer<Float> {
    let e = entries[id.index]
    return UnsafeMutableBufferPointer(start: valueBuffer.baseAddress + e.offset, count: e.count)
  }

  /// The gradients of one tensor in the active bank (valid until the next `register`).
  public func gradients(_ id: ParameterID) -> UnsafeMutableBufferPointer<Float> {
    let e = entries[id.index]
    return UnsafeMutableBufferPointer(start: activeGradientBase + e.offset, count: e.count)
  }

  /// A pointer to the first value of one tensor (valid until the next `register`).
  public func valuePointer(_ id: ParameterID) -> UnsafeMutablePointer<Float> {
    valueBuffer.baseAddress + entries[id.index].offset
  }

  /// A pointer to the first gradient of one tensor in the active bank (valid until the next
  /// `register`).
  public func gradientPointer(_ id: ParameterID) -> UnsafeMutablePointer<Float> {
    activeGradientBase + entries[id.index].offset
  }

  private var activeGradientBase: UnsafeMutablePointer<Float> {
    checkPrecondition(hasGradients, "ParameterSlab: this slab keeps no gradients")
    return activeGradientBank == 0
      ? gradientBuffer.baseAddress : extraGradientBanks[activeGradientBank - 1].baseAddress
  }

  /// The number of gradient banks (1 unless a sharded step asked for more).
  public var gradientBankCount: Int { 1 + extraGradientBanks.count }

  /// Keeps `count` gradient banks, all zero, with bank 0 active. Call once every tensor is
  /// registered.
  public func setGradientBankCount(_ count: Int) {
    checkPrecondition(hasGradients && count >= 1, "ParameterSlab: \(count) gradient banks")
    if count != gradientBankCount {
      extraGradientBanks = (1..<count).map { _ in AlignedBuffer(count: max(self.count, 1)) }
    }
    activeGradientBank = 0
    zeroGradients()
  }

  /// Makes `bank` the one gradients accumulate into.
  public func selectGradientBank(_ bank: Int) {
    checkPrecondition(
      (0..<gradientBankCount).contains(bank),
      "ParameterSlab: bank \(bank) of \(gradientBankCount)")
    activeGradientBank = bank
  }

  /// The first scalar of every gradient bank, in bank order.
  public var gradientBanks: [UnsafeMutablePointer<Float>] {
    checkPrecondition(hasGradients, "ParameterSlab: this slab keeps no gradients")
    return [gradientBuffer.baseAddress] + extraGradientBanks.map(\.baseAddress)
  }

  /// Every value, as one flat buffer (for the optimizer and checksums).
  public var allValues: UnsafeMutableBufferPointer<Float> {
    UnsafeMutableBufferPointer(start: valueBuffer.baseAddress, count: count)
  }

  /// Every gradient of bank 0 (the one the optimizer reads), as one flat buffer parallel to
  /// `allValues`.
  public var allGradients: UnsafeMutableBufferPointer<Float> {
    checkPrecondition(hasGradients, "ParameterSlab: this slab keeps no gradients")
    return UnsafeMutableBufferPointer(start: gradientBuffer.baseAddress, count: count)
  }

  /// Sets every gradient of every bank to zero (backward passes accumulate).
  public func zeroGradients() {
    guard hasGradients else { return }
    for bank in gradientBanks { bank.zeroFill(count: count) }
  }

  /// A copy of one tensor's values.
  public func value(_ id: ParameterID) -> Tensor {
    let v = values(id)
    return Tensor(shape: entries[id.index].shape) { v[$0] }
  }

  /// A copy of one tensor's gradient.
  public func gradient(_ id: ParameterID) -> Tensor {
    let g = gradients(id)
    return Tensor(shape: entries[id.index].shape) { g[$0] }
  }

  /// Overwrites one tensor's values with `tensor`, which must have its shape.
  public func setValue(_ id: ParameterID, _ tensor: Tensor) {
    let e = entries[id.index]
    checkPrecondition(
      tensor.shape == e.shape,
      "ParameterSlab.setValue: \(e.name) is \(e.shape), got \(tensor.shape)")
    let v = values(id)
    tensor.withUnsafeBufferPointer { src in
      for i in 0..<src.count { v[i] = src[i] }
    }
  }
}
