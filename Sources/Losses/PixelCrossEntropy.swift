import TensorCore

/// Per-pixel softmax cross-entropy over NHWC logits with an ignored label (PyTorch
/// `CrossEntropyLoss(ignore_index: 255)`, reduction `mean`), for the parsing / segmentation head.
///
/// The loss is the mean over the non-ignored pixels. When every pixel is ignored the loss is 0
/// and `backward` adds nothing. PyTorch returns 0 / 0 = NaN there (and NaN gradients); a crop
/// with no labelled pixel should contribute nothing rather than poison the running loss and,
/// through the optimizer, every weight. Optional label smoothing follows PyTorch as well (the
/// smoothed targets only apply to non-ignored pixels).
public struct PixelCrossEntropy: Sendable, Equatable {
  /// The label whose pixels are ignored (PyTorch's `ignore_index`).
  public var ignoreLabel: Int
  /// The label smoothing eps in [0, 1] (0 is plain cross-entropy).
  public var labelSmoothing: Float

  /// A loss that ignores `ignoreLabel` pixels, with optional label smoothing.
  public init(ignoreLabel: Int = 255, labelSmoothing: Float = 0) {
    checkPrecondition(
      labelSmoothing >= 0 && labelSmoothing <= 1,
      "PixelCrossEntropy: label smoothing \(labelSmoothing) is outside [0, 1]")
    self.ignoreLabel = ignoreLabel
    self.labelSmoothing = labelSmoothing
  }

  /// What `backward` needs from `forward`: the labels, normalizers and the counted pixels.
  public struct Cache: Sendable, Equatable {
    /// The logits' shape (N, H, W, K).
    public let shape: Shape
    /// The labels as `Int`, one per pixel (N, H, W).
    public let labels: [Int]
    /// The number of non-ignored pixels, the divisor of the mean (over every shard of a
    /// sharded step).
    public let countedPixels: Int
    let normalizers: CrossEntropyRows.Normalizers
  }

  /// Computes the mean loss over non-ignored pixels (0 when there are none).
  ///
  /// logits: (N, H, W, K), labels: (N, H, W) row-major, each in 0..<K or `ignoreLabel`
  /// -> loss (Float, summed in Double)
  public func forward<Label: BinaryInteger>(logits: Tensor, labels: [Label])
    -> (loss: Float, cache: Cache)
  {
    checkPrecondition(
      logits.shape.rank == 4 && logits.shape[3] > 0,
      "PixelCrossEntropy: logits must be (N, H, W, K) with K > 0, got \(logits.shape)")
    let pixels = logits.shape[0] * logits.shape[1] * logits.shape[2]
    checkPrecondition(
      labels.count == pixels,
      "PixelCrossEntropy: \(labels.count) labels for logits \(logits.shape) (\(pixels) pixels)")
    let intLabels = labels.map { Int($0) }
    // In a sharded step (`BatchShards`) the mean is over the whole global batch: each shard's
    // loss sum and pixel count, added in shard order.
    let classes = logits.shape[3]
    let shardPixels = logits.shape[1] * logits.shape[2]
    var perShard: [Double] = []
    var normalizers = CrossEntropyRows.Normalizers(maximum: [], sum: [])
    logits.withUnsafeBufferPointer { all in
      for images in BatchShards.localSlices(logits.shape[0]) {
        let rows = images.lowerBound * shardPixels..<images.upperBound * shardPixels
        let result = CrossEntropyRows.forward(
          logits: UnsafeBufferPointer(
            rebasing: all[rows.lowerBound * classes..<rows.upperBound * classes]),
          classes: classes, labels: Array(intLabels[rows]), ignoreLabel: ignoreLabel,
          labelSmoothing: labelSmoothing, context: "PixelCrossEntropy \(logits.shape)")
        perShard += [result.sum, Double(result.counted)]
        normalizers.maximum += result.normalizers.maximum
        normalizers.sum += result.normalizers.sum
      }
    }
    let total = BatchShards.sumOverShards(perShard)
    let (sum, counted) = (total[0], Int(total[1]))
    let loss = counted == 0 ? 0 : Float(sum / Double(counted))
    let cache = Cache(
      shape: logits.shape, labels: intLabels, countedPixels: counted, normalizers: normalizers)
    return (loss, cache)
  }

  /// Accumulates `upstream * dLoss/dLogits` into `logitsGradient` (nothing if all ignored).
  ///
  /// logits: (N, H, W, K) as given to `forward`; logitsGradient: (N, H, W, K), accumulated (+=).
  public func backward(
    logits: Tensor, cache: Cache, upstream: Float = 1, logitsGradient: inout Tensor
  ) {
    checkPrecondition(
      logits.shape == cache.shape && logitsGradient.shape == cache.shape,
      "PixelCrossEntropy.backward: logits \(logits.shape), gradient \(logitsGradient.shape), "
        + "cache \(cache.shape)")
    guard cache.countedPixels > 0 else { return }
    logits.withUnsafeBufferPointer { x in
      logitsGradient.withUnsafeMutableBufferPointer { g in
        CrossEntropyRows.backward(
          logits: x, gradient: g, classes: cache.shape[3], labels: cache.labels,
          ignoreLabel: ignoreLabel, labelSmoothing: labelSmoothing,
          normalizers: cache.normalizers, scale: Double(upstream) / Double(cache.countedPixels))
      }
    }
  }
}
