/// The extent of what a plot draws: points whose x and y are plottable, and band entries
/// whose x and both ends are.
struct DataExtent {
  /// The drawn x values' extent, or nil when nothing is drawn.
  private(set) var x: ClosedRange<Double>?
  /// The drawn y values' and band ends' extent, or nil when nothing is drawn.
  private(set) var y: ClosedRange<Double>?

  init(_ series: [LinePlot.Series]) {
    for line in series {
      for point in line.points where point.isPlottable {
        include(x: point.x, y: point.y)
      }
      for (point, interval) in zip(line.points, line.band ?? [])
      where AxisScale.isPlottable(point.x) && interval.isPlottable {
        include(x: point.x, y: interval.lower)
        include(x: point.x, y: interval.upper)
      }
    }
  }

  private mutating func include(x newX: Double, y newY: Double) {
    x = Self.extend(x, newX)
    y = Self.extend(y, newY)
  }

  private static func extend(_ range: ClosedRange<Double>?, _ value: Double)
    -> ClosedRange<Double>
  {
    guard let range else { return value...value }
    return min(range.lowerBound, value)...max(range.upperBound, value)
  }
}

extension LinePlot.Point {
  /// True when both values can be drawn.
  var isPlottable: Bool { AxisScale.isPlottable(x) && AxisScale.isPlottable(y) }
}

extension LinePlot.Interval {
  /// True when both ends can be drawn.
  var isPlottable: Bool { AxisScale.isPlottable(lower) && AxisScale.isPlottable(upper) }
}
