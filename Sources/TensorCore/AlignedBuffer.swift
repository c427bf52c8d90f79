#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A fixed-size, 64-byte aligned buffer of `Float`, owned by reference; zeroed unless made
/// for a kernel that writes all of it (`Tensor(shape:initializingEveryScalar:)`).
///
/// This is the only place the project allocates tensor memory. The alignment matches an
/// AVX-512 register and a cache line, so SIMD loads and sgemm panels never split lines. Large
/// blocks are recycled through `BufferPool` when it is enabled.
public final class AlignedBuffer: @unchecked Sendable {
  /// The alignment of every buffer, in bytes.
  public static let alignment = 64

  /// The number of `Float` scalars.
  public let count: Int

  /// The start of the storage; valid for the lifetime of the buffer.
  public let baseAddress: UnsafeMutablePointer<Float>

  /// Allocates `count` zeroed scalars.
  public convenience init(count: Int) {
    self.init(uninitialized: count)
    baseAddress.zeroFill(count: max(count, 1))
  }

  /// Allocates a copy of `other` (written once, not zeroed first).
  public convenience init(copying other: AlignedBuffer) {
    self.init(uninitialized: other.count)
    baseAddress.update(from: other.baseAddress, count: count)
  }

  /// Allocates `count` scalars whose contents are garbage until written.
  init(uninitialized count: Int) {
    checkPrecondition(count >= 0, "AlignedBuffer: negative count \(count)")
    self.count = count
    let bytes = Self.bytes(count)
    let raw = BufferPool.shared.take(bytes: bytes) ?? Self.allocate(bytes)
    baseAddress = raw.bindMemory(to: Float.self, capacity: max(count, 1))
  }

  deinit {
    if !BufferPool.shared.keep(baseAddress, bytes: Self.bytes(count)) { free(baseAddress) }
  }

  /// The bytes a buffer of `count` scalars occupies (at least one scalar's).
  static func bytes(_ count: Int) -> Int { max(count, 1) * MemoryLayout<Float>.stride }

  /// `bytes` fresh bytes at the alignment.
  static func allocate(_ bytes: Int) -> UnsafeMutableRawPointer {
    var raw: UnsafeMutableRawPointer? = nil
    let status = posix_memalign(&raw, AlignedBuffer.alignment, bytes)
    guard status == 0, let raw else {
      fatalError("AlignedBuffer: cannot allocate \(bytes) bytes (posix_memalign \(status))")
    }
    return raw
  }

  /// The storage as a buffer pointer.
  public var buffer: UnsafeMutableBufferPointer<Float> {
    UnsafeMutableBufferPointer(start: baseAddress, count: count)
  }
}
