/// An 8-bit RGB color.
public struct RGBColor: Sendable, Hashable, CustomStringConvertible {
  /// Red, 0...255.
  public var red: UInt8
  /// Green, 0...255.
  public var green: UInt8
  /// Blue, 0...255.
  public var blue: UInt8

  /// A color from its three components.
  public init(red: UInt8, green: UInt8, blue: UInt8) {
    self.red = red
    self.green = green
    self.blue = blue
  }

  /// A color from components in 0...1, rounded to the nearest byte (NaN reads as 0).
  public init(unitRed: Double, unitGreen: Double, unitBlue: Double) {
    self.init(red: Self.byte(unitRed), green: Self.byte(unitGreen), blue: Self.byte(unitBlue))
  }

  /// Black, (0, 0, 0).
  public static let black = RGBColor(red: 0, green: 0, blue: 0)
  /// White, (255, 255, 255).
  public static let white = RGBColor(red: 255, green: 255, blue: 255)
  /// Pure red, (255, 0, 0): the border of a wrong match in a rank list.
  public static let red = RGBColor(red: 255, green: 0, blue: 0)
  /// Pure green, (0, 255, 0): the border of a correct match in a rank list.
  public static let green = RGBColor(red: 0, green: 255, blue: 0)

  /// The components as the tuple `RGBImage` stores per pixel.
  public var tuple: (UInt8, UInt8, UInt8) { (red, green, blue) }

  /// The color as CSS/SVG hex, `#rrggbb`.
  public var hex: String {
    let digits = Array("0123456789abcdef")
    return "#"
      + String([red, green, blue].flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
  }

  /// The hex form.
  public var description: String { hex }

  private static func byte(_ unit: Double) -> UInt8 {
    guard unit > 0 else { return 0 }  // also NaN
    return UInt8(min(255, (unit * 255).rounded()))
  }
}
