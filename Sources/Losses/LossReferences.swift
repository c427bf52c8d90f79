import TensorCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Naive double-precision references for the losses: direct transcriptions of the definitions,
/// for tests and gradient checks only.
public enum LossReference {
  /// The batch-hard triplet loss, straight from the definition, in Double.
  ///
  /// embeddings: (N, D), labels: N -> mean over anchors of max(0, margin + d_ap - d_an), with
  /// d = sqrt(max(||a - b||^2, 1e-12)) and the lowest index winning ties.
  public static func batchHardTriplet(embeddings: Tensor, labels: [Int], margin: Double)
    -> Double
  {
    let n = embeddings.shape[0]
    let d = embeddings.shape[1]
    let x = embeddings.scalars.map(Double.init)
    var distance = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
    for i in 0..<n {
      for j in 0..<n {
        var squared = 0.0
        for k in 0..<d {
          let diff = x[i * d + k] - x[j * d + k]
          squared += diff * diff
        }
        distance[i][j] = max(squared, 1e-12).squareRoot()
      }
    }
    var total = 0.0
    for i in 0..<n {
      var hardestPositive = -Double.infinity
      var hardestNegative = Double.infinity
      for j in 0..<n {
        if labels[j] == labels[i] {
          hardestPositive = max(hardestPositive, distance[i][j])
        } else {
          hardestNegative = min(hardestNegative, distance[i][j])
        }
      }
      total += max(0, margin + hardestPositive - hardestNegative)
    }
    return total / Double(n)
  }

  /// Cross-entropy with label smoothing over rows of logits, in Double (PyTorch semantics).
  ///
  /// logits: (rows, K) flat, labels: rows -> mean over non-ignored rows of
  /// -sum_j q_j log softmax(x)_j with q = (1 - eps) onehot(label) + eps / K; 0 if every row is
  /// ignored.
  public static func crossEntropy(
    logits: [Float], classes: Int, labels: [Int], ignoreLabel: Int?, labelSmoothing: Double
  ) -> Double {
    var total = 0.0
    var counted = 0
    for (row, label) in labels.enumerated() where label != ignoreLabel {
      let x = (0..<classes).map { Double(logits[row * classes + $0]) }
      let logNormalizer = log(x.map { exp($0) }.reduce(0, +))
      for j in 0..<classes {
        let target = (j == label ? 1 - labelSmoothing : 0) + labelSmoothing / Double(classes)
        total -= target * (x[j] - logNormalizer)
      }
      counted += 1
    }
    return counted == 0 ? 0 : total / Double(counted)
  }
}
