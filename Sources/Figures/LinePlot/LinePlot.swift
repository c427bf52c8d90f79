/// A 2-D line chart (training curves, CMC curves, ablations) rendered as a standalone SVG
/// 1.1 document.
///
/// Each series is drawn in the next tab10 color (after 10 series the dash pattern changes
/// too), with an optional translucent band such as mean ± sd. Values that are NaN, infinite
/// or beyond ±1e300 are skipped and break the line. Without fixed ranges the axes cover the
/// data, widened to round tick values.
///
/// In the SVG every series is a `<g class="series" data-name="NAME" data-values="x,y x,y">`
/// holding its polylines, where `data-values` lists the drawn points' original values in
/// Swift's shortest round-trip form, so tests and scripts can read the exact numbers back.
public struct LinePlot: Sendable {
  /// The heading above the plot ("" for none).
  public var title: String
  /// The horizontal axis' caption ("" for none).
  public var xLabel: String
  /// The vertical axis' caption, drawn rotated ("" for none).
  public var yLabel: String
  /// The lines, drawn and listed in the legend in this order.
  public var series: [Series]
  /// The horizontal extent, or nil to cover the data.
  public var xRange: ClosedRange<Double>?
  /// The vertical extent, or nil to cover the data (and the bands).
  public var yRange: ClosedRange<Double>?
  /// Width in pixels of the title, axes and plot area; the legend widens the SVG beyond it.
  public var width: Int
  /// Height in pixels (more if the legend is taller).
  public var height: Int

  /// A plot; the defaults give an empty 640 x 420 plot over the data's ranges.
  public init(
    title: String = "", xLabel: String = "", yLabel: String = "", series: [Series] = [],
    xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil, width: Int = 640,
    height: Int = 420
  ) {
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.series = series
    self.xRange = xRange
    self.yRange = yRange
    self.width = width
    self.height = height
  }

  /// The horizontal axis as drawn: its extent, ticks and tick labels.
  public var xScale: AxisScale { PlotLayout(self).x }

  /// The vertical axis as drawn: its extent, ticks and tick labels.
  public var yScale: AxisScale { PlotLayout(self).y }

  /// The SVG position (pixels from the top-left corner) of the data point (`x`, `y`).
  public func pixel(x: Double, y: Double) -> (Double, Double) {
    PlotLayout(self).pixel(x: x, y: y)
  }

  /// Writes `svg()` to `path` through a temporary file in the same folder and a rename.
  /// - Throws: `FigureError.writeFailed` naming `path`.
  public func write(to path: String) throws(FigureError) {
    try AtomicFile.replace(path, with: Array(svg().utf8))
  }
}
