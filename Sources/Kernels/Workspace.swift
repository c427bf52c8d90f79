import TensorCore

/// Reusable scratch memory for kernels (im2col columns, permuted weights).
///
/// Growing is the only allocation; the contents are garbage between calls. Compute runs on one
/// thread (BLAS owns the cores), so the shared workspace is not locked: never call kernels
/// that use it from two threads at once.
public final class Workspace: @unchecked Sendable {
  /// The workspace the layers use by default.
  public static let shared = Workspace()

  private var slots: [AlignedBuffer] = []

  /// A workspace with no memory yet.
  public init() {}

  /// Scratch slot `slot` with room for at least `count` scalars.
  ///
  /// Different slots never alias; a slot's pointer is valid until the next request for that
  /// slot with a larger count.
  public func scratch(_ slot: Int, count: Int) -> UnsafeMutablePointer<Float> {
    while slots.count <= slot { slots.append(AlignedBuffer(count: 0)) }
    if slots[slot].count < count {
      slots[slot] = AlignedBuffer(count: count + count / 4)
    }
    return slots[slot].baseAddress
  }

  /// The bytes held by all slots.
  public var bytes: Int { slots.reduce(0) { $0 + $1.count * MemoryLayout<Float>.stride } }
}
