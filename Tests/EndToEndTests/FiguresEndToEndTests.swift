import Foundation
import ImageIO
import XCTest
import _TestSupport

/// `reid table` draws every figure of the table beside it, from a real (smoke) training:
/// each file exists, decodes, has the layout's size, and plots the numbers of the runs' files.
final class FiguresEndToEndTests: XCTestCase {
  func testTheSmokeTable1DrawsEveryFigureFromItsRuns() throws {
    let results = ReidProcess.temporaryFolder(self, "figures")
    let table = try ReidProcess.run([
      "table", "table1", "--profile", "smoke", "--results", results.path,
    ])
    XCTAssertEqual(table.status, 0, table.errors)
    let figures = results.appendingPathComponent("figures")
    let markdown = try String(
      contentsOf: results.appendingPathComponent("table1.md"), encoding: .utf8)
    // Every linked figure was drawn: the smoke runs are here with their weights and features.
    let links = markdown.components(separatedBy: "(figures/").dropFirst().map {
      String($0.prefix { $0 != ")" })
    }
    XCTAssertEqual(links.count, 13, markdown)
    XCTAssertFalse(table.errors.contains("skipped"), table.errors)
    for link in links {
      let path = figures.appendingPathComponent(link).path
      XCTAssertTrue(FileManager.default.fileExists(atPath: path), link)
      if link.hasSuffix(".svg") { XCTAssertNil(try SVGFigure.xmllintComplaint(path), link) }
    }

    // Grids of 64 x 128 cells (smoke inputs are 160 x 80), 4 pixels apart, 16 more after the
    // first column where it sets a query or an image apart.
    func size(_ link: String) throws -> (Int, Int) {
      let image = try PNG.readRGB(figures.appendingPathComponent(link).path)
      return (image.width, image.height)
    }
    func grid(columns: Int, rows: Int, gap: Int) -> (Int, Int) {
      (4 + columns * 68 + gap, 4 + rows * 132)
    }
    XCTAssertTrue(
      try size("can-inception/ranks-market1501.png") == grid(columns: 11, rows: 4, gap: 16))
    XCTAssertTrue(try size("can-inception/attention.png") == grid(columns: 11, rows: 4, gap: 16))
    XCTAssertTrue(try size("parsing-inception/parsing.png") == grid(columns: 3, rows: 6, gap: 0))

    // The CMC curve of the CAN row is the mean of the two seeds' eval.json curves.
    let runs = try FileManager.default.contentsOfDirectory(
      at: results.appendingPathComponent("runs"), includingPropertiesForKeys: nil)
    var canCurves: [(UInt64, [Double])] = []
    for run in runs {
      let manifest =
        try JSONSerialization.jsonObject(
          with: Data(contentsOf: run.appendingPathComponent("manifest.json"))) as? [String: Any]
      guard manifest?["name"] as? String == "can-inception" else { continue }
      let eval =
        try JSONSerialization.jsonObject(
          with: Data(contentsOf: run.appendingPathComponent("eval.json"))) as? [String: Any]
      let datasets = eval?["datasets"] as? [String: Any]
      let market = datasets?["market1501"] as? [String: Any]
      let can = (market?["can"] as? [String: Any])?["plain"] as? [String: Any]
      let cmc = try XCTUnwrap(can?["cmc"] as? [Double])
      canCurves.append(((manifest?["seed"] as? NSNumber)?.uint64Value ?? 0, cmc))
    }
    XCTAssertEqual(canCurves.count, 2)
    canCurves.sort { $0.0 < $1.0 }
    let plotted = SVGFigure.series(
      try String(
        contentsOf: figures.appendingPathComponent("table1/cmc-market1501.svg"), encoding: .utf8))
    let can = try XCTUnwrap(plotted["CAN"])
    XCTAssertEqual(can.map(\.0), (1...canCurves[0].1.count).map(Double.init))
    XCTAssertEqual(
      can.map(\.1), zip(canCurves[0].1, canCurves[1].1).map { (0 + $0 * 100 + $1 * 100) / 2 })
  }
}
