import Foundation
import XCTest

/// A trained run's saved feature file reproduces its eval.json through `reid eval`, with and
/// without re-ranking: evaluation from a model and from a file are the same computation.
final class SavedFeaturesTests: XCTestCase {
  struct Metrics: Decodable, Equatable {
    var rank1: Double
    var mAP: Double
  }

  struct ReadoutMetrics: Decodable {
    var plain: Metrics
    var rerank: Metrics?
  }

  struct EvalJSON: Decodable {
    var datasets: [String: [String: ReadoutMetrics]]
  }

  func testSavedFeaturesReproduceEvalJSON() throws {
    let results = ReidProcess.temporaryFolder(self, "features")
    let run = try ReidProcess.run(
      ["run", "can-inception", "--profile", "smoke", "--seeds", "1", "--results", results.path])
    XCTAssertEqual(run.status, 0, run.errors)
    let folder = try XCTUnwrap(run.output.split(separator: " ").last).trimmingCharacters(
      in: .whitespacesAndNewlines)
    let directory = URL(fileURLWithPath: folder)
    let evaluation = try JSONDecoder().decode(
      EvalJSON.self, from: Data(contentsOf: directory.appendingPathComponent("eval.json")))
    for dataset in ["market1501", "dukemtmc"] {
      let stored = try XCTUnwrap(evaluation.datasets[dataset]?["can"], dataset)
      let file = directory.appendingPathComponent("features/\(dataset)-can.h5").path
      for rerank in [false, true] {
        let result = try ReidProcess.run(
          ["eval", "--features", file, "--json"] + (rerank ? ["--rerank"] : []))
        XCTAssertEqual(result.status, 0, result.errors)
        let fromFile = try JSONDecoder().decode(Metrics.self, from: Data(result.output.utf8))
        let expected = try XCTUnwrap(rerank ? stored.rerank : stored.plain)
        XCTAssertEqual(fromFile.rank1, expected.rank1, accuracy: 1e-6, "\(dataset) \(rerank)")
        XCTAssertEqual(fromFile.mAP, expected.mAP, accuracy: 1e-6, "\(dataset) \(rerank)")
      }
    }
  }
}
