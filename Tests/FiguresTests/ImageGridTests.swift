import Figures
import Foundation
import ImageIO
import XCTest

/// Rank-list grids: layout, the query gap, borders and overlays, the written PNG.
final class ImageGridTests: FigureTestCase {
  /// A query and four gallery matches per row (2 rows), matches outlined green or red.
  func rankList() throws -> ImageGrid {
    var grid = ImageGrid(cellWidth: 16, cellHeight: 32, padding: 2, background: .white)
    grid.gapAfterColumn = 0
    grid.gapWidth = 10
    grid.borderThickness = 2
    let person = RGBImage(width: 8, height: 16, fill: (90, 90, 90))
    for row in 0..<2 {
      var cells = [ImageGrid.Cell(person)]
      for rank in 0..<4 {
        cells.append(ImageGrid.Cell(person, border: (rank + row) % 2 == 0 ? .green : .red))
      }
      grid.add(row: cells)
    }
    return grid
  }

  func testRankListLayoutAndBorders() throws {
    let grid = try rankList()
    let image = try grid.render()
    // 2 + 5 * (16 + 2) + 10 wide, 2 + 2 * (32 + 2) high.
    XCTAssertEqual(image.width, 102)
    XCTAssertEqual(image.height, 70)
    XCTAssertEqual(grid.cellRect(row: 0, column: 0), PixelRect(x: 2, y: 2, width: 16, height: 32))
    XCTAssertEqual(grid.cellRect(row: 1, column: 1), PixelRect(x: 30, y: 36, width: 16, height: 32))

    let gray = RGBColor(red: 90, green: 90, blue: 90)
    // The query: no border; the gap after it is background.
    XCTAssertEqual(color(image, 2, 2), gray)
    XCTAssertEqual(color(image, 20, 10), .white)
    XCTAssertEqual(color(image, 27, 10), .white)
    // Rank 1 of row 0 is correct: green on its two outer pixels, the picture inside.
    let first = grid.cellRect(row: 0, column: 1)
    XCTAssertEqual(color(image, first.x, first.y), .green)
    XCTAssertEqual(color(image, first.x + 1, first.y + 10), .green)
    XCTAssertEqual(color(image, first.x + 15, first.y + 31), .green)
    XCTAssertEqual(color(image, first.x + 2, first.y + 2), gray)
    XCTAssertEqual(color(image, first.x - 1, first.y + 10), .white)
    // Rank 2 of row 0 is wrong, rank 1 of row 1 too.
    let second = grid.cellRect(row: 0, column: 2)
    XCTAssertEqual(color(image, second.x + 8, second.y), .red)
    let below = grid.cellRect(row: 1, column: 1)
    XCTAssertEqual(color(image, below.x + 8, below.y + 31), .red)

    let path = directory + "/rank.png"
    try grid.writePNG(to: path)
    let decoded = try PNG.readRGB(path)
    XCTAssertEqual(decoded.width, 102)
    XCTAssertEqual(decoded.height, 70)
    XCTAssertEqual(decoded, image)
  }

  func testCellsCanCarryHeatmapsUnderTheirBorder() throws {
    var grid = ImageGrid(cellWidth: 8, cellHeight: 8, padding: 0)
    let heat = try Heatmap(values: [1, 1, 1, 1], width: 2, height: 2, colorMap: .jet, alpha: 1)
    grid.add(row: [
      ImageGrid.Cell(RGBImage(width: 4, height: 4), border: .green, heatmap: heat),
      ImageGrid.Cell(RGBImage(width: 4, height: 4), heatmap: heat),
    ])
    let image = try grid.render()
    XCTAssertEqual(image.width, 16)
    XCTAssertEqual(image.height, 8)
    XCTAssertEqual(color(image, 0, 0), .green)
    XCTAssertEqual(color(image, 4, 4), ColorMap.jet.color(at: 1))
    XCTAssertEqual(color(image, 8, 0), ColorMap.jet.color(at: 1))
  }

  func testRowsOfDifferentLengthsAndInvalidGrids() throws {
    var grid = ImageGrid(cellWidth: 4, cellHeight: 4, padding: 1, background: .black)
    XCTAssertThrowsError(try grid.render()) { error in
      guard case .invalidGrid = error as? FigureError else { return XCTFail("\(error)") }
    }
    grid.add(row: [ImageGrid.Cell(RGBImage(width: 4, height: 4, fill: (1, 2, 3)))])
    grid.add(row: Array(repeating: ImageGrid.Cell(RGBImage(width: 2, height: 2)), count: 3))
    let image = try grid.render()
    XCTAssertEqual(image.width, 1 + 3 * 5)
    XCTAssertEqual(image.height, 1 + 2 * 5)
    XCTAssertEqual(color(image, 6, 1), .black)  // row 0 has one cell only
    XCTAssertEqual(color(image, 1, 1), RGBColor(red: 1, green: 2, blue: 3))
    var broken = ImageGrid(cellWidth: 0, cellHeight: 4)
    broken.add(row: [ImageGrid.Cell(RGBImage(width: 4, height: 4))])
    XCTAssertThrowsError(try broken.writePNG(to: directory + "/broken.png"))
    XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/broken.png"))
  }
}
