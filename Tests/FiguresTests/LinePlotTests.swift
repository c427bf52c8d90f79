import Figures
import Foundation
import XCTest

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// SVG line plots: well-formed output, exact data, the pixel map, nice ticks, skipped values.
final class LinePlotTests: FigureTestCase {
  /// Three series: one with a mean ± sd band, one dashed with markers, names needing escapes.
  func threeSeriesPlot() -> LinePlot {
    let steps = (0..<12).map { Double($0) * 0.1 }
    let mean = steps.map { 0.3 + 0.5 * $0 * $0 }
    return LinePlot(
      title: "Loss & accuracy <ci>",
      xLabel: "epoch \"x\"",
      yLabel: "value 'y'",
      series: [
        LinePlot.Series(
          name: "triplet & softmax", x: steps, y: mean,
          band: mean.map { LinePlot.Interval(lower: $0 - 0.05, upper: $0 + 0.05) }),
        LinePlot.Series(
          name: "rank-1 <CAN>", x: steps, y: steps.map { 1 - $0 / 3 }, dashed: true,
          markers: true),
        LinePlot.Series(name: "mAP", x: steps, y: steps.map { 0.2 + $0 / 7 }),
      ])
  }

  func testThreeSeriesSVGIsWellFormedForXmllint() throws {
    let svg = threeSeriesPlot().svg()
    try XMLLint.assertWellFormed(svg, in: directory)
    let inspection = try SVGInspection(svg)
    let names = try inspection.seriesGroups().map {
      $0.value(of: "data-name")
    }
    XCTAssertEqual(names, ["triplet & softmax", "rank-1 <CAN>", "mAP"])
    XCTAssertTrue(svg.contains("triplet &amp; softmax"))
    XCTAssertTrue(svg.contains("rank-1 &lt;CAN&gt;"))
    XCTAssertTrue(svg.contains("Loss &amp; accuracy &lt;ci&gt;"))
    XCTAssertFalse(svg.contains("<CAN>"))
    // The band is a polygon in the first series' group, the dashed line has a dash array
    // and markers, and the plain one has neither.
    let band = try inspection.elements(
      "//*[local-name()='g'][@class='series'][1]/*[local-name()='polygon']")
    XCTAssertEqual(band.count, 1)
    let dashed = try XCTUnwrap(try inspection.series(named: "rank-1 <CAN>"))
    let dashedLine = try XCTUnwrap(dashed.children(named: "polyline").first)
    XCTAssertNotNil(dashedLine.value(of: "stroke-dasharray"))
    XCTAssertEqual(dashed.children(named: "circle").count, 12)
    let plain = try XCTUnwrap(try inspection.series(named: "mAP"))
    let plainLines = plain.children(named: "polyline")
    XCTAssertEqual(plainLines.count, 1)
    XCTAssertNil(plainLines.first?.value(of: "stroke-dasharray"))
    // Three different tab10 colors.
    let colors = try inspection.seriesGroups().compactMap { group in
      group.children(named: "polyline").first?.value(of: "stroke")
    }
    XCTAssertEqual(colors, ["#1f77b4", "#ff7f0e", "#2ca02c"])
  }

  func testDataValuesReadBackToExactlyTheInputDoubles() throws {
    let xs: [Double] = [0, 0.1, 1.0 / 3, 1e-5, 2.5, 1e15 + 1, -0.0]
    let ys: [Double] = [
      0.1 + 0.2, -7.25, .pi, 123_456.789, .leastNonzeroMagnitude, 1e-300, -1.7976931348623157e299,
    ]
    let plot = LinePlot(series: [LinePlot.Series(name: "exact", x: xs, y: ys)])
    let inspection = try SVGInspection(plot.svg())
    let group = try XCTUnwrap(try inspection.series(named: "exact"))
    let text = try XCTUnwrap(group.value(of: "data-values"))
    let pairs = try XCTUnwrap(SVGInspection.pairs(text), text)
    XCTAssertEqual(pairs.map(\.0).map(\.bitPattern), xs.map(\.bitPattern), text)
    XCTAssertEqual(pairs.map(\.1).map(\.bitPattern), ys.map(\.bitPattern), text)
  }

  func testPolylineCoordinatesArePixelMapOfTheData() throws {
    let plot = threeSeriesPlot()
    let inspection = try SVGInspection(plot.svg())
    for series in plot.series {
      let group = try XCTUnwrap(try inspection.series(named: series.name))
      let polyline = try XCTUnwrap(group.children(named: "polyline").first)
      let points = try XCTUnwrap(
        SVGInspection.pairs(polyline.value(of: "points") ?? ""))
      XCTAssertEqual(points.count, series.points.count)
      for (drawn, point) in zip(points, series.points) {
        let (px, py) = plot.pixel(x: point.x, y: point.y)
        XCTAssertEqual(drawn.0, px, accuracy: 0.01)
        XCTAssertEqual(drawn.1, py, accuracy: 0.01)
      }
    }
    // The map sends the axis ends to the plot area's edges: y grows downwards.
    let (x0, y0) = plot.pixel(x: plot.xScale.range.lowerBound, y: plot.yScale.range.lowerBound)
    let (x1, y1) = plot.pixel(x: plot.xScale.range.upperBound, y: plot.yScale.range.upperBound)
    XCTAssertLessThan(x0, x1)
    XCTAssertGreaterThan(y0, y1)
    let frame = try XCTUnwrap(
      try inspection.elements("//*[local-name()='rect'][@class='frame']").first)
    func number(_ name: String) -> Double { frame.number(name) ?? .nan }
    XCTAssertEqual(x0, number("x"), accuracy: 0.01)
    XCTAssertEqual(y1, number("y"), accuracy: 0.01)
    XCTAssertEqual(x1 - x0, number("width"), accuracy: 0.01)
    XCTAssertEqual(y0 - y1, number("height"), accuracy: 0.01)
  }

  func testTicksAreNiceNumbersCoveringTheData() throws {
    let ranges: [(Double, Double)] = [
      (0, 1), (0.1, 0.3), (-3, 97), (0.0003, 0.00071), (1e-9, 7e-8), (12_345, 12_400),
      (-2.5e7, 3.1e8), (0.9, 0.95), (1e9, 1e9 + 0.001), (5, 5), (0, 0), (-1e-3, 1e12),
    ]
    for (lo, hi) in ranges {
      let scale = AxisScale.covering(lo, hi)
      let message = "\(lo)...\(hi): \(scale.ticks) \(scale.labels)"
      XCTAssertTrue((4...AxisScale.maxTicks).contains(scale.ticks.count), message)
      XCTAssertLessThanOrEqual(scale.range.lowerBound, lo, message)
      XCTAssertGreaterThanOrEqual(scale.range.upperBound, hi, message)
      XCTAssertEqual(scale.ticks.first, scale.range.lowerBound, message)
      XCTAssertEqual(scale.ticks.last, scale.range.upperBound, message)
      XCTAssertEqual(scale.labels.count, scale.ticks.count, message)
      try assertNice(scale, message)
    }
    // Labels have the axis' decimals and no floating-point noise.
    XCTAssertEqual(AxisScale.covering(0, 1).labels, ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
    XCTAssertEqual(AxisScale.covering(0.1, 0.3).labels, ["0.10", "0.15", "0.20", "0.25", "0.30"])
    XCTAssertEqual(AxisScale.covering(0.1, 0.3).ticks[4], 0.3)
    XCTAssertEqual(AxisScale.covering(-3, 97).labels, ["-20", "0", "20", "40", "60", "80", "100"])
    XCTAssertEqual(AxisScale.covering(1e-9, 7e-8).labels.last, "7e-8")
    // A small span far from zero keeps its resolution; a single value is widened.
    let offset = AxisScale.covering(1e9, 1e9 + 0.001)
    XCTAssertLessThanOrEqual(offset.range.upperBound - offset.range.lowerBound, 0.002)
    XCTAssertEqual(offset.labels.first, "1000000000.0000")
    XCTAssertEqual(AxisScale.covering(5, 5).range, 4.7...5.3)
    // A fixed range keeps its ends and ticks the nice values inside.
    let fixed = AxisScale.within(0.05...0.97)
    XCTAssertEqual(fixed.range, 0.05...0.97)
    XCTAssertEqual(fixed.labels, ["0.2", "0.4", "0.6", "0.8"])
  }

  /// Every label is a decimal multiple of one step of 1, 2 or 5 times a power of ten, and
  /// every tick is the double nearest to its label.
  func assertNice(_ scale: AxisScale, _ message: String) throws {
    let decimals = try scale.labels.map { try XCTUnwrap(Decimal(string: $0), message) }
    let step = decimals[1] - decimals[0]
    var mantissa = step
    while mantissa >= 10 { mantissa /= 10 }
    while mantissa < 1 { mantissa *= 10 }
    XCTAssertTrue([1, 2, 5].contains(mantissa), "step \(step): \(message)")
    for (i, value) in decimals.enumerated() {
      XCTAssertEqual(value, decimals[0] + Decimal(i) * step, message)
      var quotient = value / step
      var whole = Decimal()
      NSDecimalRound(&whole, &quotient, 0, .plain)
      XCTAssertEqual(quotient, whole, "\(value) is not a multiple of \(step): \(message)")
      XCTAssertEqual(scale.ticks[i], Double(scale.labels[i]), message)
    }
  }

  func testAxisTicksInTheSVGMatchTheScale() throws {
    let plot = threeSeriesPlot()
    let inspection = try SVGInspection(plot.svg())
    let xTicks = try inspection.elements(
      "//*[local-name()='g'][@class='x-axis']/*[local-name()='g'][@class='tick']")
    XCTAssertEqual(
      xTicks.compactMap { $0.number("data-value") },
      plot.xScale.ticks)
    XCTAssertEqual(xTicks.map { $0.stringValue ?? "" }, plot.xScale.labels)
    XCTAssertEqual(plot.xScale.labels, ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0", "1.2"])
    let yTicks = try inspection.elements(
      "//*[local-name()='g'][@class='y-axis']/*[local-name()='g'][@class='tick']")
    XCTAssertEqual(yTicks.map { $0.stringValue ?? "" }, plot.yScale.labels)
    XCTAssertGreaterThanOrEqual(yTicks.count, 4)
  }

  func testNonFiniteValuesBreakTheLineAndAreNotWritten() throws {
    let plot = LinePlot(series: [
      LinePlot.Series(
        name: "gappy",
        points: [
          .init(x: 0, y: 1), .init(x: 1, y: .nan), .init(x: 2, y: 3), .init(x: 3, y: 4),
          .init(x: .infinity, y: 2), .init(x: 5, y: -.infinity), .init(x: 6, y: 2),
        ],
        band: [
          .init(lower: 0, upper: 2), .init(lower: 0, upper: 2), .init(lower: .nan, upper: 4),
          .init(lower: 3, upper: 5),
        ], markers: true)
    ])
    let svg = plot.svg()
    try XMLLint.assertWellFormed(svg, in: directory)
    for token in ["nan", "inf", "NaN", "Infinity"] {
      XCTAssertFalse(svg.contains(token), "\(token) in\n\(svg)")
    }
    let inspection = try SVGInspection(svg)
    let group = try XCTUnwrap(try inspection.series(named: "gappy"))
    let values = try XCTUnwrap(
      SVGInspection.pairs(group.value(of: "data-values") ?? ""))
    XCTAssertEqual(values.map(\.0), [0, 2, 3, 6])
    let polylines = group.children(named: "polyline").compactMap {
      SVGInspection.pairs($0.value(of: "points") ?? "")
    }
    // Three runs: {0}, {2, 3}, {6}.
    XCTAssertEqual(polylines.map(\.count), [1, 2, 1])
    XCTAssertEqual(group.children(named: "circle").count, 4)
    // The band breaks at the NaN lower end: {0, 1} and {3}.
    XCTAssertEqual(group.children(named: "polygon").count, 2)
    XCTAssertEqual(plot.xScale.range.lowerBound, 0)
    XCTAssertGreaterThanOrEqual(plot.xScale.range.upperBound, 6)
  }

  func testEmptyPlotIsValidSVGOverTheUnitSquareSayingNoData() throws {
    for plot in [
      LinePlot(title: "nothing"),
      LinePlot(series: [LinePlot.Series(name: "all nan", x: [.nan, 1], y: [1, .nan])]),
    ] {
      let svg = plot.svg()
      try XMLLint.assertWellFormed(svg, in: directory)
      let inspection = try SVGInspection(svg)
      let noData = try inspection.elements("//*[local-name()='text'][@class='no-data']")
      XCTAssertEqual(noData.first?.stringValue, "no data")
      XCTAssertEqual(plot.xScale.range, 0...1)
      XCTAssertEqual(plot.yScale.range, 0...1)
      XCTAssertEqual(plot.xScale.labels.first, "0.0")
      XCTAssertEqual(plot.xScale.labels.last, "1.0")
    }
    XCTAssertFalse(threeSeriesPlot().svg().contains("no data"))
  }

  func testLegendSitsRightOfThePlotAndWidensTheDocument() throws {
    let short = LinePlot(series: [LinePlot.Series(name: "a", x: [0, 1], y: [0, 1])])
    let long = LinePlot(series: [
      LinePlot.Series(name: String(repeating: "long name ", count: 8), x: [0, 1], y: [0, 1])
    ])
    let shortSVG = try SVGInspection(short.svg())
    let longSVG = try SVGInspection(long.svg())
    let shortWidth = try XCTUnwrap(shortSVG.rootNumber("width"))
    let longWidth = try XCTUnwrap(longSVG.rootNumber("width"))
    XCTAssertGreaterThan(shortWidth, 640)
    XCTAssertGreaterThan(longWidth, shortWidth + 300)
    let box = try XCTUnwrap(
      try longSVG.elements("//*[local-name()='g'][@class='legend']/*[local-name()='rect']").first)
    let boxX = try XCTUnwrap(box.number("x"))
    let boxWidth = try XCTUnwrap(box.number("width"))
    let (plotRight, _) = long.pixel(x: long.xScale.range.upperBound, y: 0)
    XCTAssertGreaterThan(boxX, plotRight)
    XCTAssertLessThanOrEqual(boxX + boxWidth, longWidth)
    // Estimated text width: 80 characters at 12 px fit in the box.
    XCTAssertGreaterThanOrEqual(boxWidth, 80 * 12 * 0.6)
  }

  func testMoreThanTenSeriesStayDistinguishable() throws {
    let series = (0..<25).map { i in
      LinePlot.Series(name: "s\(i)", x: [0, 1], y: [Double(i), Double(i) + 1], dashed: i == 3)
    }
    let plot = LinePlot(series: series)
    let svg = plot.svg()
    try XMLLint.assertWellFormed(svg, in: directory)
    let inspection = try SVGInspection(svg)
    let styles = try inspection.seriesGroups().map { group -> String in
      let line = group.children(named: "polyline").first
      let stroke = line?.value(of: "stroke") ?? "?"
      let dash = line?.value(of: "stroke-dasharray") ?? "solid"
      return stroke + " " + dash
    }
    XCTAssertEqual(styles.count, 25)
    XCTAssertEqual(Set(styles).count, 25, "\(styles)")
    XCTAssertTrue(styles[0].hasSuffix("solid"))
    XCTAssertFalse(styles[3].hasSuffix("solid"))
    XCTAssertEqual(styles[0].prefix(7), styles[10].prefix(7))
    // The legend grows the document downwards when it is taller than the plot.
    XCTAssertGreaterThan(try XCTUnwrap(inspection.rootNumber("height")), 420)
  }

  func testFixedRangesClipTheData() throws {
    let plot = LinePlot(
      series: [LinePlot.Series(name: "wide", x: [-5, 0, 0.5, 1, 50], y: [0, 0.5, 2, 0.25, 1])],
      xRange: 0...1, yRange: 0...1)
    XCTAssertEqual(plot.xScale.range, 0...1)
    XCTAssertEqual(plot.yScale.range, 0...1)
    let svg = plot.svg()
    try XMLLint.assertWellFormed(svg, in: directory)
    XCTAssertTrue(svg.contains("clip-path=\"url(#plot-area)\""))
    let (px, py) = plot.pixel(x: 0.5, y: 0.5)
    let (left, bottom) = plot.pixel(x: 0, y: 0)
    let (right, top) = plot.pixel(x: 1, y: 1)
    XCTAssertEqual(px, (left + right) / 2, accuracy: 1e-9)
    XCTAssertEqual(py, (top + bottom) / 2, accuracy: 1e-9)
  }

  func testWriteReplacesTheFileWithTheSVG() throws {
    let plot = threeSeriesPlot()
    let path = directory + "/plot.svg"
    try Data("old".utf8).write(to: URL(fileURLWithPath: path))
    try plot.write(to: path)
    XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), plot.svg())
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory)
    XCTAssertEqual(leftovers, ["plot.svg"])
    let missing = directory + "/no-such-folder/plot.svg"
    XCTAssertThrowsError(try plot.write(to: missing)) { error in
      guard case .writeFailed(let file, _) = error as? FigureError else {
        return XCTFail("\(error)")
      }
      XCTAssertEqual(file, missing)
    }
  }
}
