import Foundation

/// The values of one quantity over seeds: mean, sample standard deviation and the 95 %
/// Student-t interval of the mean.
public struct SeedSummary: Equatable, Sendable {
  /// The values, by seed, in seed order.
  public var values: [(seed: UInt64, value: Double)]

  /// A summary of `values` (by seed).
  public init(_ values: [UInt64: Double]) {
    self.values = values.sorted { $0.key < $1.key }.map { (seed: $0.key, value: $0.value) }
  }

  /// The same values for the same seeds.
  public static func == (a: SeedSummary, b: SeedSummary) -> Bool {
    a.values.elementsEqual(b.values) { $0.seed == $1.seed && $0.value == $1.value }
  }

  /// Seeds with a value.
  public var count: Int { values.count }

  /// The mean, nil without values.
  public var mean: Double? {
    values.isEmpty ? nil : values.map(\.value).reduce(0, +) / Double(values.count)
  }

  /// The sample standard deviation (n - 1 in the denominator), nil under two values.
  public var standardDeviation: Double? {
    guard let mean, values.count >= 2 else { return nil }
    let squares = values.map { ($0.value - mean) * ($0.value - mean) }.reduce(0, +)
    return (squares / Double(values.count - 1)).squareRoot()
  }

  /// The 95 % confidence interval of the mean, mean ± t(0.975, n - 1) · sd / √n; nil under
  /// two values.
  public var interval95: ClosedRange<Double>? {
    guard let mean, let sd = standardDeviation else { return nil }
    let half =
      Self.studentT975(degreesOfFreedom: values.count - 1) * sd
      / Double(values.count).squareRoot()
    return (mean - half)...(mean + half)
  }

  /// The 0.975 quantile of Student's t distribution (two-sided 95 %), from the standard
  /// table for 1-30 degrees of freedom; beyond 30, 30's value (slightly conservative).
  static func studentT975(degreesOfFreedom df: Int) -> Double {
    let table: [Double] = [
      12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
      2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
      2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ]
    return table[min(max(df, 1), table.count) - 1]
  }
}
