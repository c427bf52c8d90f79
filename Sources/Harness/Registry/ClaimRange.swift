/// An open range of differences in points: above `above` and below `below` (either may be
/// absent, not both).
public struct ClaimRange: Decodable, Equatable, Sendable {
  /// The difference must exceed this (nil: no lower bound).
  public var above: Double?
  /// The difference must stay under this (nil: no upper bound).
  public var below: Double?

  /// Whether `x` lies in the range.
  public func contains(_ x: Double) -> Bool {
    (above.map { x > $0 } ?? true) && (below.map { x < $0 } ?? true)
  }

  /// The range as text: "> 0", "< 1.4", "between 0 and 1.4".
  public var description: String {
    switch (above, below) {
    case (let a?, let b?): return "between \(Self.format(a)) and \(Self.format(b))"
    case (let a?, nil): return "> \(Self.format(a))"
    case (nil, let b?): return "< \(Self.format(b))"
    case (nil, nil): return "any"
    }
  }

  /// 0 rather than 0.0; 1.4 as written.
  static func format(_ x: Double) -> String {
    let text = "\(x)"
    return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
  }
}
