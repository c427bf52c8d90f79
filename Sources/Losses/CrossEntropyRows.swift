import TensorCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The shared kernel of the cross-entropy losses: rows of K logits, one integer label per row,
/// optional ignored label and label smoothing (PyTorch `CrossEntropyLoss` semantics).
///
/// Row `r` with label `t` contributes `lse - (1 - eps) x_t - eps mean_j x_j`, where
/// `lse = m + log(sum_j exp(x_j - m))` with `m = max_j x_j` (the stable log-sum-exp); this is
/// `-sum_j q_j log softmax(x)_j` with `q = (1 - eps) onehot(t) + eps / K`. Exponentials are
/// Float, every sum is Double in row order, so results do not depend on build flags.
enum CrossEntropyRows {
  /// Per-row normalizers kept by the forward pass: the row maximum and sum_j exp(x_j - max).
  struct Normalizers: Sendable, Equatable {
    var maximum: [Float]
    var sum: [Double]
  }

  /// Returns the loss summed over counted rows, the number of counted rows and the normalizers.
  ///
  /// logits: (rows, classes) flat; labels: rows, each in 0..<classes or `ignoreLabel`.
  static func forward(
    logits: UnsafeBufferPointer<Float>, classes: Int, labels: [Int], ignoreLabel: Int?,
    labelSmoothing: Float, context: String
  ) -> (sum: Double, counted: Int, normalizers: Normalizers) {
    let rows = labels.count
    var maximum = [Float](repeating: 0, count: rows)
    var sums = [Double](repeating: 1, count: rows)
    var total = 0.0
    var counted = 0
    let eps = Double(labelSmoothing)
    for r in 0..<rows {
      let label = labels[r]
      if label == ignoreLabel { continue }
      checkPrecondition(
        label >= 0 && label < classes,
        "\(context): label \(label) at row \(r) is outside 0..<\(classes)"
          + (ignoreLabel.map { " and is not the ignore label \($0)" } ?? ""))
      let row = r * classes
      var m = logits[row]
      for j in 1..<classes { m = max(m, logits[row + j]) }
      var sum = 0.0
      var logitSum = 0.0
      for j in 0..<classes {
        sum += Double(expf(logits[row + j] - m))
        logitSum += Double(logits[row + j])
      }
      let lse = Double(m) + log(sum)
      total += lse - (1 - eps) * Double(logits[row + label]) - eps * logitSum / Double(classes)
      maximum[r] = m
      sums[r] = sum
      counted += 1
    }
    return (total, counted, Normalizers(maximum: maximum, sum: sums))
  }

  /// Accumulates `scale * (softmax(x) - q)` into the gradient rows of counted rows.
  ///
  /// logits, gradient: (rows, classes) flat; `scale` is upstream / counted rows.
  static func backward(
    logits: UnsafeBufferPointer<Float>, gradient: UnsafeMutableBufferPointer<Float>,
    classes: Int, labels: [Int], ignoreLabel: Int?, labelSmoothing: Float,
    normalizers: Normalizers, scale: Double
  ) {
    let eps = Double(labelSmoothing)
    let uniform = eps / Double(classes)
    for r in 0..<labels.count {
      let label = labels[r]
      if label == ignoreLabel { continue }
      let row = r * classes
      let m = normalizers.maximum[r]
      let inverseSum = 1 / normalizers.sum[r]
      for j in 0..<classes {
        let probability = Double(expf(logits[row + j] - m)) * inverseSum
        let target = (j == label ? 1 - eps : 0) + uniform
        gradient[row + j] += Float(scale * (probability - target))
      }
    }
  }
}
