import Foundation
import Harness
import XCTest

final class TableRendererTests: XCTestCase {
  func testCellsShowOursPaperAndDifferenceFromTheCache() throws {
    let registry = Registry(root: RegistryTests.experiments)
    let results = FileManager.default.temporaryDirectory
      .appendingPathComponent("tables-\(UUID().uuidString)")
    addTeardownBlock { try? FileManager.default.removeItem(at: results) }
    let spec = try registry.table("table2")
    let plan = try RunPlan.make(
      spec.runNames, profile: "smoke", overrides: [], registry: registry,
      dataRoot: DataRoot(
        base: RegistryTests.experiments.deletingLastPathComponent().path + "/data"),
      results: results, log: { _ in })
    let can6 = try XCTUnwrap(plan["can6-inception"])
    try FileManager.default.createDirectory(at: can6.directory, withIntermediateDirectories: true)
    let metrics = Metrics(rank1: 0.5, rank5: 0.6, rank10: 0.75, mAP: 0.25, queries: 10, skipped: 1)
    var reranked = metrics
    reranked.rank1 = 0.95
    /// Writes can6-inception's eval.json with these CAN-6 metrics on Market-1501.
    func writeCAN6(_ readout: ReadoutMetrics) throws {
      try EvalResults(
        runID: can6.id, normalize: true, flip: false, rerank: ["k1": 20, "k2": 6, "lambda": 0.3],
        datasets: ["market1501": ["can6": readout]], finished: "2026-11-25T10:00:00Z"
      ).write(to: can6.directory)
    }
    try writeCAN6(ReadoutMetrics(plain: metrics, rerank: reranked))

    let text = TableRenderer(name: "table2", spec: spec, profile: "smoke", plan: plan).render()
    func row(_ name: String) -> String? {
      text.split(separator: "\n").first { $0.hasPrefix("| \(name) |") }.map(String.init)
    }
    XCTAssertEqual(
      row("CAN-6"), "| CAN-6 | 50.0 / 91.8 (−41.8) | 75.0 / 97.9 (−22.9) | 25.0 / 78.9 (−53.9) |")
    XCTAssertEqual(
      row("CAN-6+re-ranking"),
      "| CAN-6+re-ranking | 95.0 / 92.7 (+2.3) | 75.0 / 98.0 (−23.0) | 25.0 / 81.8 (−56.8) |")
    XCTAssertEqual(row("Spindle"), "| Spindle | 76.9 (reported) | 94.6 (reported) | – (reported) |")
    XCTAssertEqual(row("CAN"), "| CAN | not run / 90.4 | not run / 97.6 | not run / 77.7 |")
    XCTAssertTrue(text.contains("**Not comparable with the paper.**"))
    XCTAssertTrue(text.contains("evaluated: 2026-11-25"))
    XCTAssertTrue(text.contains("`can6-inception` (`\(can6.id)`)"))
    // Rendering is a pure function of the registry and the cache.
    XCTAssertEqual(
      text, TableRenderer(name: "table2", spec: spec, profile: "smoke", plan: plan).render())

    // A readout evaluated without re-ranking (only the trained one is re-ranked) says so,
    // rather than "not run".
    try writeCAN6(ReadoutMetrics(plain: metrics, rerank: nil))
    let rendered = TableRenderer(name: "table2", spec: spec, profile: "smoke", plan: plan).render()
    let rerankRow = rendered.split(separator: "\n").first {
      $0.hasPrefix("| CAN-6+re-ranking |")
    }
    XCTAssertEqual(
      rerankRow?.contains("not re-ranked / 92.7"), true, "\(String(describing: rerankRow))")
  }
}
