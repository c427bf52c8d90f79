/// Where a training step's time goes, by layer kind (opt-in; for `make bench`).
///
/// Blocks wrap their work in `measure`; when `enabled` is false that costs one branch. Not
/// thread safe: compute runs on one thread (BLAS owns the cores).
public final class Profiler: @unchecked Sendable {
  /// The kinds of work a step is split into.
  public enum Kind: String, Sendable, CaseIterable {
    /// ReLUs are fused into the batch norms before them (`BatchNorm2D`'s `relu`), so their
    /// time is `batchNorm`'s.
    case conv, batchNorm = "bn", concat, pooling, attention, resize
  }

  /// The profiler the blocks report to.
  public static let shared = Profiler()

  /// Whether `measure` times anything.
  public var enabled = false
  /// Seconds per kind since the last `reset`.
  public private(set) var seconds: [Kind: Double] = [:]
  /// Forward convolution FLOPs since the last `reset`.
  public private(set) var forwardConvFLOPs = 0.0

  /// Times `body` as `kind` when enabled.
  @inline(__always)
  public func measure<R>(_ kind: Kind, _ body: () -> R) -> R {
    guard enabled else { return body() }
    var result: R?
    let elapsed = ContinuousClock().measure { result = body() }
    let c = elapsed.components
    seconds[kind, default: 0] += Double(c.seconds) + Double(c.attoseconds) * 1e-18
    guard let result else { preconditionFailure("Profiler.measure: body returned nothing") }
    return result
  }

  /// Adds one forward convolution's FLOPs when enabled.
  @inline(__always)
  public func countConv(_ flops: Double) {
    if enabled { forwardConvFLOPs += flops }
  }

  /// Clears the totals.
  public func reset() {
    seconds = [:]
    forwardConvFLOPs = 0
  }
}
