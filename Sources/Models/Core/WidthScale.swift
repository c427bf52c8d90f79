/// Scales channel counts for the fast profiles' narrow backbones.
///
/// `channels(c)` is round(c * multiplier), at least 1. With multiplier 1/16 every channel count
/// of Inception-V3 divides exactly, so the narrow network is torchvision's with every width
/// divided by 16 (the parity fixtures build it in PyTorch the same way).
public struct WidthScale: Sendable, Hashable, Codable {
  /// The factor applied to every channel count.
  public let multiplier: Double

  /// A scale by `multiplier` (> 0).
  public init(_ multiplier: Double) {
    self.multiplier = multiplier
  }

  /// The identity scale.
  public static let full = WidthScale(1)

  /// round(c * multiplier), at least 1.
  public func channels(_ c: Int) -> Int {
    max(1, Int((Double(c) * multiplier).rounded()))
  }
}
