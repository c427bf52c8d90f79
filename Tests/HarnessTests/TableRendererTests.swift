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

  /// Writes `run`'s eval.json with rank-1 `rank1` (a fraction) for each readout, on both
  /// test sets (the other metrics follow it).
  func writeEval(_ run: PlannedRun, rank1: [String: Double]) throws {
    try FileManager.default.createDirectory(at: run.directory, withIntermediateDirectories: true)
    var readouts: [String: ReadoutMetrics] = [:]
    for (readout, value) in rank1 {
      let metrics = Metrics(
        rank1: value, rank5: value, rank10: value, mAP: value / 2, queries: 10, skipped: 0,
        cmc: [value, value])
      readouts[readout] = ReadoutMetrics(plain: metrics, rerank: metrics)
    }
    try EvalResults(
      runID: run.id, normalize: true, flip: false, rerank: ["k1": 20, "k2": 6, "lambda": 0.3],
      datasets: ["market1501": readouts, "dukemtmc": readouts], finished: "2026-12-07T10:00:00Z"
    ).write(to: run.directory)
  }

  func testSeedsShowMeanAndSpreadAndTheClaimsGetVerdicts() throws {
    let registry = Registry(root: RegistryTests.experiments)
    let results = FileManager.default.temporaryDirectory
      .appendingPathComponent("tables-\(UUID().uuidString)")
    addTeardownBlock { try? FileManager.default.removeItem(at: results) }
    let spec = try registry.table("table1")
    let plan = try RunPlan.make(
      spec.runNames, profile: "smoke", overrides: [], seeds: [1, 2, 3], registry: registry,
      dataRoot: DataRoot(base: "/nonexistent"), results: results, requireData: false,
      log: { _ in })
    let can = plan.instances(of: "can-inception")
    let can6 = plan.instances(of: "can6-inception")
    XCTAssertEqual(can.map(\.label), (1...3).map { "can-inception/seed\($0)" })
    // S1 beats the other parts by about 20 points in every seed (supported); CAN-6 beats CAN
    // by about 20, far more than the claimed < 1.4 (contradicted).
    for (i, run) in can.enumerated() {
      let shift = Double(i) / 100
      try writeEval(
        run,
        rank1: [
          "s1": 0.50 + shift, "s2": 0.30, "s3": 0.29, "s4": 0.30, "s5": 0.28,
          "can": 0.40 + shift,
        ])
    }
    for (i, run) in can6.enumerated() { try writeEval(run, rank1: ["can6": 0.60 + Double(i) / 50]) }
    var text = TableRenderer(name: "table1", spec: spec, profile: "smoke", plan: plan).render()
    func row(_ name: String) -> String? {
      text.split(separator: "\n").first { $0.hasPrefix("| \(name) |") }.map(String.init)
    }
    XCTAssertEqual(
      row("CAN"),
      "| CAN | 41.0 ± 1.0 / 90.4 (−49.4) | 20.5 ± 0.5 / 77.7 (−57.2) | 41.0 ± 1.0 / 82.1 (−41.1) "
        + "| 20.5 ± 0.5 / 69.0 (−48.5) |")
    XCTAssertTrue(text.contains("- Seeds: 1, 2, 3, each its own training run"), text)
    XCTAssertTrue(
      text.contains(
        "`can-inception` (seed 1 `\(can[0].id)`, seed 2 `\(can[1].id)`, seed 3 `\(can[2].id)`)"))
    let claims = text.split(separator: "\n").filter { $0.hasPrefix("1. ") || $0.hasPrefix("2. ") }
    XCTAssertEqual(claims.count, 2, text)
    XCTAssertTrue(claims[0].contains("per seed +20.0 (seed 1), +21.0 (seed 2), +22.0 (seed 3)"))
    XCTAssertTrue(claims[0].contains("(its table: +0.3)"), String(claims[0]))
    XCTAssertTrue(claims[0].hasSuffix("**Supported.**"), String(claims[0]))
    XCTAssertTrue(claims[1].contains("(its table: +1.35)"), String(claims[1]))
    XCTAssertTrue(claims[1].hasSuffix("**Contradicted.**"), String(claims[1]))
    XCTAssertTrue(text.contains("with 3 seeds t is 4.30"))

    // A seed whose S1 falls behind: the interval straddles 0 (cannot tell); a seed not yet
    // evaluated is left out of the cells' n and of the claims' pairs.
    try writeEval(
      can[1], rank1: ["s1": 0.10, "s2": 0.30, "s3": 0.29, "s4": 0.30, "s5": 0.28, "can": 0.41])
    try FileManager.default.removeItem(at: can6[2].directory.appendingPathComponent("eval.json"))
    text = TableRenderer(name: "table1", spec: spec, profile: "smoke", plan: plan).render()
    XCTAssertTrue(row("CAN-6")?.hasPrefix("| CAN-6 | 61.0 ± 1.4 (n=2) / 91.8 (−30.8) |") == true)
    let updated = text.split(separator: "\n").filter { $0.hasPrefix("1. ") || $0.hasPrefix("2. ") }
    XCTAssertTrue(updated[0].hasSuffix("**Cannot tell.**"), String(updated[0]))
    XCTAssertTrue(updated[0].contains("2 of 3 seeds in the claimed range"), String(updated[0]))
    XCTAssertTrue(updated[1].contains("n = 2"), String(updated[1]))
  }
}
