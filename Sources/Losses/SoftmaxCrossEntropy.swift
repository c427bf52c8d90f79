import TensorCore

/// Softmax cross-entropy over class logits with optional label smoothing, averaged over the
/// batch (PyTorch `CrossEntropyLoss(label_smoothing: eps)`, reduction `mean`).
///
/// The target distribution is `(1 - eps) onehot(label) + eps / K`; the log-softmax is computed
/// stably from the row maximum. Used for the identity classification heads.
public struct SoftmaxCrossEntropy: Sendable, Equatable {
  /// The label smoothing eps in [0, 1] (0 is plain cross-entropy).
  public var labelSmoothing: Float

  /// A loss with label smoothing `labelSmoothing`.
  public init(labelSmoothing: Float = 0) {
    checkPrecondition(
      labelSmoothing >= 0 && labelSmoothing <= 1,
      "SoftmaxCrossEntropy: label smoothing \(labelSmoothing) is outside [0, 1]")
    self.labelSmoothing = labelSmoothing
  }

  /// What `backward` needs from `forward`: the labels and per-row softmax normalizers.
  public struct Cache: Sendable, Equatable {
    /// The logits' shape (N, K).
    public let shape: Shape
    /// The labels, one per row.
    public let labels: [Int]
    let normalizers: CrossEntropyRows.Normalizers
  }

  /// Computes the mean loss over the batch.
  ///
  /// logits: (N, K), labels: N in 0..<K -> loss (Float, summed in Double)
  public func forward(logits: Tensor, labels: [Int]) -> (loss: Float, cache: Cache) {
    checkPrecondition(
      logits.shape.rank == 2 && logits.shape[1] > 0,
      "SoftmaxCrossEntropy: logits must be (N, K) with K > 0, got \(logits.shape)")
    checkPrecondition(
      labels.count == logits.shape[0],
      "SoftmaxCrossEntropy: \(labels.count) labels for logits \(logits.shape)")
    let result = logits.withUnsafeBufferPointer {
      CrossEntropyRows.forward(
        logits: $0, classes: logits.shape[1], labels: labels, ignoreLabel: nil,
        labelSmoothing: labelSmoothing, context: "SoftmaxCrossEntropy \(logits.shape)")
    }
    let loss = result.counted == 0 ? 0 : Float(result.sum / Double(result.counted))
    return (loss, Cache(shape: logits.shape, labels: labels, normalizers: result.normalizers))
  }

  /// Accumulates `upstream * dLoss/dLogits` into `logitsGradient`.
  ///
  /// logits: (N, K) as given to `forward`; logitsGradient: (N, K), accumulated (+=).
  public func backward(
    logits: Tensor, cache: Cache, upstream: Float = 1, logitsGradient: inout Tensor
  ) {
    checkPrecondition(
      logits.shape == cache.shape && logitsGradient.shape == cache.shape,
      "SoftmaxCrossEntropy.backward: logits \(logits.shape), gradient "
        + "\(logitsGradient.shape), cache \(cache.shape)")
    let rows = cache.shape[0]
    guard rows > 0 else { return }
    logits.withUnsafeBufferPointer { x in
      logitsGradient.withUnsafeMutableBufferPointer { g in
        CrossEntropyRows.backward(
          logits: x, gradient: g, classes: cache.shape[1], labels: cache.labels,
          ignoreLabel: nil, labelSmoothing: labelSmoothing, normalizers: cache.normalizers,
          scale: Double(upstream) / Double(rows))
      }
    }
  }
}
