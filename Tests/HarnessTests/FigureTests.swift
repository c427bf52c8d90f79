import Foundation
import Harness
import XCTest
import _TestSupport

/// Figures drawn from the results cache: which ones a table has, and that a plot's points
/// are the numbers of eval.json and metrics.jsonl.
final class FigureTests: XCTestCase {
  func testTheCMCFigurePlotsTheMeanOfTheSeedsCurvesFromEvalJSON() throws {
    let registry = Registry(root: RegistryTests.experiments)
    let results = FileManager.default.temporaryDirectory
      .appendingPathComponent("figures-\(UUID().uuidString)")
    addTeardownBlock { try? FileManager.default.removeItem(at: results) }
    let spec = try registry.table("table1")
    let plan = try RunPlan.make(
      spec.runNames, profile: "smoke", overrides: [], seeds: [1, 2], registry: registry,
      dataRoot: DataRoot(base: "/nonexistent"), results: results, requireData: false,
      log: { _ in })
    let curves: [[Double]] = [[0.25, 0.5, 0.75], [0.125, 0.625, 1]]
    for (run, curve) in zip(plan.instances(of: "can-inception"), curves) {
      try FileManager.default.createDirectory(at: run.directory, withIntermediateDirectories: true)
      let metrics = Metrics(
        rank1: curve[0], rank5: 1, rank10: 1, mAP: 0.5, queries: 4, skipped: 0, cmc: curve)
      try EvalResults(
        runID: run.id, normalize: true, flip: false, rerank: ["k1": 20, "k2": 6, "lambda": 0.3],
        datasets: ["market1501": ["can": ReadoutMetrics(plain: metrics, rerank: nil)]],
        finished: "2026-12-07T10:00:00Z"
      ).write(to: run.directory)
      try "{\"loss\":0.5,\"lr\":0.001,\"step\":2}\n{\"loss\":0.25,\"lr\":0.001,\"step\":4}\n"
        .write(
          to: run.directory.appendingPathComponent("metrics.jsonl"), atomically: true,
          encoding: .utf8)
    }
    let figures = FigureCatalog.table("table1", spec: spec, plan: plan)
    XCTAssertEqual(
      figures.map(\.path),
      [
        "table1/cmc-market1501.svg", "table1/cmc-dukemtmc.svg", "parsing-inception/training.svg",
        "parsing-inception/accuracy.svg", "parsing-inception/parsing.png",
        "can-inception/training.svg", "can-inception/ranks-market1501.png",
        "can-inception/ranks-dukemtmc.png", "can-inception/attention.png",
        "can6-inception/training.svg", "can6-inception/ranks-market1501.png",
        "can6-inception/ranks-dukemtmc.png", "can6-inception/attention.png",
      ])
    let folder = results.appendingPathComponent("figures")
    let writer = FigureWriter(plan: plan, table: ("table1", spec), folder: folder)
    var outcomes: [String: FigureWriter.Outcome] = [:]
    for figure in figures { outcomes[figure.path] = try writer.write(figure) }
    XCTAssertEqual(outcomes["table1/cmc-market1501.svg"], .written)
    XCTAssertEqual(outcomes["can-inception/training.svg"], .written)
    // Nothing evaluated on Duke, no weights, no features: skipped, with the reason.
    XCTAssertEqual(outcomes["table1/cmc-dukemtmc.svg"], .skipped("no evaluated CMC curve"))
    guard case .skipped(let reason)? = outcomes["can-inception/attention.png"] else {
      return XCTFail("attention drawn without weights")
    }
    XCTAssertTrue(reason.contains("weights.h5 is not here"), reason)

    let cmcPath = folder.appendingPathComponent("table1/cmc-market1501.svg").path
    XCTAssertNil(try SVGFigure.xmllintComplaint(cmcPath))
    let plotted = SVGFigure.series(try String(contentsOfFile: cmcPath, encoding: .utf8))
    // Only the CAN row has an evaluated curve on Market-1501.
    XCTAssertEqual(Set(plotted.keys), ["CAN"])
    let can = try XCTUnwrap(plotted["CAN"])
    XCTAssertEqual(can.map(\.0), [1, 2, 3])
    XCTAssertEqual(can.map(\.1), (0..<3).map { (curves[0][$0] * 100 + curves[1][$0] * 100) / 2 })

    let trainingPath = folder.appendingPathComponent("can-inception/training.svg").path
    XCTAssertNil(try SVGFigure.xmllintComplaint(trainingPath))
    let losses = SVGFigure.series(try String(contentsOfFile: trainingPath, encoding: .utf8))
    XCTAssertEqual(losses["seed 1"]?.map(\.0), [2, 4])
    XCTAssertEqual(losses["seed 2"]?.map(\.1), [0.5, 0.25])
  }
}
