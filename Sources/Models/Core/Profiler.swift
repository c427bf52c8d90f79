/// Where a training step's time goes, by layer kind (opt-in; for `make bench`).
///
/// Blocks wrap their work in `measure`; when `enabled` is false that costs one branch.
/// Measurements nest, and each kind gets its own (exclusive) time: a CAN attention block's
/// convolutions count as `conv`, the rest of it as `attention`, so the kinds add up to the
/// time measured. Not thread safe: compute runs on one thread (BLAS owns the cores).
public final class Profiler: @unchecked Sendable {
  /// The kinds of work a step is split into.
  public enum Kind: String, Sendable, CaseIterable {
    /// Convolutions: im2col, sgemm, weight permutes.
    case conv
    /// Batch norm, and the ReLUs fused into it (`BatchNorm2D`'s `relu`).
    case batchNorm = "bn"
    /// DenseNet's channel concatenation and its gradient slices.
    case concat
    /// Max and average pooling inside the backbones.
    case pooling
    /// The CAN head outside its convolutions and resizes: part masks (softmax, grouping),
    /// part products, the pixel-level attention's elementwise work, readout pooling.
    case attention
    /// Bilinear resizes (part masks, the attention's spatial stream, ASPP image pooling).
    case resize
  }

  /// The profiler the blocks report to.
  public static let shared = Profiler()

  /// Whether `measure` times anything.
  public var enabled = false
  /// Exclusive seconds per kind since the last `reset`.
  public private(set) var seconds: [Kind: Double] = [:]
  /// Convolution FLOPs (forward, backward-data, backward-weights) since the last `reset`.
  public private(set) var convFLOPs = 0.0
  /// For each measurement under way, innermost last: the time its nested measurements took.
  private var nestedSeconds: [Double] = []

  /// Times `body` as `kind` when enabled, less the time of the measurements nested in it.
  @inline(__always)
  public func measure<R>(_ kind: Kind, _ body: () -> R) -> R {
    guard enabled else { return body() }
    nestedSeconds.append(0)
    let start = ContinuousClock.now
    let result = body()
    let c = (ContinuousClock.now - start).components
    let elapsed = Double(c.seconds) + Double(c.attoseconds) * 1e-18
    let nested = nestedSeconds.removeLast()
    seconds[kind, default: 0] += elapsed - nested
    if !nestedSeconds.isEmpty { nestedSeconds[nestedSeconds.count - 1] += elapsed }
    return result
  }

  /// Adds convolution FLOPs when enabled.
  @inline(__always)
  public func countConv(_ flops: Double) {
    if enabled { convFLOPs += flops }
  }

  /// Clears the totals.
  public func reset() {
    seconds = [:]
    convFLOPs = 0
  }
}
