/// A map from values in 0...1 to colors, piecewise linear in each channel.
///
/// Values below 0 read as 0, above 1 as 1, NaN as 0.
public struct ColorMap: Sendable {
  /// One channel's control points: positions ascending from 0 to 1, values in 0...1.
  struct Channel: Sendable {
    var positions: [Double]
    var values: [Double]

    func value(at t: Double) -> Double {
      guard let last = positions.indices.last else { return 0 }
      if t <= positions[0] { return values[0] }
      if t >= positions[last] { return values[last] }
      // Few knots (at most 17): a linear scan is as fast as a binary search.
      var i = 1
      while positions[i] < t { i += 1 }
      let span = positions[i] - positions[i - 1]
      let w = span > 0 ? (t - positions[i - 1]) / span : 1
      return values[i - 1] + w * (values[i] - values[i - 1])
    }
  }

  let red: Channel
  let green: Channel
  let blue: Channel

  init(red: Channel, green: Channel, blue: Channel) {
    self.red = red
    self.green = green
    self.blue = blue
  }

  /// A map through `colors` spaced evenly over 0...1 (the first at 0, the last at 1).
  /// - Parameter colors: at least one color; a single color maps every value to itself.
  public init(colors: [RGBColor]) {
    let stops = colors.isEmpty ? [RGBColor.black] : colors
    let positions =
      stops.count == 1 ? [0] : stops.indices.map { Double($0) / Double(stops.count - 1) }
    func channel(_ component: (RGBColor) -> UInt8) -> Channel {
      Channel(positions: positions, values: stops.map { Double(component($0)) / 255 })
    }
    self.init(red: channel(\.red), green: channel(\.green), blue: channel(\.blue))
  }

  /// The color of `value` (clamped to 0...1; NaN reads as 0).
  public func color(at value: Double) -> RGBColor {
    let t = value.isNaN ? 0 : min(1, max(0, value))
    return RGBColor(
      unitRed: red.value(at: t), unitGreen: green.value(at: t), unitBlue: blue.value(at: t))
  }

  /// Black to white.
  public static let gray = ColorMap(colors: [.black, .white])

  /// Matplotlib's `jet`: dark blue, blue, cyan, yellow, red, dark red (its segment data).
  public static let jet = ColorMap(
    red: Channel(positions: [0, 0.35, 0.66, 0.89, 1], values: [0, 0, 1, 1, 0.5]),
    green: Channel(positions: [0, 0.125, 0.375, 0.64, 0.91, 1], values: [0, 0, 1, 1, 0, 0]),
    blue: Channel(positions: [0, 0.11, 0.34, 0.65, 1], values: [0.5, 1, 1, 0, 0]))

  /// Matplotlib's perceptually uniform `viridis`, through every 16th entry of its 256-entry
  /// table (and the last), rounded to bytes: within 2 levels of the full table.
  public static let viridis: ColorMap = {
    let table: [(index: Double, red: UInt8, green: UInt8, blue: UInt8)] = [
      (0, 68, 1, 84), (16, 72, 24, 106), (32, 71, 45, 123), (48, 66, 64, 134),
      (64, 59, 82, 139), (80, 51, 99, 141), (96, 44, 114, 142), (112, 38, 130, 142),
      (128, 33, 145, 140), (144, 31, 160, 136), (160, 40, 174, 128), (176, 63, 188, 115),
      (192, 94, 201, 98), (208, 132, 212, 75), (224, 173, 220, 48), (240, 216, 226, 25),
      (255, 253, 231, 37),
    ]
    let positions = table.map { $0.index / 255 }
    return ColorMap(
      red: Channel(positions: positions, values: table.map { Double($0.red) / 255 }),
      green: Channel(positions: positions, values: table.map { Double($0.green) / 255 }),
      blue: Channel(positions: positions, values: table.map { Double($0.blue) / 255 }))
  }()
}
