extension LinePlot {
  /// The plot as a standalone SVG 1.1 document (UTF-8 text with an XML declaration).
  public func svg() -> String {
    LinePlotSVG(plot: self).document()
  }
}

/// Draws a line plot as SVG markup, back to front: background, grid, series, frame, axes,
/// captions, legend.
struct LinePlotSVG {
  static let frameColor = "#333333"
  static let gridColor = "#e3e3e3"
  static let textColor = "#222222"
  static let lineWidth = 1.8
  static let markerRadius = 2.6
  static let bandOpacity = 0.2

  let plot: LinePlot
  let layout: PlotLayout
  private var lines: [String] = []

  init(plot: LinePlot) {
    self.plot = plot
    layout = PlotLayout(plot)
  }

  func document() -> String {
    var svg = self
    svg.draw()
    return svg.lines.joined(separator: "\n") + "\n"
  }

  private mutating func draw() {
    let width = format(layout.documentWidth)
    let height = format(layout.documentHeight)
    lines.append("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>")
    lines.append(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(width)\""
        + " height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\""
        + " font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\""
        + " fill=\"\(Self.textColor)\">")
    lines.append("<rect width=\"\(width)\" height=\"\(height)\" fill=\"#ffffff\"/>")
    lines.append("<defs><clipPath id=\"plot-area\"><rect \(plotArea)/></clipPath></defs>")
    drawGrid()
    for (index, series) in plot.series.enumerated() { drawSeries(series, index: index) }
    lines.append(
      "<rect class=\"frame\" \(plotArea) fill=\"none\" stroke=\"\(Self.frameColor)\""
        + " stroke-width=\"1\"/>")
    drawAxes()
    drawCaptions()
    if !layout.hasData {
      let (cx, cy) = center
      lines.append(
        "<text class=\"no-data\" x=\"\(format(cx))\" y=\"\(format(cy))\" font-size=\"14\""
          + " text-anchor=\"middle\" fill=\"#777777\">no data</text>")
    }
    drawLegend()
    lines.append("</svg>")
  }

  private var center: (Double, Double) {
    (layout.left + layout.plotWidth / 2, layout.top + layout.plotHeight / 2)
  }

  /// The plot area's position and size as rect attributes.
  private var plotArea: String {
    "x=\"\(format(layout.left))\" y=\"\(format(layout.top))\""
      + " width=\"\(format(layout.plotWidth))\" height=\"\(format(layout.plotHeight))\""
  }

  private var bottom: Double { layout.top + layout.plotHeight }
  private var right: Double { layout.left + layout.plotWidth }

  // MARK: - Axes

  private mutating func drawGrid() {
    lines.append("<g class=\"grid\" stroke=\"\(Self.gridColor)\" stroke-width=\"1\">")
    for tick in layout.x.ticks {
      let (px, _) = layout.pixel(x: tick, y: layout.y.range.lowerBound)
      lines.append(line(px, layout.top, px, bottom))
    }
    for tick in layout.y.ticks {
      let (_, py) = layout.pixel(x: layout.x.range.lowerBound, y: tick)
      lines.append(line(layout.left, py, right, py))
    }
    lines.append("</g>")
  }

  private mutating func drawAxes() {
    let size = format(PlotLayout.tickFontSize)
    let tick = PlotLayout.tickLength
    lines.append(
      "<g class=\"x-axis\" font-size=\"\(size)\" text-anchor=\"middle\""
        + " stroke-width=\"1\">")
    for (value, label) in zip(layout.x.ticks, layout.x.labels) {
      let (px, _) = layout.pixel(x: value, y: layout.y.range.lowerBound)
      let baseline = bottom + tick + 3 + PlotLayout.tickFontSize
      lines.append(
        "<g class=\"tick\" data-value=\"\(value.description)\">"
          + line(px, bottom, px, bottom + tick, stroke: Self.frameColor)
          + "<text x=\"\(format(px))\" y=\"\(format(baseline))\">"
          + "\(SVGText.escaped(label))</text></g>")
    }
    lines.append("</g>")
    lines.append(
      "<g class=\"y-axis\" font-size=\"\(size)\" text-anchor=\"end\" stroke-width=\"1\">")
    for (value, label) in zip(layout.y.ticks, layout.y.labels) {
      let (_, py) = layout.pixel(x: layout.x.range.lowerBound, y: value)
      let x = layout.left - tick - 3
      lines.append(
        "<g class=\"tick\" data-value=\"\(value.description)\">"
          + line(layout.left - tick, py, layout.left, py, stroke: Self.frameColor)
          + "<text x=\"\(format(x))\" y=\"\(format(py + 4))\">\(SVGText.escaped(label))</text></g>")
    }
    lines.append("</g>")
  }

  private mutating func drawCaptions() {
    let (cx, cy) = center
    if !plot.title.isEmpty {
      lines.append(
        "<text class=\"title\" x=\"\(format(cx))\" y=\"24\""
          + " font-size=\"\(format(PlotLayout.titleFontSize))\""
          + " font-weight=\"bold\" text-anchor=\"middle\">\(SVGText.escaped(plot.title))</text>")
    }
    if !plot.xLabel.isEmpty {
      let baseline = bottom + PlotLayout.tickLength + PlotLayout.tickFontSize + 24
      lines.append(
        "<text class=\"x-label\" x=\"\(format(cx))\" y=\"\(format(baseline))\""
          + " font-size=\"\(format(PlotLayout.labelFontSize))\" text-anchor=\"middle\">"
          + "\(SVGText.escaped(plot.xLabel))</text>")
    }
    if !plot.yLabel.isEmpty {
      // Rotated a quarter turn counter-clockwise, the glyphs rise leftwards from x = 18.
      lines.append(
        "<text class=\"y-label\" x=\"18\" y=\"\(format(cy))\""
          + " transform=\"rotate(-90 18 \(format(cy)))\""
          + " font-size=\"\(format(PlotLayout.labelFontSize))\" text-anchor=\"middle\">"
          + "\(SVGText.escaped(plot.yLabel))</text>")
    }
  }

  // MARK: - Series

  private mutating func drawSeries(_ series: LinePlot.Series, index: Int) {
    let style = SeriesStyle(index: index, dashed: series.dashed)
    let drawn = series.points.filter(\.isPlottable)
    let values = drawn.map { "\($0.x.description),\($0.y.description)" }.joined(separator: " ")
    lines.append(
      "<g class=\"series\" data-name=\"\(SVGText.escaped(series.name))\""
        + " data-values=\"\(values)\" clip-path=\"url(#plot-area)\">")
    let band = zip(series.points, series.band ?? []).map { (point: $0, interval: $1) }
    for run in runs(band, where: { AxisScale.isPlottable($0.point.x) && $0.interval.isPlottable }) {
      let upper = run.map { pixelText($0.point.x, $0.interval.upper) }
      let lower = run.reversed().map { pixelText($0.point.x, $0.interval.lower) }
      lines.append(
        "<polygon class=\"band\" points=\"\((upper + lower).joined(separator: " "))\""
          + " fill=\"\(style.color)\" fill-opacity=\"\(Self.bandOpacity)\" stroke=\"none\"/>")
    }
    for run in runs(series.points, where: \.isPlottable) {
      let points = run.map { pixelText($0.x, $0.y) }.joined(separator: " ")
      let dash = style.dashArray.isEmpty ? "" : " stroke-dasharray=\"\(style.dashArray)\""
      lines.append(
        "<polyline points=\"\(points)\" fill=\"none\" stroke=\"\(style.color)\""
          + " stroke-width=\"\(Self.lineWidth)\"\(dash) stroke-linejoin=\"round\""
          + " stroke-linecap=\"round\"/>")
    }
    if series.markers {
      for point in drawn {
        let (px, py) = layout.pixel(x: point.x, y: point.y)
        lines.append(
          "<circle cx=\"\(format(px))\" cy=\"\(format(py))\" r=\"\(Self.markerRadius)\""
            + " fill=\"\(style.color)\"/>")
      }
    }
    lines.append("</g>")
  }

  /// Maximal runs of consecutive items that can be drawn: a skipped item breaks the line.
  private func runs<Item>(_ items: [Item], where drawable: (Item) -> Bool) -> [[Item]] {
    var runs: [[Item]] = []
    var current: [Item] = []
    for item in items {
      if drawable(item) {
        current.append(item)
      } else if !current.isEmpty {
        runs.append(current)
        current = []
      }
    }
    if !current.isEmpty { runs.append(current) }
    return runs
  }

  // MARK: - Legend

  private mutating func drawLegend() {
    guard let box = layout.legend else { return }
    lines.append(
      "<g class=\"legend\" font-size=\"\(format(PlotLayout.legendFontSize))\">"
        + "<rect x=\"\(format(box.x))\" y=\"\(format(box.y))\" width=\"\(format(box.width))\""
        + " height=\"\(format(box.height))\" fill=\"#ffffff\" stroke=\"#bbbbbb\"/>")
    for (index, series) in plot.series.enumerated() {
      let style = SeriesStyle(index: index, dashed: series.dashed)
      let rowY =
        box.y + PlotLayout.legendPadding + (Double(index) + 0.5)
        * PlotLayout.legendRowHeight
      let x0 = box.x + PlotLayout.legendPadding
      let x1 = x0 + PlotLayout.legendSampleLength
      if series.band != nil {
        lines.append(
          "<rect x=\"\(format(x0))\" y=\"\(format(rowY - 5))\""
            + " width=\"\(format(x1 - x0))\" height=\"10\""
            + " fill=\"\(style.color)\" fill-opacity=\"\(Self.bandOpacity)\"/>")
      }
      let dash = style.dashArray.isEmpty ? "" : " stroke-dasharray=\"\(style.dashArray)\""
      lines.append(
        line(x0, rowY, x1, rowY, stroke: style.color, width: Self.lineWidth, extra: dash))
      if series.markers {
        lines.append(
          "<circle cx=\"\(format((x0 + x1) / 2))\" cy=\"\(format(rowY))\""
            + " r=\"\(Self.markerRadius)\""
            + " fill=\"\(style.color)\"/>")
      }
      lines.append(
        "<text x=\"\(format(x1 + PlotLayout.legendPadding))\" y=\"\(format(rowY + 4))\">"
          + "\(SVGText.escaped(series.name))</text>")
    }
    lines.append("</g>")
  }

  // MARK: - Markup helpers

  private func line(
    _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String? = nil,
    width: Double? = nil, extra: String = ""
  ) -> String {
    let strokeText = stroke.map { " stroke=\"\($0)\"" } ?? ""
    let widthText = width.map { " stroke-width=\"\($0)\"" } ?? ""
    return
      "<line x1=\"\(format(x1))\" y1=\"\(format(y1))\" x2=\"\(format(x2))\" y2=\"\(format(y2))\""
      + "\(strokeText)\(widthText)\(extra)/>"
  }

  private func pixelText(_ x: Double, _ y: Double) -> String {
    let (px, py) = layout.pixel(x: x, y: y)
    return "\(format(px)),\(format(py))"
  }

  /// A coordinate or length in pixels.
  private func format(_ value: Double) -> String { SVGText.coordinate(value) }
}
