import TensorCore

/// Float arithmetic in numpy's exact order, so that results equal the numpy reference
/// evaluator's to the bit.
public enum NumpyCompatible {}

/// numpy's summation order.
///
/// `np.sum` and `np.mean` over a contiguous float array add the identity 0 to a pairwise
/// sum: fewer than 8 values are added in order; up to 128 go into 8 interleaved accumulators
/// combined as ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)) plus the tail in order; longer runs split
/// in two at a multiple of 8 below the middle. `np.mean` then divides by the count.
extension NumpyCompatible {
  /// numpy's `np.sum` of `values` in the element type `T` (`Float` or `Double`).
  public static func sum<T: BinaryFloatingPoint>(_ values: UnsafeBufferPointer<T>) -> T {
    guard let base = values.baseAddress else { return 0 }
    return 0 + pairwise(base, values.count)
  }

  /// numpy's `np.sum` of an array.
  public static func sum<T: BinaryFloatingPoint>(_ values: [T]) -> T {
    values.withUnsafeBufferPointer { sum($0) }
  }

  /// numpy's `np.mean` of a non-empty array (the sum divided by the count in `T`).
  public static func mean(_ values: [Double]) -> Double {
    checkPrecondition(!values.isEmpty, "NumpyCompatible.mean: no values")
    return sum(values) / Double(values.count)
  }

  private static func pairwise<T: BinaryFloatingPoint>(_ a: UnsafePointer<T>, _ n: Int) -> T {
    if n < 8 {
      var result: T = 0
      for i in 0..<n { result += a[i] }
      return result
    }
    if n <= 128 {
      var r0 = a[0]
      var r1 = a[1]
      var r2 = a[2]
      var r3 = a[3]
      var r4 = a[4]
      var r5 = a[5]
      var r6 = a[6]
      var r7 = a[7]
      var i = 8
      while i < n - n % 8 {
        r0 += a[i]
        r1 += a[i + 1]
        r2 += a[i + 2]
        r3 += a[i + 3]
        r4 += a[i + 4]
        r5 += a[i + 5]
        r6 += a[i + 6]
        r7 += a[i + 7]
        i += 8
      }
      var result = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
      while i < n {
        result += a[i]
        i += 1
      }
      return result
    }
    var half = n / 2
    half -= half % 8
    return pairwise(a, half) + pairwise(a + half, n - half)
  }
}
