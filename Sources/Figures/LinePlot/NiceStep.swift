import Foundation

/// A tick step `mantissa * 10^exponent` with mantissa 1, 2 or 5; tick `n` is `n * step`.
///
/// Ticks are kept as integers (`n * mantissa` units of `10^exponent`) so that their values
/// and labels come from the exact decimal, never from accumulated floating-point error.
struct NiceStep {
  let mantissa: Int
  let exponent: Int

  /// Steps from about span / 20 upwards, the smallest first.
  static func candidates(span: Double) -> [NiceStep] {
    guard span > 0, span.isFinite else { return [] }
    let start = floorLog10(span / 20)
    return (start...(start + 3)).flatMap { k in
      [1, 2, 5].map { NiceStep(mantissa: $0, exponent: k) }
    }
  }

  /// The step as a double.
  var size: Double { decimal(mantissa) }

  /// The value of tick `n`: the double nearest to `n * mantissa * 10^exponent`.
  func value(_ n: Int) -> Double { decimal(n * mantissa) }

  /// The largest tick index whose value is at most `x`.
  func index(below x: Double) -> Int {
    var n = Int((x / size).rounded(.down))
    while value(n) > x { n -= 1 }
    while value(n + 1) <= x { n += 1 }
    return n
  }

  /// The smallest tick index whose value is at least `x`.
  func index(above x: Double) -> Int {
    var n = Int((x / size).rounded(.up))
    while value(n) < x { n += 1 }
    while value(n - 1) >= x { n -= 1 }
    return n
  }

  /// The label of tick `n`.
  func label(_ n: Int) -> String {
    DecimalText.format(units: n * mantissa, exponent: exponent)
  }

  /// `units * 10^exponent` correctly rounded, by parsing its decimal form.
  private func decimal(_ units: Int) -> Double {
    Double("\(units)e\(exponent)") ?? Double(units) * Self.power(exponent)
  }

  /// floor(log10(x)) for a positive normal `x`, exact at powers of ten (where `log10` may be
  /// one ulp off).
  private static func floorLog10(_ x: Double) -> Int {
    var k = Int(log10(x).rounded(.down))
    while power(k) > x { k -= 1 }
    while power(k + 1) <= x { k += 1 }
    return k
  }

  /// 10^k as the nearest double.
  private static func power(_ k: Int) -> Double {
    Double("1e\(k)") ?? pow(10, Double(k))
  }
}
