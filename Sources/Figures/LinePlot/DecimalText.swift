/// Decimal text of `units * 10^exponent` from its integers, so labels never show binary
/// floating-point noise (0.3, not 0.30000000000000004).
enum DecimalText {
  /// Exponents written in fixed notation; others use scientific notation ("2.5e-8").
  static let fixedExponents = -6...6

  /// The text of `units * 10^exponent`: fixed with exactly `-exponent` decimals when the
  /// exponent is negative and small ("0.0", "1.5", "-0.25"), digits and zeros when it is
  /// small and positive ("2000"), scientific otherwise.
  static func format(units: Int, exponent: Int) -> String {
    if units == 0 && exponent >= 0 { return "0" }
    if fixedExponents.contains(exponent) {
      return exponent >= 0 ? "\(units)" + zeros(exponent) : fixed(units, decimals: -exponent)
    }
    return scientific(units, exponent: exponent)
  }

  private static func fixed(_ units: Int, decimals: Int) -> String {
    let digits = String(units.magnitude)
    let padded = zeros(max(0, decimals + 1 - digits.count)) + digits
    let split = padded.index(padded.endIndex, offsetBy: -decimals)
    let sign = units < 0 ? "-" : ""
    return sign + padded[..<split] + "." + padded[split...]
  }

  private static func scientific(_ units: Int, exponent: Int) -> String {
    guard units != 0 else { return "0" }
    var magnitude = units.magnitude
    var power = exponent
    while magnitude % 10 == 0 {
      magnitude /= 10
      power += 1
    }
    let digits = String(magnitude)
    let mantissa =
      digits.count == 1 ? digits : "\(digits.prefix(1)).\(digits.dropFirst())"
    return (units < 0 ? "-" : "") + mantissa + "e\(power + digits.count - 1)"
  }

  private static func zeros(_ count: Int) -> String { String(repeating: "0", count: count) }
}
