import Figures
import Foundation
import ImageIO
import XCTest

/// PNG composition: pasting, borders, heat map overlays, color maps, written files.
final class CanvasTests: FigureTestCase {
  func testWrittenPNGDecodesToTheCanvas() throws {
    var canvas = Canvas(width: 37, height: 23, background: RGBColor(red: 10, green: 20, blue: 30))
    canvas.fill(PixelRect(x: 5, y: 6, width: 4, height: 3), color: .red)
    let path = directory + "/canvas.png"
    try canvas.writePNG(to: path)
    let decoded = try PNG.readRGB(path)
    XCTAssertEqual(decoded.width, 37)
    XCTAssertEqual(decoded.height, 23)
    XCTAssertEqual(decoded, canvas.image)
    XCTAssertEqual(color(decoded, 5, 6), .red)
    XCTAssertEqual(color(decoded, 8, 8), .red)
    XCTAssertEqual(color(decoded, 9, 8), RGBColor(red: 10, green: 20, blue: 30))
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory), ["canvas.png"])
    XCTAssertThrowsError(try canvas.writePNG(to: directory + "/missing/canvas.png")) { error in
      guard case .writeFailed = error as? FigureError else { return XCTFail("\(error)") }
    }
  }

  func testDrawCopiesAndClipsAtTheEdges() {
    var source = RGBImage(width: 4, height: 3)
    for y in 0..<3 {
      for x in 0..<4 { source[x, y] = (UInt8(10 * x), UInt8(10 * y), 7) }
    }
    var canvas = Canvas(width: 6, height: 5)
    canvas.draw(source, x: -1, y: 3)  // only columns 1...3, rows 0...1 of the source land
    canvas.draw(source, x: 4, y: -2)  // columns 0...1, row 2
    XCTAssertEqual(color(canvas.image, 0, 3), RGBColor(red: 10, green: 0, blue: 7))
    XCTAssertEqual(color(canvas.image, 2, 4), RGBColor(red: 30, green: 10, blue: 7))
    XCTAssertEqual(color(canvas.image, 3, 3), .white)
    XCTAssertEqual(color(canvas.image, 4, 0), RGBColor(red: 0, green: 20, blue: 7))
    XCTAssertEqual(color(canvas.image, 5, 0), RGBColor(red: 10, green: 20, blue: 7))
    XCTAssertEqual(color(canvas.image, 4, 1), .white)
    // Entirely outside: nothing happens.
    let before = canvas.image
    canvas.draw(source, x: 6, y: 0)
    canvas.draw(source, x: -4, y: 0)
    canvas.fill(PixelRect(x: 0, y: 0, width: 0, height: 3), color: .black)
    XCTAssertEqual(canvas.image, before)
  }

  func testDrawInRectResizesBilinearly() {
    let source = RGBImage(width: 2, height: 2, fill: (200, 100, 50))
    var canvas = Canvas(width: 10, height: 10)
    canvas.draw(source, in: PixelRect(x: 2, y: 3, width: 5, height: 4))
    for y in 0..<10 {
      for x in 0..<10 {
        let inside = (2..<7).contains(x) && (3..<7).contains(y)
        XCTAssertEqual(
          color(canvas.image, x, y), inside ? RGBColor(red: 200, green: 100, blue: 50) : .white,
          "(\(x), \(y))")
      }
    }
    XCTAssertEqual(
      canvas.image.pixels.count, 10 * 10 * 3)
  }

  func testStrokeDrawsTheBorderInsideTheRect() {
    var canvas = Canvas(width: 20, height: 20, background: .black)
    canvas.stroke(PixelRect(x: 3, y: 4, width: 10, height: 8), color: .green, thickness: 2)
    for y in 0..<20 {
      for x in 0..<20 {
        let inRect = (3..<13).contains(x) && (4..<12).contains(y)
        let inInterior = (5..<11).contains(x) && (6..<10).contains(y)
        let expected: RGBColor = inRect && !inInterior ? .green : .black
        XCTAssertEqual(color(canvas.image, x, y), expected, "(\(x), \(y))")
      }
    }
  }

  func testHeatmapOverlayWithFullAlphaShowsTheColorMap() throws {
    // 2 x 2: 0 and 1 on the diagonal corners, a NaN (read as 0) and a clamped 7 (read as 1).
    let heat: [Float] = [0, .nan, 7, 1]
    for map in [ColorMap.jet, .viridis, .gray] {
      var canvas = Canvas(width: 12, height: 12, background: .white)
      let rect = PixelRect(x: 2, y: 2, width: 8, height: 8)
      try canvas.overlay(heatmap: heat, width: 2, height: 2, in: rect, colormap: map, alpha: 1)
      XCTAssertEqual(color(canvas.image, 2, 2), map.color(at: 0))
      XCTAssertEqual(color(canvas.image, 9, 2), map.color(at: 0))
      XCTAssertEqual(color(canvas.image, 2, 9), map.color(at: 1))
      XCTAssertEqual(color(canvas.image, 9, 9), map.color(at: 1))
      XCTAssertEqual(color(canvas.image, 1, 1), .white)
      XCTAssertEqual(color(canvas.image, 10, 10), .white)
    }
    XCTAssertEqual(ColorMap.jet.color(at: 0), RGBColor(red: 0, green: 0, blue: 128))
    XCTAssertEqual(ColorMap.jet.color(at: 1), RGBColor(red: 128, green: 0, blue: 0))
    XCTAssertEqual(ColorMap.jet.color(at: 0.5), RGBColor(red: 123, green: 255, blue: 123))
    XCTAssertEqual(ColorMap.viridis.color(at: 0), RGBColor(red: 68, green: 1, blue: 84))
    XCTAssertEqual(ColorMap.viridis.color(at: 1), RGBColor(red: 253, green: 231, blue: 37))
    XCTAssertEqual(ColorMap.gray.color(at: 0.5), RGBColor(red: 128, green: 128, blue: 128))
    XCTAssertEqual(ColorMap.gray.color(at: -3), .black)
    XCTAssertEqual(ColorMap.gray.color(at: .nan), .black)
  }

  func testHeatmapOverlayBlendsByAlpha() throws {
    var canvas = Canvas(width: 4, height: 4, background: RGBColor(red: 100, green: 0, blue: 200))
    try canvas.overlay(
      heatmap: [Float](repeating: 1, count: 4), width: 2, height: 2,
      in: PixelRect(x: 0, y: 0, width: 4, height: 4), colormap: .gray, alpha: 0.25)
    // 0.25 * 255 + 0.75 * (100, 0, 200) = (138.75, 63.75, 213.75).
    XCTAssertEqual(color(canvas.image, 3, 3), RGBColor(red: 139, green: 64, blue: 214))
    XCTAssertThrowsError(
      try canvas.overlay(
        heatmap: [0, 1, 0], width: 2, height: 2, in: PixelRect(x: 0, y: 0, width: 4, height: 4),
        colormap: .jet, alpha: 1)
    ) { error in
      XCTAssertEqual(error as? FigureError, .heatmapShape(values: 3, width: 2, height: 2))
    }
  }

  func testLIPPaletteMatchesTheParsingLiterature() {
    let expected: [(UInt8, UInt8, UInt8)] = [
      (0, 0, 0), (128, 0, 0), (0, 128, 0), (128, 128, 0), (0, 0, 128), (128, 0, 128),
      (0, 128, 128), (128, 128, 128), (64, 0, 0), (192, 0, 0),
    ]
    XCTAssertEqual(LIPPalette.colors.count, 20)
    for (i, (r, g, b)) in expected.enumerated() {
      XCTAssertEqual(LIPPalette.colors[i], RGBColor(red: r, green: g, blue: b), "label \(i)")
    }
    XCTAssertEqual(Set(LIPPalette.colors).count, 20)
    XCTAssertEqual(LIPPalette.color(of: 255), .white)
    XCTAssertEqual(LIPPalette.color(of: 19), LIPPalette.colors[19])
    let map = LabelMap(width: 3, height: 2, labels: [0, 1, 2, 255, 4, 19])
    let image = LIPPalette.colorize(map)
    XCTAssertEqual(image.width, 3)
    XCTAssertEqual(image.height, 2)
    XCTAssertEqual(color(image, 1, 0), RGBColor(red: 128, green: 0, blue: 0))
    XCTAssertEqual(color(image, 0, 1), .white)
    XCTAssertEqual(color(image, 1, 1), RGBColor(red: 0, green: 0, blue: 128))
    XCTAssertEqual(color(image, 2, 1), LIPPalette.colors[19])
  }
}
