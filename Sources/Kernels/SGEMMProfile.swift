#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Every sgemm's shape, call count and time, while enabled: where a training step's GEMM time
/// goes (`reid-bench --only models --sgemm-shapes`).
///
/// Off by default; `BLAS.sgemm` then pays one branch. Recording takes a lock, so sgemm calls
/// from several threads (evaluation's) are counted correctly.
public final class SGEMMProfile: @unchecked Sendable {
  /// One (transposes, M, N, K) shape's totals.
  public struct Entry: Sendable {
    /// "NT 910x32x1152": op(A) and op(B) as N (as stored) or T (transposed), then M x N x K.
    public var shape: String
    /// Calls since the last `reset`.
    public var calls: Int
    /// Seconds inside `cblas_sgemm` since the last `reset`.
    public var seconds: Double
    /// Floating-point operations since the last `reset` (2 M N K per call).
    public var flops: Double
  }

  /// The profile `BLAS.sgemm` records into.
  public static let shared = SGEMMProfile()

  /// Whether `BLAS.sgemm` records; set it from one thread, between steps.
  public nonisolated(unsafe) var enabled = false

  private let lock: UnsafeMutablePointer<pthread_mutex_t>
  private var entries: [String: Entry] = [:]

  init() {
    lock = .allocate(capacity: 1)
    pthread_mutex_init(lock, nil)
  }

  /// Adds one call.
  func record(
    _ transA: BLAS.Transpose, _ transB: BLAS.Transpose, m: Int, n: Int, k: Int, seconds: Double
  ) {
    let key = "\(transA == .none ? "N" : "T")\(transB == .none ? "N" : "T") \(m)x\(n)x\(k)"
    pthread_mutex_lock(lock)
    defer { pthread_mutex_unlock(lock) }
    var entry = entries[key, default: Entry(shape: key, calls: 0, seconds: 0, flops: 0)]
    entry.calls += 1
    entry.seconds += seconds
    entry.flops += 2 * Double(m) * Double(n) * Double(k)
    entries[key] = entry
  }

  /// The shapes recorded since the last `reset`, the most time first.
  public var report: [Entry] {
    pthread_mutex_lock(lock)
    defer { pthread_mutex_unlock(lock) }
    return entries.values.sorted { ($0.seconds, $0.shape) > ($1.seconds, $1.shape) }
  }

  /// Seconds inside `cblas_sgemm` since the last `reset`, over every shape.
  public var totalSeconds: Double {
    report.reduce(0) { $0 + $1.seconds }
  }

  /// Forgets what was recorded.
  public func reset() {
    pthread_mutex_lock(lock)
    defer { pthread_mutex_unlock(lock) }
    entries = [:]
  }
}
