#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Recycles large tensor allocations within a process, by exact size.
///
/// glibc serves every block above its mmap threshold (at most 32 MiB) with a fresh mmap and
/// gives it back to the kernel on free, so each large activation of each training step was
/// page-faulted and zeroed by the kernel anew: a DenseNet121 step at 748x246 spent more time
/// in the kernel than in sgemm. A training loop allocates the same sizes every step, so while
/// the pool is enabled, freed blocks of at least `minimumBytes` are kept and handed out again
/// (zeroed by `AlignedBuffer`), up to `capacityBytes` in all; beyond that they are freed.
///
/// The pool is off until `enable` is called (the trainer and the benchmarks do), so tools
/// whose peak memory is a goal (evaluation) keep glibc's behaviour.
public final class BufferPool: @unchecked Sendable {
  /// The pool `AlignedBuffer` uses.
  public static let shared = BufferPool()

  /// Blocks smaller than this go straight back to malloc, which recycles them itself.
  public static let minimumBytes = 1 << 20

  /// What training keeps: half the physical memory, at most 16 GiB.
  public static var trainingCapacityBytes: Int {
    let physical = sysconf(Int32(_SC_PHYS_PAGES)) * sysconf(Int32(_SC_PAGESIZE))
    return min(16 << 30, max(0, physical / 2))
  }

  private let lock: UnsafeMutablePointer<pthread_mutex_t>
  private var capacity = 0
  private var cached = 0
  private var blocks: [Int: [UnsafeMutableRawPointer]] = [:]

  init() {
    lock = .allocate(capacity: 1)
    pthread_mutex_init(lock, nil)
  }

  /// Keeps up to `capacityBytes` of freed blocks for reuse (0 disables the pool and frees
  /// what it holds).
  public func enable(capacityBytes: Int) {
    checkPrecondition(capacityBytes >= 0, "BufferPool: negative capacity \(capacityBytes)")
    let released = locked { () -> [UnsafeMutableRawPointer] in
      capacity = capacityBytes
      guard capacityBytes == 0 else { return [] }
      let all = blocks.values.flatMap { $0 }
      blocks = [:]
      cached = 0
      return all
    }
    for block in released { free(block) }
  }

  /// The bytes the pool holds now.
  public var cachedBytes: Int { locked { cached } }

  /// A kept block of exactly `bytes`, if there is one; its contents are garbage.
  func take(bytes: Int) -> UnsafeMutableRawPointer? {
    guard bytes >= Self.minimumBytes else { return nil }
    return locked {
      guard let block = blocks[bytes]?.popLast() else { return nil }
      cached -= bytes
      return block
    }
  }

  /// Keeps `block` of `bytes` for reuse; false when the caller must free it.
  func keep(_ block: UnsafeMutableRawPointer, bytes: Int) -> Bool {
    guard bytes >= Self.minimumBytes else { return false }
    return locked {
      guard cached + bytes <= capacity else { return false }
      blocks[bytes, default: []].append(block)
      cached += bytes
      return true
    }
  }

  private func locked<R>(_ body: () -> R) -> R {
    pthread_mutex_lock(lock)
    defer { pthread_mutex_unlock(lock) }
    return body()
  }
}
