/// Where everything of a line plot goes: the axes' scales, the margins around the plot
/// area, the legend to its right and the document size.
struct PlotLayout {
  static let tickFontSize = 11.0
  static let labelFontSize = 13.0
  static let titleFontSize = 15.0
  static let legendFontSize = 12.0
  static let tickLength = 5.0
  static let legendRowHeight = 18.0
  static let legendPadding = 8.0
  static let legendSampleLength = 28.0
  /// The space between the plot area and the legend, and the legend and the right edge.
  static let legendGap = 14.0

  /// The horizontal axis.
  let x: AxisScale
  /// The vertical axis.
  let y: AxisScale
  /// Left edge of the plot area.
  let left: Double
  /// Top edge of the plot area.
  let top: Double
  /// Width of the plot area.
  let plotWidth: Double
  /// Height of the plot area.
  let plotHeight: Double
  /// True when at least one point is drawn.
  let hasData: Bool
  /// The legend box (origin and size), or nil when there are no series.
  let legend: (x: Double, y: Double, width: Double, height: Double)?
  /// The SVG document's width.
  let documentWidth: Double
  /// The SVG document's height.
  let documentHeight: Double

  init(_ plot: LinePlot) {
    let extent = DataExtent(plot.series)
    hasData = extent.x != nil
    x = Self.scale(fixed: plot.xRange, data: extent.x)
    y = Self.scale(fixed: plot.yRange, data: extent.y)

    func tickWidth(_ label: String?) -> Double {
      SVGText.estimatedWidth(label ?? "", fontSize: Self.tickFontSize)
    }
    let yTickWidth = y.labels.map(tickWidth).max() ?? 0
    // The end ticks' labels are centered on the plot's edges: half of each sticks out.
    let firstXOverhang = tickWidth(x.labels.first) / 2 + 4
    let lastXOverhang = tickWidth(x.labels.last) / 2 + 4
    left = max(
      (plot.yLabel.isEmpty ? 8 : 28) + yTickWidth + 4 + Self.tickLength, firstXOverhang)
    top = plot.title.isEmpty ? 16 : 40
    let bottom = Self.tickLength + 4 + Self.tickFontSize + (plot.xLabel.isEmpty ? 10 : 30)
    let rightMargin = plot.series.isEmpty ? max(24, lastXOverhang) : 0.0
    // A minimum keeps a too-small requested size drawable (the document grows to fit).
    plotWidth = max(40, Double(plot.width) - left - rightMargin)
    plotHeight = max(40, Double(plot.height) - top - bottom)

    var width = max(Double(plot.width), left + plotWidth + rightMargin)
    var height = max(Double(plot.height), top + plotHeight + bottom)
    if plot.series.isEmpty {
      legend = nil
    } else {
      let nameWidth =
        plot.series.map { SVGText.estimatedWidth($0.name, fontSize: Self.legendFontSize) }
        .max() ?? 0
      let box = (
        x: left + plotWidth + max(Self.legendGap, lastXOverhang + 2), y: top,
        width: 3 * Self.legendPadding + Self.legendSampleLength + nameWidth,
        height: 2 * Self.legendPadding + Double(plot.series.count) * Self.legendRowHeight
      )
      legend = box
      width = max(width, box.x + box.width + Self.legendGap)
      height = max(height, box.y + box.height + Self.legendGap)
    }
    documentWidth = width.rounded(.up)
    documentHeight = height.rounded(.up)
  }

  /// The SVG position of the data point (`x`, `y`).
  func pixel(x dataX: Double, y dataY: Double) -> (Double, Double) {
    let u = (dataX - x.range.lowerBound) / (x.range.upperBound - x.range.lowerBound)
    let v = (dataY - y.range.lowerBound) / (y.range.upperBound - y.range.lowerBound)
    return (left + u * plotWidth, top + plotHeight - v * plotHeight)
  }

  /// The given range if it is usable, else the data's widened to nice ticks, else 0...1.
  private static func scale(fixed: ClosedRange<Double>?, data: ClosedRange<Double>?)
    -> AxisScale
  {
    if let fixed, AxisScale.isPlottable(fixed.lowerBound),
      AxisScale.isPlottable(fixed.upperBound)
    {
      return .within(fixed)
    }
    if let data { return .covering(data.lowerBound, data.upperBound) }
    return .within(0...1)
  }
}
