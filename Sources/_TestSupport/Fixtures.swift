import TensorCore

/// Random tensors and tolerance comparisons for tests.
public enum Fixtures {
  /// A tensor of `shape` with uniform values in [low, high) from a stream named `name`.
  public static func uniform(
    _ shape: Shape, seed: UInt64 = 1, name: String = "test", low: Float = -1, high: Float = 1
  ) -> Tensor {
    var stream = RandomStream(seed: seed, name: name)
    var t = Tensor(shape: shape)
    stream.fillUniform(&t, low, high)
    return t
  }

  /// The worst violation of |a - b| <= atol + rtol * |b| over all scalars, as a ratio of the
  /// allowed error (at most 1 means close), with the index where it happens.
  public static func closeness(
    _ a: Tensor, _ b: Tensor, relativeTolerance: Float = 1e-5, absoluteTolerance: Float = 1e-6
  ) -> (ratio: Float, index: Int) {
    checkPrecondition(a.shape == b.shape, "Fixtures.closeness: \(a.shape) vs \(b.shape)")
    var worst: Float = 0
    var worstIndex = -1
    a.withUnsafeBufferPointer { pa in
      b.withUnsafeBufferPointer { pb in
        for i in 0..<pa.count {
          let allowed = absoluteTolerance + relativeTolerance * abs(pb[i])
          let ratio = pa[i].isNaN || pb[i].isNaN ? Float.infinity : abs(pa[i] - pb[i]) / allowed
          if ratio > worst || worstIndex < 0 {
            worst = ratio
            worstIndex = i
          }
        }
      }
    }
    return (worst, worstIndex)
  }

  /// Where two arrays of scalars first differ in their bits ("" when identical): a short
  /// message instead of both arrays in a failure.
  public static func bitDifference(_ a: [Float], _ b: [Float]) -> String {
    guard a.count == b.count else { return "\(a.count) scalars vs \(b.count)" }
    let differing = a.indices.filter { a[$0].bitPattern != b[$0].bitPattern }
    guard let first = differing.first else { return "" }
    return
      "\(differing.count) of \(a.count) scalars differ, first at \(first): \(a[first]) vs \(b[first])"
  }
}
